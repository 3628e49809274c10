import type { OssRequest } from "./context";
import { identifyOperation, type OperationName, parseVersioningConfiguration } from "./operations";
import { OssError } from "./ossError";

/** A request to `key` (or the bucket) of bucket `logs`, with the query and headers given. */
function request(
  method: string,
  key: string | undefined,
  query: [string, string][] = [],
  headers: Record<string, string> = {},
): OssRequest {
  return {
    method,
    headers,
    address: { bucket: "logs", key, region: undefined, style: "path" },
    query,
  };
}

const COPY = { "x-oss-copy-source": "/logs/a.txt" };

describe("identifyOperation", () => {
  it.each<[OperationName | undefined, OssRequest]>([
    ["PutObject", request("PUT", "a.txt")],
    ["CopyObject", request("PUT", "a.txt", [], COPY)],
    ["PutObjectACL", request("PUT", "a.txt", [["acl", ""]])],
    ["GetObjectACL", request("GET", "a.txt", [["acl", ""]])],
    ["InitiateMultipartUpload", request("POST", "a.txt", [["uploads", ""]])],
    [
      "UploadPart",
      request("PUT", "a.txt", [
        ["partNumber", "1"],
        ["uploadId", "U"],
      ]),
    ],
    [
      "UploadPartCopy",
      request(
        "PUT",
        "a.txt",
        [
          ["partNumber", "1"],
          ["uploadId", "U"],
        ],
        COPY,
      ),
    ],
    ["CompleteMultipartUpload", request("POST", "a.txt", [["uploadId", "U"]])],
    ["AbortMultipartUpload", request("DELETE", "a.txt", [["uploadId", "U"]])],
    [
      "ListParts",
      request("GET", "a.txt", [
        ["uploadId", "U"],
        ["max-parts", "2"],
      ]),
    ],
    [undefined, request("PUT", "a.txt", [["uploadId", "U"]])],
    [undefined, request("GET", "a.txt", [["uploads", ""]])],
    [
      "ListMultipartUploads",
      request("GET", undefined, [
        ["uploads", ""],
        ["key-marker", "a"],
      ]),
    ],
    ["PutBucketVersioning", request("PUT", undefined, [["versioning", ""]])],
    ["GetBucketVersioning", request("GET", undefined, [["versioning", ""]])],
    [undefined, request("DELETE", undefined, [["versioning", ""]])],
  ])("names %s for %j", (operation, oss) => {
    expect(identifyOperation(oss)).toBe(operation);
  });
});

describe("parseVersioningConfiguration", () => {
  it.each(["Enabled", "Suspended"])("reads %s", (status) => {
    expect(
      parseVersioningConfiguration(
        `<VersioningConfiguration><Status>${status}</Status></VersioningConfiguration>`,
      ),
    ).toBe(status);
  });

  it.each([
    "<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>",
    "<VersioningConfiguration></VersioningConfiguration>",
    "<Versioning><Status>Enabled</Status></Versioning>",
  ])("answers MalformedXML for %s", (body) => {
    expect(() => parseVersioningConfiguration(body)).toThrow(
      expect.objectContaining({ status: 400, code: "MalformedXML" }) as OssError,
    );
  });
});
