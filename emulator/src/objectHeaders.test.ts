import {
  checkConditions,
  COPY_CONDITIONS,
  copySourceOf,
  copySourceRange,
  objectAclOf,
  objectSettingsOf,
  READ_CONDITIONS,
  requestedRange,
  userMetadataHeaders,
  userMetadataOf,
} from "./objectHeaders";
import { OssError } from "./ossError";
import type { StoredBucket } from "./state";

/** The status, code and EC of the OssError a call throws. */
function thrown(call: () => unknown): { status: number; code: string; ec: string | undefined } {
  try {
    call();
  } catch (error) {
    if (error instanceof OssError) {
      return { status: error.status, code: error.code, ec: error.ec };
    }
    throw error;
  }
  throw new Error("expected an OssError");
}

describe("requestedRange", () => {
  it.each<[string, Record<string, string>, ReturnType<typeof requestedRange>]>([
    ["no Range header: the whole object", {}, undefined],
    ["first-last", { range: "bytes=2-5" }, { start: 2, end: 5 }],
    ["first- to the end", { range: "bytes=7-" }, { start: 7, end: 9 }],
    ["the last 3 bytes", { range: "bytes=-3" }, { start: 7, end: 9 }],
    ["the whole object as a range", { range: "bytes=0-9" }, { start: 0, end: 9 }],
    ["an end past the object: ignored", { range: "bytes=5-10" }, undefined],
    ["a start past the object: ignored", { range: "bytes=10-" }, undefined],
    ["a suffix longer than the object: ignored", { range: "bytes=-20" }, undefined],
    ["last before first: ignored", { range: "bytes=5-2" }, undefined],
    ["byte instead of bytes: ignored", { range: "byte=0-1" }, undefined],
    ["no numbers: ignored", { range: "bytes=-" }, undefined],
    [
      "an end past the object, standard: cut at the end",
      { range: "bytes=5-10", "x-oss-range-behavior": "standard" },
      { start: 5, end: 9 },
    ],
    [
      "a suffix longer than the object, standard: the whole object",
      { range: "bytes=-20", "x-oss-range-behavior": "standard" },
      { start: 0, end: 9 },
    ],
  ])("of a 10-byte object reads %s", (_case, headers, range) => {
    expect(requestedRange(headers, 10)).toStrictEqual(range);
  });

  it.each<[string, Record<string, string>, number]>([
    ["several ranges", { range: "bytes=0-1,3-4" }, 10],
    [
      "a start past the object, standard",
      { range: "bytes=10-", "x-oss-range-behavior": "standard" },
      10,
    ],
    ["a zero suffix, standard", { range: "bytes=-0", "x-oss-range-behavior": "standard" }, 10],
    [
      "any range of an empty object, standard",
      { range: "bytes=0-", "x-oss-range-behavior": "standard" },
      0,
    ],
  ])("answers 416 InvalidRange for %s", (_case, headers, size) => {
    expect(thrown(() => requestedRange(headers, size))).toStrictEqual({
      status: 416,
      code: "InvalidRange",
      ec: undefined,
    });
  });
});

describe("checkConditions", () => {
  const object = { etag: "abc123", lastModified: new Date("2026-03-01T10:00:00.500Z") };
  const before = "Sun, 01 Mar 2026 09:59:59 GMT";
  const same = "Sun, 01 Mar 2026 10:00:00 GMT";
  const after = "Sun, 01 Mar 2026 10:00:01 GMT";

  it.each<[string, Record<string, string>, "proceed" | "not-modified" | 412]>([
    ["no conditions", {}, "proceed"],
    ["If-Match of the ETag, quoted, any case", { "if-match": '"ABC123"' }, "proceed"],
    ["If-Match of a list holding the ETag", { "if-match": '"x", "abc123"' }, "proceed"],
    ["If-Match *", { "if-match": "*" }, "proceed"],
    ["If-Match of another ETag", { "if-match": '"x"' }, 412],
    ["If-None-Match of the ETag", { "if-none-match": '"ABC123"' }, "not-modified"],
    ["If-None-Match of another ETag", { "if-none-match": '"x"' }, "proceed"],
    ["If-Modified-Since before the write", { "if-modified-since": before }, "proceed"],
    ["If-Modified-Since the second of the write", { "if-modified-since": same }, "not-modified"],
    ["If-Unmodified-Since the second of the write", { "if-unmodified-since": same }, "proceed"],
    ["If-Unmodified-Since before the write", { "if-unmodified-since": before }, 412],
    [
      "If-Unmodified-Since that is not a date: ignored",
      { "if-unmodified-since": "soon" },
      "proceed",
    ],
    [
      "If-Match that holds over If-Unmodified-Since that fails",
      { "if-match": '"abc123"', "if-unmodified-since": before },
      "proceed",
    ],
    [
      "If-None-Match that holds over If-Modified-Since that fails",
      { "if-none-match": '"x"', "if-modified-since": after },
      "proceed",
    ],
  ])("of a read with %s: %s", (_case, headers, outcome) => {
    const result = () => checkConditions(headers, READ_CONDITIONS, object);
    if (outcome === 412) {
      expect(thrown(result)).toStrictEqual({
        status: 412,
        code: "PreconditionFailed",
        ec: undefined,
      });
    } else {
      expect(result()).toBe(outcome);
    }
  });

  it("read a copy's conditions from the x-oss-copy-source-* headers", () => {
    expect(
      checkConditions({ "x-oss-copy-source-if-none-match": '"abc123"' }, COPY_CONDITIONS, object),
    ).toBe("not-modified");
    expect(checkConditions({ "if-none-match": '"abc123"' }, COPY_CONDITIONS, object)).toBe(
      "proceed",
    );
  });

  it("answer 412 instead of 304 where the operation says so (UploadPartCopy)", () => {
    expect(
      thrown(() =>
        checkConditions(
          { "x-oss-copy-source-if-modified-since": after },
          COPY_CONDITIONS,
          object,
          true,
        ),
      ),
    ).toMatchObject({ status: 412 });
  });
});

describe("copySourceOf", () => {
  it.each<[string, string, ReturnType<typeof copySourceOf>]>([
    ["a key", "/logs/a.txt", { bucket: "logs", key: "a.txt", versionId: undefined }],
    [
      "a key URL-encoded by ali-oss",
      "/logs/dir%2Fa%20b%2Bc.txt",
      { bucket: "logs", key: "dir/a b+c.txt", versionId: undefined },
    ],
    [
      "a key escaped by the Go SDK v1, + for a space",
      "/logs/dir%2Fa+b%2Bc.txt",
      { bucket: "logs", key: "dir/a b+c.txt", versionId: undefined },
    ],
    [
      "a version",
      "/logs/a.txt?versionId=null",
      { bucket: "logs", key: "a.txt", versionId: "null" },
    ],
  ])("reads %s", (_case, value, source) => {
    expect(copySourceOf(value)).toStrictEqual(source);
  });

  it.each(["logs/a.txt", "/logs/", "/logs", ""])(
    "answers InvalidArgument, with the operation's EC, for %j",
    (value) => {
      expect(thrown(() => copySourceOf(value, "0042-00000301"))).toStrictEqual({
        status: 400,
        code: "InvalidArgument",
        ec: "0042-00000301",
      });
    },
  );
});

describe("copySourceRange", () => {
  it("reads bytes=first-last within the source, and the whole source without the header", () => {
    expect(copySourceRange({ "x-oss-copy-source-range": "bytes=0-9" }, 10)).toStrictEqual({
      start: 0,
      end: 9,
    });
    expect(copySourceRange({}, 10)).toBeUndefined();
  });

  it.each(["bytes=0-10", "bytes=5-4", "bytes=0-", "bytes=-3", "0-9"])(
    "answers InvalidArgument for %s of a 10-byte source",
    (range) => {
      expect(thrown(() => copySourceRange({ "x-oss-copy-source-range": range }, 10))).toMatchObject(
        { status: 400, code: "InvalidArgument" },
      );
    },
  );
});

describe("object settings", () => {
  const bucket = {
    rule: { sseAlgorithm: "KMS" },
    defaultKmsKeyId: "default-key",
  } as unknown as StoredBucket;

  it("take user metadata, content type, ACL and encryption from the headers and the bucket's rule", () => {
    expect(
      objectSettingsOf(
        {
          "content-type": "text/csv",
          "x-oss-meta-owner": "finance",
          "x-oss-object-acl": "public-read",
          "x-oss-date": "now",
        },
        bucket,
      ),
    ).toStrictEqual({
      contentType: "text/csv",
      userMetadata: { owner: "finance" },
      acl: "public-read",
      encryption: { algorithm: "KMS", keyId: "default-key" },
    });
  });

  it("default to application/octet-stream, no metadata and the default ACL", () => {
    expect(objectSettingsOf({}, { ...bucket, rule: undefined })).toStrictEqual({
      contentType: "application/octet-stream",
      userMetadata: {},
      acl: "default",
    });
  });

  it("answer InvalidArgument for an ACL that is not one", () => {
    expect(thrown(() => objectAclOf({ "x-oss-object-acl": "authenticated-read" }))).toMatchObject({
      status: 400,
      code: "InvalidArgument",
    });
  });

  it("write user metadata back as x-oss-meta-* headers", () => {
    expect(userMetadataHeaders(userMetadataOf({ "x-oss-meta-a": "1", other: "2" }))).toStrictEqual({
      "x-oss-meta-a": "1",
    });
  });
});
