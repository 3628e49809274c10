/**
 * What an encryption audit relies on, driven by ali-oss 6.23.0 in V1 and V4 (and by raw signed
 * requests where ali-oss cannot send the request): objects keep and answer user metadata, content
 * type, ACL and server-side encryption; CopyObject onto itself re-encrypts an object keeping the
 * rest; the copy conditions and directives; range reads; bucket versioning; GetBucketInfo's Block
 * Public Access.
 */
import { createHash } from "node:crypto";
import {
  DEFAULT_CREDENTIAL,
  type EmulatorCredential,
  type OssEmulator,
  startOssEmulator,
} from "local-oss-endpoint";
import { aliOssClient, type EncryptionClient } from "../../tooling/aliOssClient";
import { failureOf } from "../support/failures";
import { elementText, errorCode, rawRequest } from "../support/rawOss";

const OTHER_ACCOUNT: EmulatorCredential = {
  accessKeyId: "other-account-key",
  accessKeySecret: "other-account-secret",
  account: "other",
};

let oss: OssEmulator;
let bucketCount = 0;

beforeAll(async () => {
  oss = await startOssEmulator({ credentials: [DEFAULT_CREDENTIAL, OTHER_ACCOUNT] });
});

afterAll(async () => {
  await oss.close();
});

/** A new bucket with a unique name, and a client for it. */
async function newBucket(v4 = true): Promise<{ name: string; client: EncryptionClient }> {
  bucketCount += 1;
  const name = `objects-${bucketCount}`;
  await aliOssClient(oss.endpoint).putBucket(name);
  return { name, client: aliOssClient(oss.endpoint, { bucket: name, v4 }) };
}

const SSE_HEADERS = [
  "x-oss-server-side-encryption",
  "x-oss-server-side-encryption-key-id",
  "x-oss-server-side-data-encryption",
];

/** What an audit reads of an object with HEAD and GetObjectACL. */
async function describeObject(client: EncryptionClient, key: string) {
  const headers = (await client.head(key)).res.headers as Record<string, string>;
  return {
    contentType: headers["content-type"],
    etag: headers.etag,
    meta: Object.fromEntries(
      Object.entries(headers).filter(([name]) => name.startsWith("x-oss-meta-")),
    ),
    sse: Object.fromEntries(
      SSE_HEADERS.filter((name) => name in headers).map((name) => [name, headers[name]]),
    ),
    acl: (await client.getACL(key)).acl,
  };
}

function etagOf(bytes: Buffer): string {
  return `"${createHash("md5").update(bytes).digest("hex").toUpperCase()}"`;
}

const BODY = Buffer.from("the bytes under audit");

describe.each([
  ["V1", false],
  ["V4", true],
])("objects through ali-oss signing %s", (_version, v4) => {
  it("keep the user metadata, content type, ACL and encryption given at PutObject, and answer them on HEAD, GET and GetObjectACL", async () => {
    const { client } = await newBucket(v4);
    await client.put("report.csv", BODY, {
      mime: "text/csv",
      meta: { owner: "finance", quarter: "q3" },
      headers: {
        "x-oss-object-acl": "public-read",
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "key-1",
        "x-oss-server-side-data-encryption": "SM4",
      },
    } as object);
    const expected = {
      contentType: "text/csv",
      etag: etagOf(BODY),
      meta: { "x-oss-meta-owner": "finance", "x-oss-meta-quarter": "q3" },
      sse: {
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "key-1",
        "x-oss-server-side-data-encryption": "SM4",
      },
      acl: "public-read",
    };
    await expect(describeObject(client, "report.csv")).resolves.toStrictEqual(expected);
    const got = await client.get("report.csv");
    const headers = got.res.headers as Record<string, string>;
    expect([
      got.content,
      headers["x-oss-meta-owner"],
      headers["x-oss-server-side-encryption"],
    ]).toStrictEqual([BODY, "finance", "KMS"]);
  });

  it("are re-encrypted by a copy onto themselves that keeps their bytes, ETag, user metadata, content type and ACL", async () => {
    const { name, client } = await newBucket(v4);
    await client.putBucketEncryption(name, { SSEAlgorithm: "AES256" });
    await client.put("ledger.json", BODY, {
      mime: "application/json",
      meta: { owner: "finance" },
      headers: { "x-oss-object-acl": "private" },
    } as object);
    const before = await describeObject(client, "ledger.json");
    expect(before.sse).toStrictEqual({ "x-oss-server-side-encryption": "AES256" });
    // As the audit does it: the same key, COPY, the new encryption, the ACL read before.
    const copied = await client.copy("ledger.json", "ledger.json", {
      headers: {
        "x-oss-metadata-directive": "COPY",
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "audit-key",
        "x-oss-object-acl": before.acl,
      },
    });
    expect(copied.data).toMatchObject({ etag: etagOf(BODY) });
    expect((copied.res.headers as Record<string, string>)["x-oss-server-side-encryption"]).toBe(
      "KMS",
    );
    await expect(describeObject(client, "ledger.json")).resolves.toStrictEqual({
      ...before,
      sse: {
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "audit-key",
      },
    });
    await expect(client.get("ledger.json")).resolves.toMatchObject({ content: BODY });
  });
});

describe("CopyObject", () => {
  it("without SSE headers gives the copy the destination bucket's rule, as for a new object", async () => {
    const { name, client } = await newBucket();
    await client.put("plain.txt", BODY);
    await client.putBucketEncryption(name, { SSEAlgorithm: "SM4" });
    await client.copy("plain.txt", "plain.txt");
    await expect(describeObject(client, "plain.txt")).resolves.toMatchObject({
      sse: { "x-oss-server-side-encryption": "SM4" },
    });
  });

  it("without x-oss-object-acl gives the copy the default ACL", async () => {
    const { client } = await newBucket();
    await client.put("shared.txt", BODY, { headers: { "x-oss-object-acl": "public-read" } });
    await client.copy("shared.txt", "shared.txt");
    await expect(client.getACL("shared.txt")).resolves.toMatchObject({ acl: "default" });
  });

  it("copies to another bucket of the account, keeping the source's metadata and content type (COPY)", async () => {
    const source = await newBucket();
    const target = await newBucket();
    await source.client.put("a.txt", BODY, { mime: "text/plain", meta: { tag: "x" } } as object);
    await target.client.copy("b.txt", "a.txt", source.name, {});
    await expect(describeObject(target.client, "b.txt")).resolves.toStrictEqual({
      contentType: "text/plain",
      etag: etagOf(BODY),
      meta: { "x-oss-meta-tag": "x" },
      sse: {},
      acl: "default",
    });
    await expect(target.client.get("b.txt")).resolves.toMatchObject({ content: BODY });
  });

  it("takes the request's user metadata and content type with REPLACE", async () => {
    const { client } = await newBucket();
    await client.put("a.txt", BODY, { mime: "text/plain", meta: { old: "1" } } as object);
    await client.copy("a.txt", "a.txt", {
      meta: { fresh: "2" },
      headers: { "Content-Type": "text/markdown" },
    } as object);
    await expect(describeObject(client, "a.txt")).resolves.toMatchObject({
      contentType: "text/markdown",
      meta: { "x-oss-meta-fresh": "2" },
    });
  });

  describe("conditions", () => {
    const past = () => new Date(Date.now() - 3_600_000).toUTCString();
    const future = () => new Date(Date.now() + 3_600_000).toUTCString();

    it.each<[string, number, () => Record<string, string>]>([
      ["If-Match that matches", 200, () => ({ "If-Match": etagOf(BODY) })],
      ["If-Match that does not match", 412, () => ({ "If-Match": '"0000"' })],
      ["If-None-Match that does not match", 200, () => ({ "If-None-Match": '"0000"' })],
      ["If-None-Match that matches", 304, () => ({ "If-None-Match": etagOf(BODY) })],
      ["If-Modified-Since before the write", 200, () => ({ "If-Modified-Since": past() })],
      ["If-Modified-Since after the write", 304, () => ({ "If-Modified-Since": future() })],
      ["If-Unmodified-Since after the write", 200, () => ({ "If-Unmodified-Since": future() })],
      ["If-Unmodified-Since before the write", 412, () => ({ "If-Unmodified-Since": past() })],
    ])("copy with %s (x-oss-copy-source-*) answers %d", async (_case, status, headers) => {
      const { name, client } = await newBucket();
      await client.put("a.txt", BODY);
      // ali-oss sends each of these headers as x-oss-copy-source-<name>.
      const outcome = await client.copy("b.txt", "a.txt", { headers: headers() }).then(
        (result) => ({ status: result.res.status }),
        (error: unknown) => ({
          status: (error as { status: number }).status,
          code: (error as { code: string }).code,
        }),
      );
      expect(outcome).toStrictEqual(
        status === 412 ? { status, code: "PreconditionFailed" } : { status },
      );
      expect(oss.bucket(name)?.objects.has("b.txt")).toBe(status === 200);
    });
  });

  it("answers NoSuchKey for a missing source, and NoSuchBucket for a missing source bucket", async () => {
    const { client } = await newBucket();
    await expect(failureOf(client.copy("b.txt", "missing.txt"))).resolves.toMatchObject({
      status: 404,
      code: "NoSuchKey",
    });
    await expect(
      failureOf(client.copy("b.txt", "a.txt", "no-such-bucket", {})),
    ).resolves.toMatchObject({ status: 404, code: "NoSuchBucket" });
  });

  it("answers AccessDenied for a source in another account's bucket", async () => {
    const { name, client } = await newBucket();
    await client.put("a.txt", BODY);
    const other = aliOssClient(oss.endpoint, { credential: OTHER_ACCOUNT });
    await other.putBucket("objects-other-account");
    const otherClient = aliOssClient(oss.endpoint, {
      credential: OTHER_ACCOUNT,
      bucket: "objects-other-account",
    });
    await expect(failureOf(otherClient.copy("b.txt", "a.txt", name, {}))).resolves.toMatchObject({
      status: 403,
      code: "AccessDenied",
    });
  });

  it("answers InvalidArgument for a metadata directive other than COPY or REPLACE", async () => {
    const { client } = await newBucket();
    await client.put("a.txt", BODY);
    await expect(
      failureOf(client.copy("b.txt", "a.txt", { headers: { "x-oss-metadata-directive": "MOVE" } })),
    ).resolves.toStrictEqual({
      status: 400,
      code: "InvalidArgument",
      message: "Unknown metadata directive.",
    });
  });

  it("answers OSS's CopyObjectResult body", async () => {
    const { name, client } = await newBucket();
    await client.put("a.txt", BODY);
    const answer = await rawRequest(oss.endpoint, {
      method: "PUT",
      path: `/${name}/b.txt`,
      resource: `/${name}/b.txt`,
      headers: { "x-oss-copy-source": `/${name}/a.txt` },
      signWith: DEFAULT_CREDENTIAL,
    });
    expect(answer.body).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<CopyObjectResult><ETag>&quot;[0-9A-F]{32}&quot;<\/ETag><LastModified>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z<\/LastModified><\/CopyObjectResult>$/,
    );
  });

  it("reads a key URL-encoded in x-oss-copy-source, with + as a space as the Go SDK v1 writes it", async () => {
    const { name, client } = await newBucket();
    await client.put("dir/a b+c.txt", BODY);
    const answer = await rawRequest(oss.endpoint, {
      method: "PUT",
      path: `/${name}/copy.txt`,
      resource: `/${name}/copy.txt`,
      headers: { "x-oss-copy-source": `/${name}/dir%2Fa+b%2Bc.txt` },
      signWith: DEFAULT_CREDENTIAL,
    });
    expect(answer.status).toBe(200);
    await expect(client.get("copy.txt")).resolves.toMatchObject({ content: BODY });
  });
});

describe("object ACLs", () => {
  it("are set with PutObjectACL and read with GetObjectACL, default when unset", async () => {
    const { client } = await newBucket();
    await client.put("a.txt", BODY);
    await expect(client.getACL("a.txt")).resolves.toMatchObject({ acl: "default" });
    for (const acl of ["private", "public-read", "public-read-write"] as const) {
      await client.putACL("a.txt", acl);
      await expect(client.getACL("a.txt")).resolves.toMatchObject({ acl });
    }
    await expect(client.get("a.txt")).resolves.toMatchObject({ content: BODY });
  });

  it("answer InvalidArgument for a value that is not an ACL, and for none (with OSS's EC)", async () => {
    const { name, client } = await newBucket();
    await client.put("a.txt", BODY);
    await expect(failureOf(client.putACL("a.txt", "world" as "private"))).resolves.toMatchObject({
      status: 400,
      code: "InvalidArgument",
    });
    const answer = await rawRequest(oss.endpoint, {
      method: "PUT",
      path: `/${name}/a.txt?acl`,
      resource: `/${name}/a.txt?acl`,
      signWith: DEFAULT_CREDENTIAL,
    });
    expect([answer.status, errorCode(answer.body), answer.headers["x-oss-ec"]]).toStrictEqual([
      400,
      "InvalidArgument",
      "0017-00000105",
    ]);
    await expect(
      failureOf(client.put("b.txt", BODY, { headers: { "x-oss-object-acl": "world" } })),
    ).resolves.toMatchObject({ status: 400, code: "InvalidArgument" });
  });
});

describe("range reads", () => {
  const TEN = Buffer.from("0123456789");

  async function getRange(range: string, behavior?: string) {
    const { client } = await newBucket();
    await client.put("ten.txt", TEN);
    return client
      .get("ten.txt", undefined, {
        headers: {
          Range: range,
          ...(behavior === undefined ? {} : { "x-oss-range-behavior": behavior }),
        },
      })
      .then(
        (result) => {
          const headers = result.res.headers as Record<string, string>;
          return {
            status: result.res.status,
            body: (result.content as Buffer).toString(),
            contentRange: headers["content-range"],
          };
        },
        (error: unknown) => ({
          status: (error as { status: number }).status,
          code: (error as { code: string }).code,
        }),
      );
  }

  it.each<[string, string, string | undefined, unknown]>([
    [
      "first-last",
      "bytes=2-5",
      undefined,
      { status: 206, body: "2345", contentRange: "bytes 2-5/10" },
    ],
    ["first-", "bytes=7-", undefined, { status: 206, body: "789", contentRange: "bytes 7-9/10" }],
    ["a suffix", "bytes=-3", undefined, { status: 206, body: "789", contentRange: "bytes 7-9/10" }],
    [
      "an end past the object (ignored)",
      "bytes=5-10",
      undefined,
      { status: 200, body: "0123456789", contentRange: undefined },
    ],
    [
      "a start past the object (ignored)",
      "bytes=10-12",
      undefined,
      { status: 200, body: "0123456789", contentRange: undefined },
    ],
    [
      "a malformed range (ignored)",
      "byte=0-1",
      undefined,
      { status: 200, body: "0123456789", contentRange: undefined },
    ],
    [
      "an end past the object, standard",
      "bytes=5-10",
      "standard",
      { status: 206, body: "56789", contentRange: "bytes 5-9/10" },
    ],
    [
      "a start past the object, standard",
      "bytes=10-12",
      "standard",
      { status: 416, code: "InvalidRange" },
    ],
    ["several ranges", "bytes=0-1,3-4", undefined, { status: 416, code: "InvalidRange" }],
  ])("of %s answer as OSS does", async (_case, range, behavior, expected) => {
    await expect(getRange(range, behavior)).resolves.toStrictEqual(expected);
  });
});

describe("bucket versioning", () => {
  it("has no status on a new bucket, then the status put: Enabled, then Suspended", async () => {
    const { name, client } = await newBucket();
    await expect(client.getBucketVersioning(name)).resolves.toMatchObject({
      versionStatus: undefined,
    });
    for (const status of ["Enabled", "Suspended"] as const) {
      await client.putBucketVersioning(name, status);
      await expect(client.getBucketVersioning(name)).resolves.toMatchObject({
        versionStatus: status,
      });
    }
    const info = (await client.getBucketInfo(name)) as { bucket: { Versioning: string } };
    expect(info.bucket.Versioning).toBe("Suspended");
  });

  it("answers MalformedXML for a status other than Enabled or Suspended", async () => {
    const { name } = await newBucket();
    const answer = await rawRequest(oss.endpoint, {
      method: "PUT",
      path: `/${name}/?versioning`,
      resource: `/${name}/?versioning`,
      body: "<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>",
      signWith: DEFAULT_CREDENTIAL,
    });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([400, "MalformedXML"]);
    expect(oss.bucket(name)?.versioning).toBeUndefined();
  });
});

describe("GetBucketInfo", () => {
  it("answers Block Public Access on for a new bucket, as OSS creates them now", async () => {
    const { name, client } = await newBucket();
    const info = (await client.getBucketInfo(name)) as { bucket: { BlockPublicAccess: string } };
    expect(info.bucket.BlockPublicAccess).toBe("true");
    const answer = await rawRequest(oss.endpoint, {
      method: "GET",
      path: `/${name}/?bucketInfo`,
      resource: `/${name}/?bucketInfo`,
      signWith: DEFAULT_CREDENTIAL,
    });
    expect(elementText(answer.body, "BlockPublicAccess")).toBe("true");
  });
});
