/**
 * The BucketEncryptionProvider over real HTTP against the local OSS endpoint: every algorithm and
 * option, drift, onExisting, onDelete, retries, fail-fast errors and credentials, with the
 * emulator's counters asserting how many calls each operation made.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { BucketEncryptionInputs, BucketEncryptionOutputs } from "../../provider/core/inputs";
import { BucketEncryptionProvider, TIMING_CONFIG_KEYS } from "../../provider/dynamic/provider";
import {
  DEFAULT_CREDENTIAL,
  type EmulatorCredential,
  type OssEmulator,
  startOssEmulator,
} from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";

const READ_ONLY: EmulatorCredential = {
  accessKeyId: "read-only-key",
  accessKeySecret: "read-only-secret",
  deniedOperations: ["PutBucketEncryption"],
};
const STS: EmulatorCredential = {
  accessKeyId: "STS.key",
  accessKeySecret: "sts-secret",
  securityToken: "sts-token",
};

let oss: OssEmulator;
let bucketCount = 0;

beforeAll(async () => {
  oss = await startOssEmulator({ credentials: [DEFAULT_CREDENTIAL, READ_ONLY, STS] });
});

afterAll(async () => {
  await oss.close();
});

function envFor(credential: EmulatorCredential): Record<string, string> {
  return {
    ALIBABA_CLOUD_ACCESS_KEY_ID: credential.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: credential.accessKeySecret,
    ...(credential.securityToken === undefined
      ? {}
      : { ALIBABA_CLOUD_SECURITY_TOKEN: credential.securityToken }),
  };
}

/** A provider configured the way the engine would: stack config given to configure. */
async function providerFor(
  credential: EmulatorCredential = DEFAULT_CREDENTIAL,
  config: Record<string, string> = {},
) {
  const provider = new BucketEncryptionProvider({ env: envFor(credential) });
  const request: pulumi.dynamic.ConfigureRequest = {
    config: {
      get: (key) => ({ [TIMING_CONFIG_KEYS.requestTimeoutMs]: "500", ...config })[key],
      require: (key) => config[key] ?? "",
    },
  };
  await provider.configure(request);
  return provider;
}

async function newBucket(): Promise<string> {
  bucketCount += 1;
  const name = `provider-${bucketCount}`;
  await aliOssClient(oss.endpoint).putBucket(name);
  return name;
}

async function checked(
  provider: BucketEncryptionProvider,
  news: Record<string, unknown>,
): Promise<BucketEncryptionInputs> {
  const result = await provider.check(
    {} as BucketEncryptionInputs,
    {
      endpoint: oss.endpoint,
      region: "cn-hangzhou",
      ...news,
    } as unknown as BucketEncryptionInputs,
  );
  expect(result.failures).toBeUndefined();
  return result.inputs as BucketEncryptionInputs;
}

/** The calls made by `action`, by operation. */
async function callsOf(action: () => Promise<unknown>): Promise<Record<string, number>> {
  oss.clearRequests();
  await action();
  return oss.counts();
}

describe("create writes each kind of rule and OSS encrypts objects with it", () => {
  it.each([
    [
      "AES256",
      { sseAlgorithm: "aes256" },
      { sseAlgorithm: "AES256" },
      { "x-oss-server-side-encryption": "AES256" },
    ],
    [
      "SM4",
      { sseAlgorithm: "SM4" },
      { sseAlgorithm: "SM4" },
      { "x-oss-server-side-encryption": "SM4" },
    ],
    [
      "KMS with a named CMK",
      { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" },
      { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" },
      { "x-oss-server-side-encryption": "KMS", "x-oss-server-side-encryption-key-id": "key-1" },
    ],
    [
      "KMS with the default key",
      { sseAlgorithm: "KMS", kmsMasterKeyId: "" },
      { sseAlgorithm: "KMS" },
      { "x-oss-server-side-encryption": "KMS" },
    ],
    [
      "KMS with SM4 data encryption",
      { sseAlgorithm: "KMS", kmsDataEncryption: "sm4" },
      { sseAlgorithm: "KMS", kmsDataEncryption: "SM4" },
      { "x-oss-server-side-encryption": "KMS", "x-oss-server-side-data-encryption": "SM4" },
    ],
  ])("%s", async (_case, declared, stored, objectHeaders) => {
    const provider = await providerFor();
    const bucket = await newBucket();
    const inputs = await checked(provider, { bucket, ...declared });
    const calls = await callsOf(async () => {
      await expect(provider.create(inputs)).resolves.toStrictEqual({
        id: bucket,
        outs: { ...inputs, location: { region: "cn-hangzhou", endpoint: oss.endpoint } },
      });
    });
    expect(calls).toStrictEqual({ GetBucketEncryption: 2, PutBucketEncryption: 1 });
    expect(oss.bucket(bucket)?.rule).toStrictEqual(stored);
    const put = await aliOssClient(oss.endpoint, { bucket }).put("object.txt", Buffer.from("data"));
    expect(put.res.headers).toMatchObject(objectHeaders);
  });
});

describe("the API calls of each provider operation", () => {
  it("are: create 2 reads + 1 write, read 1 read, no-change diff none, update 1 write + 1 read, delete 1 read + 1 delete", async () => {
    const provider = await providerFor();
    const bucket = await newBucket();
    const inputs = await checked(provider, { bucket, sseAlgorithm: "AES256" });
    let outs = {} as BucketEncryptionOutputs;
    expect(
      await callsOf(
        async () =>
          ({ outs } = (await provider.create(inputs)) as { outs: BucketEncryptionOutputs }),
      ),
    ).toStrictEqual({
      GetBucketEncryption: 2,
      PutBucketEncryption: 1,
    });
    expect(await callsOf(() => provider.read(bucket, outs))).toStrictEqual({
      GetBucketEncryption: 1,
    });
    expect(await callsOf(() => provider.diff(bucket, outs, inputs))).toStrictEqual({});
    const changed = await checked(provider, {
      bucket,
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-2",
    });
    expect(await callsOf(() => provider.update(bucket, outs, changed))).toStrictEqual({
      PutBucketEncryption: 1,
      GetBucketEncryption: 1,
    });
    // A destroy runs in a provider process of its own, which has checked no resource.
    const destroying = await providerFor();
    expect(await callsOf(() => destroying.delete(bucket, { ...outs, ...changed }))).toStrictEqual({
      GetBucketEncryption: 1,
      DeleteBucketEncryption: 1,
    });
    expect(oss.bucket(bucket)?.rule).toBeUndefined();
  });
});

describe("read reports drift", () => {
  async function created(declared: Record<string, unknown>) {
    const provider = await providerFor();
    const bucket = await newBucket();
    const inputs = await checked(provider, { bucket, ...declared });
    const { outs } = (await provider.create(inputs)) as { outs: BucketEncryptionOutputs };
    return { provider, bucket, outs };
  }

  it("a rule changed out of band, as outputs and inputs", async () => {
    const { provider, bucket, outs } = await created({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
    });
    await aliOssClient(oss.endpoint).putBucketEncryption(bucket, { SSEAlgorithm: "SM4" });
    const result = await provider.read(bucket, outs);
    const { kmsMasterKeyId: _key, location, ...settings } = outs;
    expect(result).toStrictEqual({
      id: bucket,
      props: { ...settings, sseAlgorithm: "SM4", location },
      inputs: { ...settings, sseAlgorithm: "SM4" },
    });
  });

  it("a CMK removed out of band", async () => {
    const { provider, bucket, outs } = await created({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
    });
    await aliOssClient(oss.endpoint).putBucketEncryption(bucket, { SSEAlgorithm: "KMS" });
    const result = await provider.read(bucket, outs);
    expect(result.props).not.toHaveProperty("kmsMasterKeyId");
    expect(result.props?.sseAlgorithm).toBe("KMS");
  });

  it("a rule deleted out of band, as gone", async () => {
    const { provider, bucket, outs } = await created({ sseAlgorithm: "AES256" });
    await aliOssClient(oss.endpoint).deleteBucketEncryption(bucket);
    await expect(provider.read(bucket, outs)).resolves.toStrictEqual({ id: "" });
  });

  it("a bucket deleted out of band, as gone", async () => {
    const { provider, bucket, outs } = await created({ sseAlgorithm: "AES256" });
    await aliOssClient(oss.endpoint).deleteBucket(bucket);
    await expect(provider.read(bucket, outs)).resolves.toStrictEqual({ id: "" });
  });
});

describe("onExisting and onDelete", () => {
  it("fail stops create with the found rule named, and writes nothing", async () => {
    const provider = await providerFor();
    const bucket = await newBucket();
    await aliOssClient(oss.endpoint).putBucketEncryption(bucket, {
      SSEAlgorithm: "KMS",
      KMSMasterKeyID: "theirs",
    });
    const inputs = await checked(provider, { bucket, sseAlgorithm: "AES256", onExisting: "fail" });
    const calls = await callsOf(() =>
      expect(provider.create(inputs)).rejects.toThrow(
        `Bucket "${bucket}" already has a default encryption rule (KMS with a customer master key) that differs from the declared one (AES256) and onExisting is "fail"; declare the found rule, or set onExisting to "overwrite" to replace it.`,
      ),
    );
    expect(calls).toStrictEqual({ GetBucketEncryption: 1 });
    expect(oss.bucket(bucket)?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "theirs",
    });
  });

  it("restore puts the rule found at create back on delete", async () => {
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    const provider = await providerFor();
    const bucket = await newBucket();
    await aliOssClient(oss.endpoint).putBucketEncryption(bucket, { SSEAlgorithm: "SM4" });
    const inputs = await checked(provider, { bucket, sseAlgorithm: "AES256", onDelete: "restore" });
    const { outs } = (await provider.create(inputs)) as { outs: BucketEncryptionOutputs };
    expect(outs.priorRule).toStrictEqual({ sseAlgorithm: "SM4" });
    expect(oss.bucket(bucket)?.rule).toStrictEqual({ sseAlgorithm: "AES256" });
    const destroying = await providerFor();
    expect(await callsOf(() => destroying.delete(bucket, outs))).toStrictEqual({
      GetBucketEncryption: 1,
      PutBucketEncryption: 1,
    });
    expect(oss.bucket(bucket)?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
    expect(log).toHaveBeenCalledWith(
      `info: [runtime] Bucket "${bucket}": replaced the default encryption rule SM4 with AES256; it is kept as priorRule and put back on delete.`,
    );
    log.mockRestore();
  });

  it("delete succeeds when the bucket is already gone", async () => {
    const provider = await providerFor();
    const bucket = await newBucket();
    const inputs = await checked(provider, { bucket, sseAlgorithm: "AES256" });
    const { outs } = (await provider.create(inputs)) as { outs: BucketEncryptionOutputs };
    await aliOssClient(oss.endpoint).deleteBucket(bucket);
    await expect(provider.delete(bucket, outs)).resolves.toBeUndefined();
  });
});

describe("retries and failures", () => {
  it("retries throttling and server errors on write until it succeeds", async () => {
    const provider = await providerFor();
    const bucket = await newBucket();
    const inputs = await checked(provider, { bucket, sseAlgorithm: "SM4" });
    oss.faults.failNext("PutBucketEncryption", 1, "MetaOperationQpsLimitExceeded");
    oss.faults.failNext("PutBucketEncryption", 1, "InternalError");
    oss.faults.failNext("PutBucketEncryption", 1, "ServiceUnavailable");
    expect(await callsOf(() => provider.create(inputs))).toStrictEqual({
      GetBucketEncryption: 2,
      PutBucketEncryption: 4,
    });
    expect(oss.bucket(bucket)?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
  });

  it("retries reset connections and slow answers on read", async () => {
    const provider = await providerFor();
    const bucket = await newBucket();
    const inputs = await checked(provider, { bucket, sseAlgorithm: "AES256" });
    oss.faults.resetNext("GetBucketEncryption", 2);
    oss.faults.delayNext("GetBucketEncryption", 1, 1_500);
    expect(await callsOf(() => provider.create(inputs))).toStrictEqual({
      GetBucketEncryption: 5,
      PutBucketEncryption: 1,
    });
  });

  it("gives up at the retry deadline: the last attempt gets only the time left", async () => {
    const provider = await providerFor(DEFAULT_CREDENTIAL, {
      [TIMING_CONFIG_KEYS.requestTimeoutMs]: "2000",
      [TIMING_CONFIG_KEYS.retryDeadlineMs]: "3000",
    });
    const bucket = await newBucket();
    const inputs = await checked(provider, { bucket, sseAlgorithm: "AES256" });
    oss.faults.delayNext("GetBucketEncryption", 5, 10_000);
    const started = Date.now();
    await expect(provider.create(inputs)).rejects.toThrow(
      /^GetBucketEncryption on bucket "provider-\d+" failed with ResponseTimeoutError \(after 2 attempts\): Response timeout for \d+ms\.$/,
    );
    // Before, the second attempt ran its whole 2 s timeout past the deadline (about 4.1 s).
    expect(Date.now() - started).toBeLessThan(3_500);
    oss.faults.clear();
  });

  it("fails at once on AccessDenied, naming the RAM action to grant", async () => {
    const provider = await providerFor(READ_ONLY);
    const bucket = await newBucket();
    const inputs = await checked(provider, { bucket, sseAlgorithm: "AES256" });
    const calls = await callsOf(() =>
      expect(provider.create(inputs)).rejects.toThrow(
        new RegExp(
          `^PutBucketEncryption on bucket "${bucket}" failed with AccessDenied \\(HTTP 403, request id [0-9A-F]{24}\\): You are not authorized to do this action\\. You should be authorized by RAM; grant the RAM action oss:PutBucketEncryption on this bucket to the credentials from environment ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET\\.$`,
        ),
      ),
    );
    expect(calls).toStrictEqual({ GetBucketEncryption: 1, PutBucketEncryption: 1 });
  });

  it("fails at once on a wrong secret, naming where the credentials came from and not the secret", async () => {
    const provider = await providerFor({
      accessKeyId: DEFAULT_CREDENTIAL.accessKeyId,
      accessKeySecret: "not-the-secret",
    });
    const bucket = await newBucket();
    const inputs = await checked(provider, { bucket, sseAlgorithm: "AES256" });
    oss.clearRequests();
    const error = (await provider.create(inputs).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toMatch(
      /^GetBucketEncryption on bucket "provider-\d+" failed with SignatureDoesNotMatch \(HTTP 403, request id [0-9A-F]{24}\): .*; check the access key secret from environment ALIBABA_CLOUD_ACCESS_KEY_ID\/ALIBABA_CLOUD_ACCESS_KEY_SECRET, the region and the signatureVersion\.$/,
    );
    expect(error.message).not.toContain("not-the-secret");
    expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 1 });
  });

  it("fails at once on an unknown key id", async () => {
    const provider = await providerFor({ accessKeyId: "nobody", accessKeySecret: "x" });
    const bucket = await newBucket();
    const inputs = await checked(provider, { bucket, sseAlgorithm: "AES256" });
    await expect(provider.create(inputs)).rejects.toThrow(
      /failed with InvalidAccessKeyId .*; check the access key id from environment/,
    );
  });

  it("fails on a missing bucket without writing", async () => {
    const provider = await providerFor();
    const inputs = await checked(provider, { bucket: "never-created", sseAlgorithm: "AES256" });
    const calls = await callsOf(() =>
      expect(provider.create(inputs)).rejects.toThrow('Bucket "never-created" does not exist'),
    );
    expect(calls).toStrictEqual({ GetBucketEncryption: 1 });
  });
});

describe("credentials and signing", () => {
  it("use an STS token from the environment", async () => {
    const provider = await providerFor(STS);
    const bucket = await newBucket();
    await callsOf(async () =>
      provider.create(await checked(provider, { bucket, sseAlgorithm: "SM4" })),
    );
    expect(new Set(oss.requests().map((record) => record.accessKeyId))).toStrictEqual(
      new Set([STS.accessKeyId]),
    );
  });

  it("use credentials from stack config before the environment", async () => {
    const provider = await providerFor(
      { accessKeyId: "env-key-unknown-to-oss", accessKeySecret: "x" },
      {
        "alicloud:accessKey": DEFAULT_CREDENTIAL.accessKeyId,
        "alicloud:secretKey": DEFAULT_CREDENTIAL.accessKeySecret,
      },
    );
    const bucket = await newBucket();
    await expect(
      provider.create(await checked(provider, { bucket, sseAlgorithm: "AES256" })),
    ).resolves.toMatchObject({ id: bucket });
  });

  it("sign with V1 when asked", async () => {
    const provider = await providerFor();
    const bucket = await newBucket();
    await provider.create(
      await checked(provider, { bucket, sseAlgorithm: "AES256", signatureVersion: "v1" }),
    );
    expect(oss.bucket(bucket)?.rule).toStrictEqual({ sseAlgorithm: "AES256" });
  });
});
