/**
 * Conformance of the local OSS endpoint to the wire contract (../shared/docs/oss-wire-contract.md),
 * driven by ali-oss (V1, V4, STS, sldEnable) and by raw signed HTTP requests.
 */
import {
  DEFAULT_CREDENTIAL,
  type EmulatorCredential,
  type OssEmulator,
  startOssEmulator,
} from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import { failureOf } from "../support/failures";
import { elementText, errorCode, rawRequest, type RawRequest } from "../support/rawOss";

const STS: EmulatorCredential = {
  accessKeyId: "STS.sts-key",
  accessKeySecret: "sts-secret",
  securityToken: "sts-token",
};
const EXPIRED_STS: EmulatorCredential = {
  accessKeyId: "STS.expired-key",
  accessKeySecret: "expired-secret",
  securityToken: "expired-token",
  tokenExpiresAt: new Date("2020-01-01T00:00:00Z"),
};
const READ_ONLY: EmulatorCredential = {
  accessKeyId: "read-only-key",
  accessKeySecret: "read-only-secret",
  deniedOperations: ["PutBucketEncryption", "DeleteBucketEncryption"],
};
const OTHER_ACCOUNT: EmulatorCredential = {
  accessKeyId: "other-account-key",
  accessKeySecret: "other-account-secret",
  account: "other",
};

let oss: OssEmulator;
let bucketCount = 0;

beforeAll(async () => {
  oss = await startOssEmulator({
    credentials: [DEFAULT_CREDENTIAL, STS, EXPIRED_STS, READ_ONLY, OTHER_ACCOUNT],
  });
});

afterAll(async () => {
  await oss.close();
});

/** A new bucket with a unique name, created through ali-oss. */
async function newBucket(): Promise<string> {
  bucketCount += 1;
  const name = `bucket-${bucketCount}`;
  await aliOssClient(oss.endpoint).putBucket(name);
  return name;
}

/** A raw V1-signed request with the default key pair, path style. */
function signed(request: Omit<RawRequest, "signWith">) {
  return rawRequest(oss.endpoint, { signWith: DEFAULT_CREDENTIAL, ...request });
}

function ruleXml(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault>${inner}</ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>`;
}

function putRule(bucket: string, inner: string) {
  return signed({
    method: "PUT",
    path: `/${bucket}/?encryption`,
    resource: `/${bucket}/?encryption`,
    headers: { "content-type": "application/xml" },
    body: ruleXml(inner),
  });
}

function getRule(bucket: string) {
  return signed({
    method: "GET",
    path: `/${bucket}/?encryption`,
    resource: `/${bucket}/?encryption`,
  });
}

describe.each([
  ["V1", false],
  ["V4", true],
])("bucket encryption through ali-oss signing %s", (_version, v4) => {
  const client = () => aliOssClient(oss.endpoint, { v4 });

  it.each([
    ["AES256", { SSEAlgorithm: "AES256" }, { SSEAlgorithm: "AES256" }],
    ["SM4", { SSEAlgorithm: "SM4" }, { SSEAlgorithm: "SM4" }],
    ["KMS with the default key", { SSEAlgorithm: "KMS" }, { SSEAlgorithm: "KMS" }],
    [
      "KMS with a named key",
      { SSEAlgorithm: "KMS", KMSMasterKeyID: "key-1" },
      { SSEAlgorithm: "KMS", KMSMasterKeyID: "key-1" },
    ],
    [
      "AES256 with an empty key id, accepted",
      { SSEAlgorithm: "AES256", KMSMasterKeyID: "" },
      { SSEAlgorithm: "AES256" },
    ],
  ])("stores %s and returns only the elements set", async (_case, put, got) => {
    const bucket = await newBucket();
    await expect(client().putBucketEncryption(bucket, put)).resolves.toMatchObject({ status: 200 });
    const answer = await client().getBucketEncryption(bucket);
    expect(answer.encryption).toStrictEqual(got);
  });

  it("answers InvalidArgument for a key id beside AES256 or SM4", async () => {
    const bucket = await newBucket();
    for (const algorithm of ["AES256", "SM4"]) {
      await expect(
        failureOf(
          client().putBucketEncryption(bucket, {
            SSEAlgorithm: algorithm,
            KMSMasterKeyID: "key-1",
          }),
        ),
      ).resolves.toStrictEqual({
        status: 400,
        code: "InvalidArgument",
        message: "KMSMasterKeyID is not applicable if the default sse algorithm is not KMS",
      });
    }
  });

  it("answers InvalidEncryptionAlgorithmError for an unknown algorithm", async () => {
    const bucket = await newBucket();
    const failure = await failureOf(client().putBucketEncryption(bucket, { SSEAlgorithm: "DES" }));
    expect([failure.status, failure.code]).toStrictEqual([400, "InvalidEncryptionAlgorithmError"]);
  });

  it("deletes a rule with 204, then answers NoSuchServerSideEncryptionRule", async () => {
    const bucket = await newBucket();
    await client().putBucketEncryption(bucket, { SSEAlgorithm: "AES256" });
    await expect(client().deleteBucketEncryption(bucket)).resolves.toMatchObject({ status: 204 });
    const failure = await failureOf(client().getBucketEncryption(bucket));
    expect([failure.status, failure.code]).toStrictEqual([404, "NoSuchServerSideEncryptionRule"]);
  });

  it("deletes a rule that is not there with 204", async () => {
    const bucket = await newBucket();
    await expect(client().deleteBucketEncryption(bucket)).resolves.toMatchObject({ status: 204 });
  });

  it("answers NoSuchBucket for all three calls on a missing bucket", async () => {
    for (const call of [
      client().putBucketEncryption("missing-bucket", { SSEAlgorithm: "AES256" }),
      client().getBucketEncryption("missing-bucket"),
      client().deleteBucketEncryption("missing-bucket"),
    ]) {
      const failure = await failureOf(call);
      expect([failure.status, failure.code]).toStrictEqual([404, "NoSuchBucket"]);
    }
  });

  it("answers AccessDenied to a key without permission", async () => {
    const bucket = await newBucket();
    const readOnly = aliOssClient(oss.endpoint, { v4, credential: READ_ONLY });
    const failure = await failureOf(
      readOnly.putBucketEncryption(bucket, { SSEAlgorithm: "AES256" }),
    );
    expect([failure.status, failure.code]).toStrictEqual([403, "AccessDenied"]);
    await expect(failureOf(readOnly.getBucketEncryption(bucket))).resolves.toMatchObject({
      code: "NoSuchServerSideEncryptionRule",
    });
  });

  it("answers InvalidAccessKeyId for an unknown key, and SignatureDoesNotMatch for a wrong secret", async () => {
    const bucket = await newBucket();
    const unknown = aliOssClient(oss.endpoint, {
      v4,
      credential: { accessKeyId: "nobody", accessKeySecret: "x" },
    });
    await expect(failureOf(unknown.getBucketEncryption(bucket))).resolves.toStrictEqual({
      status: 403,
      code: "InvalidAccessKeyId",
      message: "The OSS Access Key Id you provided does not exist in our records.",
    });
    const wrong = aliOssClient(oss.endpoint, {
      v4,
      credential: { accessKeyId: DEFAULT_CREDENTIAL.accessKeyId, accessKeySecret: "wrong" },
    });
    await expect(failureOf(wrong.getBucketEncryption(bucket))).resolves.toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });
  });

  it("accepts an STS key with its token and refuses it without, with a wrong one or expired", async () => {
    const bucket = await newBucket();
    await expect(
      aliOssClient(oss.endpoint, { v4, credential: STS }).putBucketEncryption(bucket, {
        SSEAlgorithm: "SM4",
      }),
    ).resolves.toMatchObject({ status: 200 });
    const withoutToken = aliOssClient(oss.endpoint, {
      v4,
      credential: { accessKeyId: STS.accessKeyId, accessKeySecret: STS.accessKeySecret },
    });
    await expect(failureOf(withoutToken.getBucketEncryption(bucket))).resolves.toMatchObject({
      code: "InvalidAccessKeyId",
    });
    const wrongToken = aliOssClient(oss.endpoint, { v4, credential: STS, stsToken: "forged" });
    await expect(failureOf(wrongToken.getBucketEncryption(bucket))).resolves.toMatchObject({
      status: 403,
      code: "InvalidSecurityToken",
    });
    const expired = aliOssClient(oss.endpoint, { v4, credential: EXPIRED_STS });
    await expect(failureOf(expired.getBucketEncryption(bucket))).resolves.toMatchObject({
      status: 403,
      code: "SecurityTokenExpired",
    });
  });

  it("serves ali-oss's sldEnable addressing (bucket in both Host and path)", async () => {
    const bucket = await newBucket();
    const sld = aliOssClient(oss.endpoint, { v4, sldEnable: true, bucket });
    await sld.putBucketEncryption(bucket, { SSEAlgorithm: "KMS", KMSMasterKeyID: "sld-key" });
    await sld.put("dir/object.txt", Buffer.from("sld"));
    expect(oss.bucket(bucket)?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "sld-key",
    });
    expect([...(oss.bucket(bucket)?.objects.keys() ?? [])]).toStrictEqual(["dir/object.txt"]);
  });
});

describe("bucket encryption rows only raw requests can send", () => {
  it("keeps KMSDataEncryption SM4 under KMS", async () => {
    const bucket = await newBucket();
    expect(
      (
        await putRule(
          bucket,
          "<SSEAlgorithm>KMS</SSEAlgorithm><KMSDataEncryption>SM4</KMSDataEncryption>",
        )
      ).status,
    ).toBe(200);
    const answer = await getRule(bucket);
    expect(answer.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>KMS</SSEAlgorithm><KMSDataEncryption>SM4</KMSDataEncryption></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>',
    );
  });

  it.each(["AES256", "SM4"])(
    "accepts KMSDataEncryption beside %s and drops it",
    async (algorithm) => {
      const bucket = await newBucket();
      const put = await putRule(
        bucket,
        `<SSEAlgorithm>${algorithm}</SSEAlgorithm><KMSDataEncryption>SM4</KMSDataEncryption>`,
      );
      expect(put.status).toBe(200);
      expect(elementText((await getRule(bucket)).body, "KMSDataEncryption")).toBeUndefined();
      expect(oss.bucket(bucket)?.rule).toStrictEqual({ sseAlgorithm: algorithm });
    },
  );

  it("stores a KMS key that does not exist (OSS checks keys only at upload)", async () => {
    const bucket = await newBucket();
    expect(
      (
        await putRule(
          bucket,
          "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>no-such-key</KMSMasterKeyID>",
        )
      ).status,
    ).toBe(200);
  });

  it.each([
    ["XML that is not well formed", ruleXml("<SSEAlgorithm>AES256</SSEAlgorithm").slice(0, -10)],
    [
      "a wrong root element",
      "<EncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></EncryptionRule>",
    ],
    ["an unknown element", ruleXml("<SSEAlgorithm>AES256</SSEAlgorithm><Extra>1</Extra>")],
    [
      "a repeated algorithm",
      ruleXml("<SSEAlgorithm>AES256</SSEAlgorithm><SSEAlgorithm>SM4</SSEAlgorithm>"),
    ],
    ["an empty body", ""],
  ])("answers MalformedXML for %s", async (_case, body) => {
    const bucket = await newBucket();
    const answer = await signed({
      method: "PUT",
      path: `/${bucket}/?encryption`,
      resource: `/${bucket}/?encryption`,
      body,
    });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([400, "MalformedXML"]);
    expect(oss.bucket(bucket)?.rule).toBeUndefined();
  });

  it("answers InvalidDigest when Content-MD5 does not match the body", async () => {
    const bucket = await newBucket();
    const answer = await signed({
      method: "PUT",
      path: `/${bucket}/?encryption`,
      resource: `/${bucket}/?encryption`,
      headers: { "content-md5": "AAAAAAAAAAAAAAAAAAAAAA==" },
      body: ruleXml("<SSEAlgorithm>AES256</SSEAlgorithm>"),
    });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([400, "InvalidDigest"]);
  });
});

describe("error responses", () => {
  it("carry OSS's headers and XML body, with BucketName for NoSuchBucket", async () => {
    const answer = await getRule("missing-bucket");
    expect(answer.status).toBe(404);
    expect(answer.headers["content-type"]).toBe("application/xml");
    expect(answer.headers["x-oss-request-id"]).toMatch(/^[0-9A-F]{24}$/);
    expect(answer.headers["x-oss-ec"]).toMatch(/^\d{4}-\d{8}$/);
    expect(answer.headers.server).toBe("AliyunOSS");
    expect(Date.parse(String(answer.headers.date))).not.toBeNaN();
    expect(answer.body).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Code>NoSuchBucket<\/Code><Message>The specified bucket does not exist\.<\/Message><RequestId>[0-9A-F]{24}<\/RequestId><HostId>127\.0\.0\.1<\/HostId><BucketName>missing-bucket<\/BucketName><EC>\d{4}-\d{8}<\/EC><RecommendDoc>[^<]+<\/RecommendDoc><\/Error>$/,
    );
    expect(elementText(answer.body, "RequestId")).toBe(answer.headers["x-oss-request-id"]);
  });

  it("name the argument for InvalidArgument", async () => {
    const bucket = await newBucket();
    const answer = await putRule(
      bucket,
      "<SSEAlgorithm>SM4</SSEAlgorithm><KMSMasterKeyID>key-9</KMSMasterKeyID>",
    );
    expect([
      elementText(answer.body, "ArgumentName"),
      elementText(answer.body, "ArgumentValue"),
    ]).toStrictEqual(["KMSMasterKeyID", "key-9"]);
  });

  it("show the string to sign for SignatureDoesNotMatch", async () => {
    const bucket = await newBucket();
    const answer = await rawRequest(oss.endpoint, {
      method: "GET",
      path: `/${bucket}/?encryption`,
      resource: `/${bucket}/?encryption`,
      signWith: { accessKeyId: DEFAULT_CREDENTIAL.accessKeyId, accessKeySecret: "wrong" },
    });
    expect(errorCode(answer.body)).toBe("SignatureDoesNotMatch");
    expect(elementText(answer.body, "OSSAccessKeyId")).toBe(DEFAULT_CREDENTIAL.accessKeyId);
    expect(elementText(answer.body, "StringToSign")).toMatch(
      /^GET\n\n\n.+ GMT\nx-oss-date:.+ GMT\n\/bucket-\d+\/\?encryption$/,
    );
    expect(elementText(answer.body, "SignatureProvided")).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });

  it("come without a body for HEAD, with the error in x-oss-err", async () => {
    const bucket = await newBucket();
    const answer = await signed({
      method: "HEAD",
      path: `/${bucket}/nothing`,
      resource: `/${bucket}/nothing`,
    });
    expect([answer.status, answer.body]).toStrictEqual([404, ""]);
    expect(
      errorCode(Buffer.from(String(answer.headers["x-oss-err"]), "base64").toString("utf8")),
    ).toBe("NoSuchKey");
  });
});

describe("authentication", () => {
  it("refuses an anonymous request with AccessDenied", async () => {
    const answer = await rawRequest(oss.endpoint, { method: "GET", path: "/bucket-1/?encryption" });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([403, "AccessDenied"]);
  });

  it("refuses a request without a date with AccessDenied", async () => {
    const answer = await signed({ method: "GET", path: "/", noDate: true });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([403, "AccessDenied"]);
  });

  it("accepts a clock 14 minutes off and refuses one 16 minutes off with RequestTimeTooSkewed", async () => {
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);
    expect((await signed({ method: "GET", path: "/", date: minutes(-14) })).status).toBe(200);
    const ahead = minutes(16);
    const skewed = await signed({ method: "GET", path: "/", date: ahead });
    expect([skewed.status, errorCode(skewed.body)]).toStrictEqual([403, "RequestTimeTooSkewed"]);
    expect(elementText(skewed.body, "MaxAllowedSkewMilliseconds")).toBe("900000");
    expect(elementText(skewed.body, "RequestTime")).toBe(ahead.toUTCString());
    expect(Date.parse(elementText(skewed.body, "ServerTime") ?? "")).not.toBeNaN();
  });

  it("reads the time from the Date header when there is no x-oss-date", async () => {
    const date = new Date().toUTCString();
    const answer = await signed({ method: "GET", path: "/", noDate: true, headers: { date } });
    expect(answer.status).toBe(200);
  });
});

describe("addressing", () => {
  it.each([
    ["path style on the IP", undefined],
    ["path style on a region endpoint Host", "oss-cn-hangzhou.aliyuncs.com"],
  ])("serves %s", async (_case, host) => {
    const bucket = await newBucket();
    await putRule(bucket, "<SSEAlgorithm>SM4</SSEAlgorithm>");
    const answer = await signed({
      method: "GET",
      path: `/${bucket}/?encryption`,
      resource: `/${bucket}/?encryption`,
      ...(host === undefined ? {} : { host }),
    });
    expect(elementText(answer.body, "SSEAlgorithm")).toBe("SM4");
  });

  it("serves virtual-host style on the IP, as ali-oss sends it", async () => {
    const bucket = await newBucket();
    await putRule(bucket, "<SSEAlgorithm>AES256</SSEAlgorithm>");
    const answer = await signed({
      method: "GET",
      path: "/?encryption",
      host: `${bucket}.oss-cn-hangzhou.aliyuncs.com`,
      resource: `/${bucket}/?encryption`,
    });
    expect(elementText(answer.body, "SSEAlgorithm")).toBe("AES256");
  });
});

describe("buckets", () => {
  it("creates, re-creates with 200, and deletes a bucket; lists it meanwhile", async () => {
    const create = () =>
      signed({ method: "PUT", path: "/life-cycle-bucket/", resource: "/life-cycle-bucket/" });
    expect((await create()).status).toBe(200);
    expect((await create()).status).toBe(200);
    const list = await signed({ method: "GET", path: "/" });
    expect(list.body).toContain("<Name>life-cycle-bucket</Name>");
    expect(list.body).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<ListAllMyBucketsResult><Owner>/,
    );
    const remove = await signed({
      method: "DELETE",
      path: "/life-cycle-bucket/",
      resource: "/life-cycle-bucket/",
    });
    expect(remove.status).toBe(204);
    const again = await signed({
      method: "DELETE",
      path: "/life-cycle-bucket/",
      resource: "/life-cycle-bucket/",
    });
    expect([again.status, errorCode(again.body)]).toStrictEqual([404, "NoSuchBucket"]);
  });

  it.each(["ab", "Upper-case", "-leading", "trailing-", "under_score", "a".repeat(64)])(
    "refuses the bucket name %s with InvalidBucketName",
    async (name) => {
      const answer = await signed({ method: "PUT", path: `/${name}/`, resource: `/${name}/` });
      expect([answer.status, errorCode(answer.body)]).toStrictEqual([400, "InvalidBucketName"]);
    },
  );

  it("answers BucketAlreadyExists to another account", async () => {
    const bucket = await newBucket();
    const failure = await failureOf(
      aliOssClient(oss.endpoint, { credential: OTHER_ACCOUNT }).putBucket(bucket),
    );
    expect([failure.status, failure.code]).toStrictEqual([409, "BucketAlreadyExists"]);
  });

  it("answers BucketNotEmpty while objects remain", async () => {
    const bucket = await newBucket();
    await aliOssClient(oss.endpoint, { bucket }).put("a.txt", Buffer.from("a"));
    const failure = await failureOf(aliOssClient(oss.endpoint).deleteBucket(bucket));
    expect([failure.status, failure.code]).toStrictEqual([409, "BucketNotEmpty"]);
  });

  it("takes the default rule from PutBucket's encryption headers", async () => {
    const answer = await signed({
      method: "PUT",
      path: "/created-with-rule/",
      resource: "/created-with-rule/",
      headers: {
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-data-encryption": "SM4",
      },
    });
    expect(answer.status).toBe(200);
    expect(oss.bucket("created-with-rule")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsDataEncryption: "SM4",
    });
  });

  it("reports the rule flat in GetBucketInfo, and None when there is none", async () => {
    const bucket = await newBucket();
    const info = () =>
      signed({ method: "GET", path: `/${bucket}/?bucketInfo`, resource: `/${bucket}/?bucketInfo` });
    expect((await info()).body).toContain(
      "<ServerSideEncryptionRule><SSEAlgorithm>None</SSEAlgorithm></ServerSideEncryptionRule>",
    );
    await putRule(
      bucket,
      "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID><KMSDataEncryption>SM4</KMSDataEncryption>",
    );
    expect((await info()).body).toContain(
      "<ServerSideEncryptionRule><SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID><KMSDataEncryption>SM4</KMSDataEncryption></ServerSideEncryptionRule>",
    );
    const parsed = (await aliOssClient(oss.endpoint).getBucketInfo(bucket)) as {
      bucket: { Name: string; Location: string };
    };
    expect([parsed.bucket.Name, parsed.bucket.Location]).toStrictEqual([bucket, "oss-cn-hangzhou"]);
  });
});

describe("objects and default encryption", () => {
  const SSE = [
    "x-oss-server-side-encryption",
    "x-oss-server-side-encryption-key-id",
    "x-oss-server-side-data-encryption",
  ];

  function sseHeaders(headers: Readonly<Record<string, unknown>>) {
    return Object.fromEntries(
      SSE.filter((name) => name in headers).map((name) => [name, headers[name]]),
    );
  }

  async function roundTrip(bucket: string, putHeaders: Record<string, string> = {}) {
    const client = aliOssClient(oss.endpoint, { bucket });
    const put = await client.put("object.txt", Buffer.from("hello"), { headers: putHeaders });
    const got = await client.get("object.txt");
    const head = await client.head("object.txt");
    expect((got.content as Buffer).toString()).toBe("hello");
    const [putSse, getSse, headSse] = [put.res.headers, got.res.headers, head.res.headers].map(
      (headers) => sseHeaders(headers as Record<string, unknown>),
    );
    expect(getSse).toStrictEqual(putSse);
    expect(headSse).toStrictEqual(putSse);
    return putSse;
  }

  it("carry no encryption headers in a bucket without a rule", async () => {
    await expect(roundTrip(await newBucket())).resolves.toStrictEqual({});
  });

  it.each([
    ["AES256", "<SSEAlgorithm>AES256</SSEAlgorithm>", { "x-oss-server-side-encryption": "AES256" }],
    ["SM4", "<SSEAlgorithm>SM4</SSEAlgorithm>", { "x-oss-server-side-encryption": "SM4" }],
    [
      "KMS with a named key",
      "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>key-7</KMSMasterKeyID>",
      { "x-oss-server-side-encryption": "KMS", "x-oss-server-side-encryption-key-id": "key-7" },
    ],
    [
      "KMS with SM4 data encryption",
      "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>key-7</KMSMasterKeyID><KMSDataEncryption>SM4</KMSDataEncryption>",
      {
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "key-7",
        "x-oss-server-side-data-encryption": "SM4",
      },
    ],
  ])(
    "are encrypted by a %s bucket rule when uploaded without headers",
    async (_case, rule, headers) => {
      const bucket = await newBucket();
      await putRule(bucket, rule);
      await expect(roundTrip(bucket)).resolves.toStrictEqual(headers);
    },
  );

  it("get a generated default key id under a KMS rule that names none, the same for every object", async () => {
    const bucket = await newBucket();
    await putRule(bucket, "<SSEAlgorithm>KMS</SSEAlgorithm>");
    const first = await roundTrip(bucket);
    const second = await roundTrip(bucket);
    expect(first).toStrictEqual({
      "x-oss-server-side-encryption": "KMS",
      "x-oss-server-side-encryption-key-id": expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
    expect(second).toStrictEqual(first);
  });

  it("follow their own headers over the bucket default", async () => {
    const bucket = await newBucket();
    await putRule(bucket, "<SSEAlgorithm>AES256</SSEAlgorithm>");
    await expect(
      roundTrip(bucket, { "x-oss-server-side-encryption": "SM4" }),
    ).resolves.toStrictEqual({
      "x-oss-server-side-encryption": "SM4",
    });
    await expect(
      roundTrip(bucket, {
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "own-key",
      }),
    ).resolves.toStrictEqual({
      "x-oss-server-side-encryption": "KMS",
      "x-oss-server-side-encryption-key-id": "own-key",
    });
  });

  it("answer InvalidEncryptionAlgorithmError to an invalid header value", async () => {
    const bucket = await newBucket();
    const failure = await failureOf(
      aliOssClient(oss.endpoint, { bucket }).put("x.txt", Buffer.from("x"), {
        headers: { "x-oss-server-side-encryption": "ROT13" },
      }),
    );
    expect([failure.status, failure.code]).toStrictEqual([400, "InvalidEncryptionAlgorithmError"]);
  });

  it("answer NoSuchKey for a missing object and 204 for deleting one", async () => {
    const bucket = await newBucket();
    const client = aliOssClient(oss.endpoint, { bucket });
    await expect(failureOf(client.get("none.txt"))).resolves.toMatchObject({
      status: 404,
      code: "NoSuchKey",
    });
    await expect(client.delete("none.txt")).resolves.toMatchObject({ res: { status: 204 } });
  });
});
