/**
 * `oss-encryption-audit` attacked: an endpoint whose error bodies echo the request (credentials
 * included) or grow without bound, a listing whose continuation token never advances, and object
 * keys with `.` and `..` path segments, which OSS accepts and other SDKs write.
 */
import { createHmac } from "node:crypto";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_CREDENTIAL, type OssEmulator, startOssEmulator } from "local-oss-endpoint";
import { aliOssClient, type EncryptionClient } from "../../tooling/aliOssClient";
import { localAuditEnv } from "../../tooling/localAudit";
import { runCommand } from "../support/auditCommand";

jest.setTimeout(120_000);

const SECRET = "hostile-test-SECRET-0123456789abcdef";
const TOKEN = "hostile-test-STS-TOKEN-0123456789abcdef";

/** Temporary (STS) credentials that no answer may bring back into the output. */
const STS_ENV = localAuditEnv({
  accessKeyId: "STS.hostile-test-id",
  accessKeySecret: SECRET,
  securityToken: TOKEN,
});

/**
 * A hostile endpoint: it answers GetBucketEncryption with an AES256 rule and GetBucketVersioning
 * with none, and every other request as `handler` says.
 */
async function hostileEndpoint(
  handler: (request: IncomingMessage, url: URL, response: ServerResponse) => void,
): Promise<{ endpoint: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const url = new URL(req.url ?? "/", "http://endpoint");
    if (url.searchParams.has("encryption")) {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>',
      );
      return;
    }
    if (url.searchParams.has("versioning")) {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end("<VersioningConfiguration/>");
      return;
    }
    handler(req, url, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe("a hostile endpoint", () => {
  it("never brings the STS security token or the request signature into the output when an error body echoes the request headers", async () => {
    // A proxy or gateway in front of OSS answering in plain text, reflecting the request: ali-oss
    // appends a body it cannot parse as XML to its message ("raw xml: ..."), whole.
    const endpoint = await hostileEndpoint((req, _url, res) => {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(`400 Bad Request\nrequest headers: ${JSON.stringify(req.headers)}\n`);
    });
    try {
      for (const extra of [[], ["--json"]]) {
        const run = await runCommand(
          ["--bucket", "logs", "--endpoint", endpoint.endpoint, ...extra],
          STS_ENV,
        );
        expect(run.status).toBe(2);
        const output = run.stdout + run.stderr;
        expect(output).not.toContain(TOKEN);
        expect(output).not.toContain(SECRET);
        expect(output).not.toMatch(/Signature=[0-9a-f]{16}/);
      }
    } finally {
      await endpoint.close();
    }
  });

  it("keeps its output bounded when an error body is huge", async () => {
    // Header values are cut at 1 KB so that a report does not grow with what a server sends; an
    // error message is not.
    const endpoint = await hostileEndpoint((_req, _url, res) => {
      res.writeHead(403, { "content-type": "application/xml" });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>Odd</Code><Message>${"A".repeat(5_000_000)}</Message></Error>`,
      );
    });
    try {
      const run = await runCommand(
        ["--bucket", "logs", "--endpoint", endpoint.endpoint, "--json"],
        STS_ENV,
      );
      expect(run.status).toBe(2);
      expect(run.stdout.length).toBeLessThan(100_000);
      expect(run.stderr.length).toBeLessThan(100_000);
    } finally {
      await endpoint.close();
    }
  });

  it("ends, with an error, a listing whose continuation token never advances instead of listing forever", async () => {
    const endpoint = await hostileEndpoint((_req, _url, res) => {
      res.writeHead(200, { "content-type": "application/xml" });
      res.end(
        '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>logs</Name><IsTruncated>true</IsTruncated><NextContinuationToken>same</NextContinuationToken></ListBucketResult>',
      );
    });
    try {
      const run = await runCommand(
        ["--bucket", "logs", "--endpoint", endpoint.endpoint, "--json"],
        STS_ENV,
        15_000,
      );
      // Killed by the timeout (SIGTERM, status null) after thousands of ListObjectsV2 calls.
      expect({ status: run.status, signal: run.signal }).toStrictEqual({ status: 2, signal: null });
      expect(endpoint.requests()).toBeLessThan(1_000);
    } finally {
      await endpoint.close();
    }
  });
});

describe("keys with . and .. path segments", () => {
  let oss: OssEmulator;
  let client: EncryptionClient;

  beforeEach(async () => {
    oss = await startOssEmulator();
    client = aliOssClient(oss.endpoint, { bucket: "logs" });
    await client.putBucket("logs");
  });

  afterEach(async () => {
    await oss.close();
  });

  /**
   * Writes `key` as SDKs that do not normalise paths (Go, Java, ossutil) do: the path sent as it
   * is, signed with V1. OSS takes such keys (its only rules: UTF-8, 1 to 1,023 bytes, no leading
   * `/` or `\`).
   */
  async function putRaw(key: string, body: string): Promise<void> {
    const date = new Date().toUTCString();
    const signature = createHmac("sha1", DEFAULT_CREDENTIAL.accessKeySecret)
      .update(`PUT\n\n\n${date}\n/logs/${key}`)
      .digest("base64");
    const url = new URL(oss.endpoint);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: "PUT",
          path: `/logs/${key.split("/").map(encodeURIComponent).join("/")}`,
          headers: {
            date,
            authorization: `OSS ${DEFAULT_CREDENTIAL.accessKeyId}:${signature}`,
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(status).toBe(200);
    expect(oss.bucket("logs")?.objects.has(key)).toBe(true);
  }

  async function setUp(): Promise<void> {
    await putRaw("a/../b", "dot-dot");
    await putRaw("c/./d", "dot");
    await client.put("b", Buffer.from("the real b"), {
      headers: { "x-oss-server-side-encryption": "SM4" },
    });
    for (const key of ["z0", "z1", "z2"]) {
      await client.put(key, Buffer.from(key));
    }
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    oss.clearRequests();
  }

  it("are audited as the objects they name: the rest of the bucket is audited too, and no credential is blamed", async () => {
    await setUp();
    const run = await runCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--json"],
      localAuditEnv(),
    );
    // Observed: HEAD "a/../b" is sent as HEAD "b" (the path normalised), answered
    // SignatureDoesNotMatch, and the whole audit stops (exit 2, complete false) telling the user to
    // check the access key secret.
    expect(run.stderr).not.toContain("SignatureDoesNotMatch");
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      scanned: 6,
      complete: true,
      errors: [],
      objects: [
        { key: "a/../b", sseAlgorithm: null },
        { key: "c/./d", sseAlgorithm: null },
        { key: "z0" },
        { key: "z1" },
        { key: "z2" },
      ],
    });
    const heads = oss
      .requests()
      .filter((record) => record.operation === "HeadObject")
      .map((record) => record.key)
      .sort();
    expect(heads).toStrictEqual(["a/../b", "b", "c/./d", "z0", "z1", "z2"]);
  });

  it("are re-encrypted by --fix in place, and the objects their normalised paths name are left alone", async () => {
    await setUp();
    const run = await runCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--fix", "--yes", "--json"],
      localAuditEnv(),
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ nonConforming: 5, fixed: 5, errors: [] });
    const stored = oss.bucket("logs")?.objects;
    expect(stored?.get("a/../b")?.size).toBe("dot-dot".length);
    expect(((await client.get("b")).content as Buffer).toString()).toBe("the real b");
  });
});
