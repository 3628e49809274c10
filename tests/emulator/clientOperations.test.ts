/**
 * The calls real OSS clients make around this workflow (listing and cleaning up a bucket, stat of
 * a bucket or object), driven through ali-oss as its users call them, and the answers clients
 * depend on: OSS's detailed error codes, GetBucketInfo's whole element set, ListBuckets paging.
 */
import { DEFAULT_CREDENTIAL, type OssEmulator, startOssEmulator } from "local-oss-endpoint";
import { aliOssClient, type EncryptionClient } from "../../tooling/aliOssClient";
import { elementText, errorCode, rawRequest } from "../support/rawOss";

let oss: OssEmulator;
let client: EncryptionClient;

/** ali-oss calls its type definitions leave out. */
interface MoreCalls {
  getBucketVersions(query: Record<string, string>): Promise<{
    objects: { name: string; versionId: string; isLatest: boolean }[];
    prefixes: string[] | null;
  }>;
  getObjectMeta(
    name: string,
  ): Promise<{ status: number; res: { headers: Record<string, string> } }>;
}

const KEYS = ["a.txt", "dir/b.txt", "dir/c.txt", "dir/sub/d.txt", "e f.txt"];

beforeEach(async () => {
  oss = await startOssEmulator();
  await aliOssClient(oss.endpoint).putBucket("logs");
  client = aliOssClient(oss.endpoint, { bucket: "logs" });
  for (const key of KEYS) {
    await client.put(key, Buffer.from(`bytes of ${key}`));
  }
  oss.clearRequests();
});

afterEach(async () => {
  await oss.close();
});

describe("listing objects", () => {
  it("ListObjects pages with marker and max-keys, and rolls up prefixes at the delimiter", async () => {
    const first = await client.list({ "max-keys": 2 }, {});
    expect(first.objects.map((object) => object.name)).toStrictEqual(["a.txt", "dir/b.txt"]);
    expect([first.isTruncated, first.nextMarker]).toStrictEqual([true, "dir/b.txt"]);
    const rest = await client.list({ marker: "dir/b.txt", "max-keys": 10 }, {});
    expect(rest.objects.map((object) => object.name)).toStrictEqual([
      "dir/c.txt",
      "dir/sub/d.txt",
      "e f.txt",
    ]);
    const rolled = await client.list({ prefix: "dir/", delimiter: "/", "max-keys": 10 }, {});
    expect(rolled.objects.map((object) => [object.name, object.size])).toStrictEqual([
      ["dir/b.txt", 18],
      ["dir/c.txt", 18],
    ]);
    expect(rolled.prefixes).toStrictEqual(["dir/sub/"]);
    expect(oss.counts()).toStrictEqual({ ListObjects: 3 });
  });

  it("ListObjectsV2 pages with a continuation token and counts the keys", async () => {
    const first = await client.listV2({ "max-keys": "3" }, {});
    expect(first.objects.map((object) => object.name)).toStrictEqual([
      "a.txt",
      "dir/b.txt",
      "dir/c.txt",
    ]);
    expect([first.isTruncated, first.keyCount]).toStrictEqual([true, 3]);
    const rest = await client.listV2(
      { "max-keys": "3", "continuation-token": first.nextContinuationToken },
      {},
    );
    expect(rest.objects.map((object) => object.name)).toStrictEqual(["dir/sub/d.txt", "e f.txt"]);
    expect(rest.isTruncated).toBe(false);
    expect(oss.counts()).toStrictEqual({ ListObjectsV2: 2 });
  });

  it("ListObjects with encoding-type url percent-encodes the keys", async () => {
    const answer = await rawRequest(oss.endpoint, {
      method: "GET",
      path: "/logs/?encoding-type=url&prefix=e",
      resource: "/logs/",
      signWith: DEFAULT_CREDENTIAL,
    });
    expect(elementText(answer.body, "Key")).toBe("e%20f.txt");
    expect(elementText(answer.body, "EncodingType")).toBe("url");
  });

  it("ListObjectVersions lists each object once as its latest version, null, versioning being off", async () => {
    const versions = await (client as EncryptionClient & MoreCalls).getBucketVersions({
      prefix: "dir/",
    });
    expect(
      versions.objects.map((version) => [version.name, version.versionId, version.isLatest]),
    ).toStrictEqual([
      ["dir/b.txt", "null", true],
      ["dir/c.txt", "null", true],
      ["dir/sub/d.txt", "null", true],
    ]);
  });

  it("ListMultipartUploads answers an empty list", async () => {
    const uploads = await client.listUploads({});
    expect([uploads.uploads, uploads.isTruncated]).toStrictEqual([[], false]);
  });
});

describe("cleaning up a bucket", () => {
  it("DeleteMultipleObjects removes every key given and reports each, then the bucket can go", async () => {
    const result = await client.deleteMulti(KEYS, { quiet: false });
    // ali-oss answers the parsed <Deleted> elements, which its type definitions call strings.
    const deleted = result.deleted as unknown as { Key: string }[];
    expect(deleted.map((entry) => entry.Key)).toStrictEqual(KEYS);
    expect(oss.bucket("logs")?.objects.size).toBe(0);
    await aliOssClient(oss.endpoint).deleteBucket("logs");
    expect(oss.bucket("logs")).toBeUndefined();
  });

  it("DeleteMultipleObjects in quiet mode reports nothing", async () => {
    const result = await client.deleteMulti(["a.txt", "missing.txt"], { quiet: true });
    expect(result.deleted ?? []).toStrictEqual([]);
    expect(oss.bucket("logs")?.objects.has("a.txt")).toBe(false);
  });
});

describe("stat of a bucket or an object", () => {
  it("GetBucketLocation answers the region as oss-<region>", async () => {
    await expect(aliOssClient(oss.endpoint).getBucketLocation("logs")).resolves.toMatchObject({
      location: "oss-cn-hangzhou",
    });
  });

  it("GetObjectMeta answers the size, ETag and time without the bytes", async () => {
    const meta = await (client as EncryptionClient & MoreCalls).getObjectMeta("a.txt");
    expect(meta.status).toBe(200);
    expect(meta.res.headers["content-length"]).toBe(String("bytes of a.txt".length));
    expect(meta.res.headers.etag).toMatch(/^"[0-9A-F]{32}"$/);
    expect(oss.counts()).toStrictEqual({ GetObjectMeta: 1 });
  });

  it("GetObjectACL answers the default ACL", async () => {
    await expect(client.getACL("a.txt")).resolves.toMatchObject({ acl: "default" });
  });

  it("GetBucketInfo carries every element OSS returns", async () => {
    const answer = await rawRequest(oss.endpoint, {
      method: "GET",
      path: "/logs/?bucketInfo",
      resource: "/logs/?bucketInfo",
      signWith: DEFAULT_CREDENTIAL,
    });
    const elements = [...answer.body.matchAll(/<(\w+)>/g)].map(([, name]) => name);
    expect(elements).toStrictEqual([
      "BucketInfo",
      "Bucket",
      "AccessMonitor",
      "CreationDate",
      "ExtranetEndpoint",
      "IntranetEndpoint",
      "Location",
      "StorageClass",
      "DataRedundancyType",
      "TransferAcceleration",
      "CrossRegionReplication",
      "Name",
      "ResourceGroupId",
      "Owner",
      "ID",
      "DisplayName",
      "AccessControlList",
      "Grant",
      "ServerSideEncryptionRule",
      "SSEAlgorithm",
      "BucketPolicy",
      "LogBucket",
      "LogPrefix",
      "Comment",
      "Versioning",
      "BlockPublicAccess",
    ]);
  });
});

describe("ListBuckets", () => {
  it("pages with prefix, marker and max-keys", async () => {
    const admin = aliOssClient(oss.endpoint);
    for (const name of ["logs-2", "logs-3", "other"]) {
      await admin.putBucket(name);
    }
    const list = (query: string) =>
      rawRequest(oss.endpoint, {
        method: "GET",
        path: `/?${query}`,
        resource: "/",
        signWith: DEFAULT_CREDENTIAL,
      }).then((answer) => ({
        names: [...answer.body.matchAll(/<Name>([^<]*)<\/Name>/g)].map(([, name]) => name),
        truncated: elementText(answer.body, "IsTruncated"),
        next: elementText(answer.body, "NextMarker"),
      }));
    await expect(list("prefix=logs&max-keys=2")).resolves.toStrictEqual({
      names: ["logs", "logs-2"],
      truncated: "true",
      next: "logs-2",
    });
    await expect(list("prefix=logs&marker=logs-2")).resolves.toStrictEqual({
      names: ["logs-3"],
      truncated: "false",
      next: undefined,
    });
  });
});

describe("detailed error codes", () => {
  it.each([
    ["NoSuchBucket", "/missing/?encryption", "/missing/?encryption", "0015-00000101"],
    ["NoSuchServerSideEncryptionRule", "/logs/?encryption", "/logs/?encryption", "0005-00000004"],
    ["NoSuchKey", "/logs/missing.txt", "/logs/missing.txt", "0026-00000001"],
  ])(
    "%s carries OSS's EC in the body and the x-oss-ec header",
    async (code, path, resource, ec) => {
      const answer = await rawRequest(oss.endpoint, {
        method: "GET",
        path,
        resource,
        signWith: DEFAULT_CREDENTIAL,
      });
      expect([
        errorCode(answer.body),
        elementText(answer.body, "EC"),
        answer.headers["x-oss-ec"],
      ]).toStrictEqual([code, ec, ec]);
    },
  );
});
