/**
 * The local OSS endpoint as a service shared by many jobs and reached by hostile requests: the
 * admin API needs its token, bodies are read only after authentication and within limits, V4 is
 * verified as OSS does (scope and the Date-only form), malformed URLs and XML answer 400, and the
 * request log stays bounded.
 */
import { request as httpRequest } from "node:http";
import { DEFAULT_CREDENTIAL, type OssEmulator, startOssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import { elementText, errorCode, rawRequest, type V4Signing } from "../support/rawOss";

let oss: OssEmulator;

beforeEach(async () => {
  oss = await startOssEmulator({ maxObjectSize: 1024 * 1024 });
  await aliOssClient(oss.endpoint).putBucket("logs");
  oss.clearRequests();
});

afterEach(async () => {
  await oss.close();
});

const V4: V4Signing = { ...DEFAULT_CREDENTIAL };

describe("the admin API", () => {
  it("refuses a request without the admin token, or with a wrong one, with 401", async () => {
    const anonymous = await rawRequest(oss.endpoint, {
      method: "GET",
      path: "/_emulator/requests",
    });
    const wrong = await rawRequest(oss.endpoint, {
      method: "DELETE",
      path: "/_emulator/faults",
      headers: { authorization: "Bearer not-the-token" },
    });
    expect([anonymous.status, wrong.status]).toStrictEqual([401, 401]);
    expect(JSON.parse(anonymous.body)).toStrictEqual({
      error:
        "the admin API needs the admin token as Authorization: Bearer <token> (printed at start, or given with --admin-token or OSS_EMULATOR_ADMIN_TOKEN)",
    });
  });

  it("is not reachable through a virtual-host Host: there _emulator is a bucket name", async () => {
    const answer = await rawRequest(oss.endpoint, {
      method: "GET",
      path: "/stats",
      host: "_emulator.oss-cn-hangzhou.aliyuncs.com",
      headers: { authorization: `Bearer ${oss.adminToken}` },
    });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([400, "InvalidArgument"]);
  });

  it("answers with the token", async () => {
    const answer = await rawRequest(oss.endpoint, {
      method: "GET",
      path: "/_emulator/stats",
      headers: { authorization: `Bearer ${oss.adminToken}` },
    });
    expect(answer.status).toBe(200);
  });
});

/**
 * Sends a PUT of `size` zero bytes in 1 MiB chunks without keeping them; answers with the status,
 * the body and how many bytes had been handed to the socket when the answer arrived.
 */
function putZeros(
  endpoint: string,
  path: string,
  size: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; sentWhenAnswered: number }> {
  const url = new URL(endpoint);
  let sent = 0;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: "PUT",
        path,
        headers: { "content-length": String(size), ...headers },
        agent: false,
      },
      (incoming) => {
        const sentWhenAnswered = sent;
        let body = "";
        incoming.on("data", (chunk: Buffer) => (body += chunk.toString()));
        incoming.on("end", () => {
          resolve({ status: incoming.statusCode ?? 0, body, sentWhenAnswered });
        });
      },
    );
    // The server may answer and close before the whole body is sent.
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ECONNRESET") {
        reject(error);
      }
    });
    const chunk = Buffer.alloc(1024 * 1024);
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!outgoing.write(chunk)) {
          outgoing.once("drain", pump);
          return;
        }
      }
      outgoing.end();
    };
    pump();
  });
}

describe("request bodies", () => {
  it("are not read before authentication: an unsigned PUT is refused without taking its bytes", async () => {
    const size = 200 * 1024 * 1024;
    const answer = await putZeros(oss.endpoint, "/logs/big.bin", size);
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([403, "AccessDenied"]);
    // The answer came while most of the body was still unsent: the server never read it.
    expect(answer.sentWhenAnswered).toBeLessThan(size / 4);
    const [record] = oss.requests();
    expect(record).toMatchObject({ operation: "PutObject", status: 403 });
    expect(oss.bucket("logs")?.objects.size).toBe(0);
  });

  it("larger than the object limit are refused with 400 EntityTooLarge, and nothing is stored", async () => {
    const client = aliOssClient(oss.endpoint, { bucket: "logs" });
    const failure = await client
      .put("big.bin", Buffer.alloc(1024 * 1024 + 1))
      .catch((error: unknown) => error as { status: number; code: string });
    expect(failure).toMatchObject({ status: 400, code: "EntityTooLarge" });
    await client.put("fits.bin", Buffer.alloc(1024 * 1024));
    expect([...(oss.bucket("logs")?.objects.keys() ?? [])]).toStrictEqual(["fits.bin"]);
  });

  it("of XML over 2 MiB are refused with 400 EntityTooLarge", async () => {
    const answer = await rawRequest(oss.endpoint, {
      method: "PUT",
      path: "/logs/?encryption",
      resource: "/logs/?encryption",
      body: `<ServerSideEncryptionRule>${" ".repeat(2 * 1024 * 1024)}</ServerSideEncryptionRule>`,
      signWith: DEFAULT_CREDENTIAL,
    });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([400, "EntityTooLarge"]);
  });
});

describe("signature V4", () => {
  const getRule = (signing: V4Signing) =>
    rawRequest(oss.endpoint, { method: "GET", path: "/logs/?bucketInfo", signWithV4: signing });

  it.each([
    ["another region", { region: "us-east-1" }, "Invalid signing region in Authorization header."],
    ["the product s3", { product: "s3" }, "Invalid credential in Authorization header."],
    [
      "the terminator aws4_request",
      { terminator: "aws4_request" },
      "Invalid credential in Authorization header.",
    ],
  ])("scoped to %s is refused with 400 InvalidArgument", async (_case, scope, message) => {
    const answer = await getRule({ ...V4, ...scope });
    expect([
      answer.status,
      errorCode(answer.body),
      elementText(answer.body, "Message"),
    ]).toStrictEqual([400, "InvalidArgument", message]);
  });

  it("with only a Date header is accepted, as ossutil 1.7 and the Go SDK v1 send it", async () => {
    const answer = await getRule({ ...V4, dateOnly: true });
    expect(answer.status).toBe(200);
    expect(elementText(answer.body, "Name")).toBe("logs");
  });

  it("with only a Date header and a wrong secret fails with SignatureDoesNotMatch", async () => {
    const answer = await getRule({ ...V4, accessKeySecret: "wrong", dateOnly: true });
    expect([answer.status, errorCode(answer.body), answer.headers["x-oss-ec"]]).toStrictEqual([
      403,
      "SignatureDoesNotMatch",
      "0002-00000040",
    ]);
  });
});

describe("malformed requests", () => {
  it.each([
    ["a lone % in the path", "/logs/%"],
    ["a bad escape in the query", "/logs/?encryption&%zz"],
  ])("%s answers 400 InvalidURI, counted and logged", async (_case, path) => {
    const answer = await rawRequest(oss.endpoint, { method: "GET", path });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([400, "InvalidURI"]);
    expect(oss.counts()).toStrictEqual({ Malformed: 1 });
    expect(oss.requests()).toMatchObject([{ operation: "Malformed", status: 400, url: path }]);
  });

  it("XML nested 200,000 deep answers 400 MalformedXML", async () => {
    const depth = 200_000;
    const answer = await rawRequest(oss.endpoint, {
      method: "PUT",
      path: "/logs/?encryption",
      resource: "/logs/?encryption",
      body: `${"<a>".repeat(depth)}${"</a>".repeat(depth)}`,
      signWith: DEFAULT_CREDENTIAL,
    });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([400, "MalformedXML"]);
  });
});

describe("the request log", () => {
  it("keeps the newest records up to its limit, and counts every request", async () => {
    const small = await startOssEmulator({ requestLogLimit: 3 });
    try {
      const client = aliOssClient(small.endpoint);
      for (let call = 0; call < 5; call++) {
        await client.getBucketEncryption("none").catch(() => undefined);
      }
      expect(small.requests().map((record) => record.sequence)).toStrictEqual([3, 4, 5]);
      expect(small.counts()).toStrictEqual({ GetBucketEncryption: 5 });
    } finally {
      await small.close();
    }
  });
});
