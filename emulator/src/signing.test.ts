import {
  canonicalRequestV4,
  canonicalResourceV1,
  parseV4Authorization,
  signatureV1,
  signatureV4,
  stringToSignV1,
  stringToSignV4,
} from "./signing";

// ali-oss's own signing helpers, used as an independent reference for V4.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aliOssSigning = require("ali-oss/lib/common/signUtils") as {
  getCanonicalRequest(
    method: string,
    request: { headers: Record<string, string>; queries: Record<string, string | null> },
    bucket?: string,
    object?: string,
    additionalHeaders?: string[],
  ): string;
  getStringToSign(region: string, date: string, canonicalRequest: string): string;
  getSignatureV4(secret: string, date: string, region: string, stringToSign: string): string;
};

describe("signature V1", () => {
  it("matches the Go SDK v2 known-answer vector", () => {
    const headers = {
      "content-md5": "eB5eJF1ptWaXm4bijSPyxw==",
      "content-type": "text/html",
      "x-oss-date": "Wed, 28 Dec 2022 10:27:41 GMT",
      "x-oss-meta-magic": "abracadabra",
      "x-oss-meta-author": "alice",
    };
    const stringToSign = stringToSignV1(
      "PUT",
      headers,
      canonicalResourceV1("examplebucket", "nelson", []),
    );
    expect(stringToSign).toBe(
      "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson",
    );
    expect(`OSS ak:${signatureV1("sk", stringToSign)}`).toBe("OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=");
  });

  it.each<[string, string | undefined, string | undefined, [string, string][], string]>([
    ["a service call", undefined, undefined, [], "/"],
    ["a bucket call", "logs", undefined, [], "/logs/"],
    ["a bucket subresource", "logs", undefined, [["encryption", ""]], "/logs/?encryption"],
    [
      "sorted subresources with values, other parameters left out",
      "logs",
      "a b",
      [
        ["uploadId", "7"],
        ["prefix", "x"],
        ["acl", ""],
        ["x-oss-process", "image/resize"],
      ],
      "/logs/a b?acl&uploadId=7&x-oss-process=image/resize",
    ],
    ["InitiateMultipartUpload", "logs", "big.bin", [["uploads", ""]], "/logs/big.bin?uploads"],
    [
      "UploadPart, part number and upload id sorted",
      "logs",
      "big.bin",
      [
        ["uploadId", "ABC"],
        ["partNumber", "2"],
      ],
      "/logs/big.bin?partNumber=2&uploadId=ABC",
    ],
    [
      "ListParts, its paging left out",
      "logs",
      "big.bin",
      [
        ["uploadId", "ABC"],
        ["max-parts", "2"],
        ["part-number-marker", "1"],
      ],
      "/logs/big.bin?uploadId=ABC",
    ],
    [
      "ListMultipartUploads, its paging left out",
      "logs",
      undefined,
      [
        ["uploads", ""],
        ["key-marker", "a"],
        ["upload-id-marker", "B"],
      ],
      "/logs/?uploads",
    ],
    ["PutBucketVersioning", "logs", undefined, [["versioning", ""]], "/logs/?versioning"],
    ["PutObjectACL", "logs", "a.txt", [["acl", ""]], "/logs/a.txt?acl"],
  ])("builds the canonical resource of %s", (_case, bucket, key, query, resource) => {
    expect(canonicalResourceV1(bucket, key, query)).toBe(resource);
  });

  it("signs x-oss-copy-source and the copy conditions like any x-oss header", () => {
    const stringToSign = stringToSignV1(
      "PUT",
      {
        "x-oss-date": "Wed, 28 Dec 2022 10:27:41 GMT",
        "x-oss-copy-source": "/logs/a%20b.txt",
        "x-oss-copy-source-if-match": '"ABC"',
        "x-oss-metadata-directive": "COPY",
      },
      canonicalResourceV1("logs", "a b.txt", []),
    );
    expect(stringToSign).toBe(
      'PUT\n\n\nWed, 28 Dec 2022 10:27:41 GMT\nx-oss-copy-source:/logs/a%20b.txt\nx-oss-copy-source-if-match:"ABC"\nx-oss-date:Wed, 28 Dec 2022 10:27:41 GMT\nx-oss-metadata-directive:COPY\n/logs/a b.txt',
    );
  });

  it("uses the Date header when there is no x-oss-date", () => {
    expect(stringToSignV1("GET", { date: "Wed, 28 Dec 2022 10:27:41 GMT" }, "/")).toBe(
      "GET\n\n\nWed, 28 Dec 2022 10:27:41 GMT\n/",
    );
  });
});

describe("signature V4", () => {
  const scope = {
    date: "20261126",
    region: "cn-hangzhou",
    product: "oss",
    terminator: "aliyun_v4_request",
  };
  const ossDate = "20261126T101010Z";

  it.each<
    [
      string,
      string,
      string | undefined,
      string | undefined,
      Record<string, string>,
      [string, string][],
    ]
  >([
    [
      "a bucket subresource",
      "PUT",
      "logs",
      undefined,
      { "content-md5": "x==", "content-type": "application/xml" },
      [["encryption", ""]],
    ],
    ["an object with spaces and slashes", "GET", "logs", "dir/a b+c.txt", {}, []],
    [
      "an UploadPartCopy",
      "PUT",
      "logs",
      "big.bin",
      { "x-oss-copy-source": "/logs/a%20b.txt", "x-oss-copy-source-range": "bytes=0-9" },
      [
        ["partNumber", "1"],
        ["uploadId", "ABC"],
      ],
    ],
    ["an InitiateMultipartUpload", "POST", "logs", "big.bin", {}, [["uploads", ""]]],
    [
      "a ListMultipartUploads page",
      "GET",
      "logs",
      undefined,
      {},
      [
        ["uploads", ""],
        ["key-marker", "a b"],
        ["max-uploads", "2"],
      ],
    ],
    ["a GetBucketVersioning", "GET", "logs", undefined, {}, [["versioning", ""]]],
    [
      "a service call",
      "GET",
      undefined,
      undefined,
      {},
      [
        ["prefix", "a b"],
        ["max-keys", "10"],
      ],
    ],
  ])(
    "computes the same signature as ali-oss for %s",
    (_case, method, bucket, key, extra, query) => {
      const headers = {
        "x-oss-date": ossDate,
        "x-oss-content-sha256": "UNSIGNED-PAYLOAD",
        ...extra,
      };
      const ours = canonicalRequestV4(method, bucket, key, query, headers, []);
      const reference = aliOssSigning.getCanonicalRequest(
        method,
        {
          headers,
          queries: Object.fromEntries(
            query.map(([name, value]) => [name, value === "" ? null : value]),
          ),
        },
        bucket,
        key,
      );
      expect(ours).toBe(reference);
      const stringToSign = stringToSignV4(ossDate, scope, ours);
      expect(stringToSign).toBe(aliOssSigning.getStringToSign("cn-hangzhou", ossDate, reference));
      expect(signatureV4("secret", scope, stringToSign)).toBe(
        aliOssSigning.getSignatureV4("secret", "20261126", "cn-hangzhou", stringToSign),
      );
    },
  );

  it("signs the additional headers it is told to", () => {
    const canonical = canonicalRequestV4(
      "GET",
      "logs",
      undefined,
      [],
      { host: "h", "x-oss-date": ossDate },
      ["host"],
    );
    expect(canonical).toBe(
      `GET\n/logs/\n\nhost:h\nx-oss-date:${ossDate}\n\nhost\nUNSIGNED-PAYLOAD`,
    );
  });

  it("parses an Authorization header with and without additional headers", () => {
    expect(
      parseV4Authorization(
        "OSS4-HMAC-SHA256 Credential=ak/20261126/cn-hangzhou/oss/aliyun_v4_request, AdditionalHeaders=host;range, Signature=abc",
      ),
    ).toStrictEqual({
      accessKeyId: "ak",
      date: "20261126",
      region: "cn-hangzhou",
      product: "oss",
      terminator: "aliyun_v4_request",
      additionalHeaders: ["host", "range"],
      signature: "abc",
    });
    expect(
      parseV4Authorization(
        "OSS4-HMAC-SHA256 Credential=ak/20261126/cn-hangzhou/oss/aliyun_v4_request,Signature=abc",
      ),
    ).toMatchObject({ additionalHeaders: [] });
  });

  it("parses a scope of another product or terminator as it is, for authentication to refuse", () => {
    expect(
      parseV4Authorization(
        "OSS4-HMAC-SHA256 Credential=ak/20261126/us-east-1/s3/aws4_request,Signature=x",
      ),
    ).toMatchObject({ region: "us-east-1", product: "s3", terminator: "aws4_request" });
  });

  it("leaves a header of another scheme to V1", () => {
    expect(parseV4Authorization("OSS ak:sig")).toBeUndefined();
  });

  it.each([
    "OSS4-HMAC-SHA256 Credential=ak/20261126,Signature=x",
    "OSS4-HMAC-SHA256 Credential=ak/d/r/oss/aliyun_v4_request",
  ])("calls %s malformed", (header) => {
    expect(parseV4Authorization(header)).toBe("malformed");
  });
});
