import type * as pulumi from "@pulumi/pulumi";
import { InMemoryOss } from "../../tests/support/inMemoryOss";
import type { BucketEncryptionInputs, BucketEncryptionOutputs } from "../core/inputs";
import { ConnectionSettingsError } from "../oss/connection";
import { OssRequestError } from "../oss/errors";
import type { Clock } from "../oss/retry";
import { PartialCreateError } from "../lifecycle/bucketEncryptionLifecycle";
import { BucketEncryptionProvider } from "./provider";

const CREDENTIALS_ENV = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: "test-id",
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: "test-secret",
  ALIBABA_CLOUD_REGION: "cn-hangzhou",
};

const NO_WAIT_CLOCK: Clock = { now: () => 0, sleep: () => Promise.resolve(), random: () => 0 };

const SETTINGS = { signatureVersion: "v4", onExisting: "overwrite", onDelete: "remove" } as const;

/** Where the env above puts a resource that declares no region or endpoint. */
const HANGZHOU = { region: "cn-hangzhou", endpoint: "https://oss-cn-hangzhou.aliyuncs.com" };

function inputs(overrides: Partial<BucketEncryptionInputs> = {}): BucketEncryptionInputs {
  return { bucket: "logs", sseAlgorithm: "AES256", ...SETTINGS, ...overrides };
}

function setUp(env: Record<string, string> = CREDENTIALS_ENV) {
  const oss = new InMemoryOss().withBuckets("logs");
  const provider = new BucketEncryptionProvider({
    openStore: oss.openStore,
    env,
    clock: NO_WAIT_CLOCK,
    confirmation: { reads: 3, intervalMs: 10 },
  });
  return { oss, provider };
}

function configOf(values: Record<string, string>): pulumi.dynamic.ConfigureRequest {
  return { config: { get: (key) => values[key], require: (key) => values[key] ?? "" } };
}

describe("BucketEncryptionProvider.check", () => {
  it("returns canonical inputs", async () => {
    const { provider, oss } = setUp();
    const news = { bucket: "logs", sseAlgorithm: "kms", kmsMasterKeyId: "" } as never;
    await expect(provider.check(inputs(), news)).resolves.toStrictEqual({
      inputs: { bucket: "logs", sseAlgorithm: "KMS", ...SETTINGS },
    });
    expect(oss.calls).toStrictEqual([]);
  });

  it("returns failures naming the property, and sends no request", async () => {
    const { provider, oss } = setUp();
    const news = { bucket: "logs", sseAlgorithm: "AES256", kmsMasterKeyId: "k" } as never;
    await expect(provider.check(inputs(), news)).resolves.toStrictEqual({
      inputs: news,
      failures: [
        {
          property: "kmsMasterKeyId",
          reason:
            "kmsMasterKeyId applies only when sseAlgorithm is KMS; remove it or set sseAlgorithm to KMS",
        },
      ],
    });
    expect(oss.calls).toStrictEqual([]);
  });
});

describe("BucketEncryptionProvider.check of resources told apart by the URN their class passes", () => {
  const urn = (parentType: string) =>
    `urn:pulumi:test::project::${parentType}$pulumi-nodejs:dynamic/oss:BucketEncryption::encryption`;

  it("refuses a second resource of the same name under another parent on the same bucket, and keeps the URN out of the inputs", async () => {
    const { provider } = setUp();
    const declare = (parentType: string) =>
      provider.check(inputs(), {
        bucket: "logs",
        sseAlgorithm: "AES256",
        __urn: urn(parentType),
      } as never);
    await expect(declare("acme:index:Logs")).resolves.toStrictEqual({
      inputs: { bucket: "logs", sseAlgorithm: "AES256", ...SETTINGS },
    });
    await expect(declare("acme:index:Logs")).resolves.toStrictEqual({
      inputs: { bucket: "logs", sseAlgorithm: "AES256", ...SETTINGS },
    });
    await expect(declare("acme:index:Archive")).resolves.toMatchObject({
      failures: [
        {
          property: "bucket",
          reason: `BucketEncryption ${urn("acme:index:Archive")} declares bucket "logs", which BucketEncryption ${urn("acme:index:Logs")} already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).`,
        },
      ],
    });
  });
});

describe("BucketEncryptionProvider.check with an endpoint that may hold credentials", () => {
  it("reports the failure without the property, so that the engine does not print the value", async () => {
    const { provider } = setUp();
    const news = {
      bucket: "logs",
      sseAlgorithm: "AES256",
      endpoint: "http://LTAI-id:secret@127.0.0.1:9000",
    } as never;
    await expect(provider.check(inputs(), news)).resolves.toStrictEqual({
      inputs: news,
      failures: [
        {
          property: "",
          reason:
            "endpoint must not contain a user name or password; give credentials through the environment (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET) or provider config (alicloud:accessKey and alicloud:secretKey, ossencryption:accessKey and ossencryption:secretKey)",
        },
      ],
    });
  });
});

describe("BucketEncryptionProvider.configure", () => {
  it("rejects tuning config outside its bounds, naming each key and its range", async () => {
    const { provider } = setUp();
    await expect(
      provider.configure(
        configOf({
          "bucketEncryption:requestTimeoutMs": "3000000000",
          "bucketEncryption:retryDeadlineMs": "60s",
          "bucketEncryption:maxAttempts": "0",
        }),
      ),
    ).rejects.toThrow(
      new ConnectionSettingsError(
        "Invalid stack config: bucketEncryption:requestTimeoutMs must be a whole number of milliseconds from 100 to 300000; bucketEncryption:retryDeadlineMs must be a whole number of milliseconds from 1000 to 3600000; bucketEncryption:maxAttempts must be a whole number of attempts from 1 to 20.",
      ),
    );
  });

  it("accepts tuning config within its bounds", async () => {
    const { provider } = setUp();
    await expect(
      provider.configure(
        configOf({
          "bucketEncryption:requestTimeoutMs": "300000",
          "bucketEncryption:retryDeadlineMs": "1000",
          "bucketEncryption:maxAttempts": "20",
        }),
      ),
    ).resolves.toBeUndefined();
  });
});

describe("BucketEncryptionProvider.diff", () => {
  const stored: BucketEncryptionOutputs = {
    ...inputs(),
    priorRule: { sseAlgorithm: "SM4" },
    location: HANGZHOU,
  };

  it("reports no change for the same canonical inputs", async () => {
    const { provider } = setUp();
    await expect(provider.diff("logs", stored, inputs())).resolves.toStrictEqual({
      changes: false,
    });
  });

  it("leaves a changed rule for the engine to name the keys (replaceOnChanges needs them), deleting first should it replace", async () => {
    const { provider } = setUp();
    await expect(
      provider.diff("logs", stored, inputs({ sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" })),
    ).resolves.toStrictEqual({ replaces: [], deleteBeforeReplace: true });
  });

  it("replaces for a new bucket, creating the new one first", async () => {
    const { provider } = setUp();
    await expect(provider.diff("logs", stored, inputs({ bucket: "audit" }))).resolves.toStrictEqual(
      { replaces: ["bucket"], deleteBeforeReplace: false },
    );
  });
});

describe("BucketEncryptionProvider.create", () => {
  it("writes the rule to a bucket without one, confirms it, and outputs it with its location", async () => {
    const { provider, oss } = setUp();
    const desired = inputs({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
      kmsDataEncryption: "SM4",
    });
    await expect(provider.create(desired)).resolves.toStrictEqual({
      id: "logs",
      outs: { ...desired, location: HANGZHOU },
    });
    expect(oss.operations()).toStrictEqual([
      "GetBucketEncryption",
      "PutBucketEncryption",
      "GetBucketEncryption",
    ]);
    expect(oss.buckets.get("logs")).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
      kmsDataEncryption: "SM4",
    });
  });

  it("polls until OSS shows the rule it wrote", async () => {
    const { provider, oss } = setUp();
    oss.lagReadsAfterWrites(2);
    await provider.create(inputs());
    expect(oss.operations()).toStrictEqual([
      "GetBucketEncryption",
      "PutBucketEncryption",
      "GetBucketEncryption",
      "GetBucketEncryption",
      "GetBucketEncryption",
    ]);
  });

  it("records a partially created resource when OSS never shows the rule", async () => {
    const { provider, oss } = setUp();
    oss.lagReadsAfterWrites(99);
    const error = await provider.create(inputs()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(error).toMatchObject({
      message:
        'Bucket "logs" did not show the rule written (AES256) after 3 reads; OSS last showed no rule.',
      id: "logs",
      properties: { ...inputs(), location: HANGZHOU },
    });
  });

  it("overwrites a different rule by default, keeps it as priorRule and reports it without key ids", async () => {
    const { provider, oss } = setUp();
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-9" });
    await expect(provider.create(inputs({ onDelete: "restore" }))).resolves.toStrictEqual({
      id: "logs",
      outs: {
        ...inputs({ onDelete: "restore" }),
        priorRule: { sseAlgorithm: "KMS", kmsMasterKeyId: "key-9" },
        location: HANGZHOU,
      },
    });
    expect(oss.buckets.get("logs")).toStrictEqual({ sseAlgorithm: "AES256" });
    expect(log.mock.calls).toStrictEqual([
      [
        'info: [runtime] Bucket "logs": replaced the default encryption rule KMS with a customer master key with AES256; it is kept as priorRule and put back on delete.',
      ],
    ]);
    log.mockRestore();
  });

  it("adopts an equal rule without writing", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "AES256" });
    await expect(provider.create(inputs({ onExisting: "fail" }))).resolves.toStrictEqual({
      id: "logs",
      outs: {
        ...inputs({ onExisting: "fail" }),
        priorRule: { sseAlgorithm: "AES256" },
        location: HANGZHOU,
      },
    });
    expect(oss.operations()).toStrictEqual(["GetBucketEncryption"]);
  });

  it("fails on a different rule with onExisting fail, describing both rules, and writes nothing", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-9" });
    await expect(provider.create(inputs({ onExisting: "fail" }))).rejects.toThrow(
      'Bucket "logs" already has a default encryption rule (KMS with a customer master key) that differs from the declared one (AES256) and onExisting is "fail"; declare the found rule, or set onExisting to "overwrite" to replace it.',
    );
    expect(oss.operations()).toStrictEqual(["GetBucketEncryption"]);
    expect(oss.buckets.get("logs")).toStrictEqual({ sseAlgorithm: "KMS", kmsMasterKeyId: "key-9" });
  });

  it("says two rules differ only in their key ids without printing either", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-9" });
    const error = await provider
      .create(inputs({ sseAlgorithm: "KMS", kmsMasterKeyId: "key-1", onExisting: "fail" }))
      .catch((caught: unknown) => caught);
    expect(error).toStrictEqual(
      new Error(
        'Bucket "logs" already has a default encryption rule (KMS with a customer master key) with a key id other than the declared one\'s and onExisting is "fail"; declare the found rule, or set onExisting to "overwrite" to replace it.',
      ),
    );
  });

  it("fails on a missing bucket without writing", async () => {
    const { provider, oss } = setUp();
    await expect(provider.create(inputs({ bucket: "nowhere" }))).rejects.toThrow(
      'Bucket "nowhere" does not exist (GetBucketEncryption answered NoSuchBucket); create it first, or check the bucket name, region and endpoint.',
    );
    expect(oss.operations()).toStrictEqual(["GetBucketEncryption"]);
  });

  it("passes a refused write through as is: nothing changed, nothing to record", async () => {
    const { provider, oss } = setUp();
    const denied = new OssRequestError(
      "PutBucketEncryption",
      "logs",
      { status: 403, code: "AccessDenied", requestId: "5F01" },
      1,
      "test",
    );
    oss.failNext("PutBucketEncryption", denied);
    await expect(provider.create(inputs())).rejects.toBe(denied);
    expect(oss.buckets.get("logs")).toBeUndefined();
  });

  it("records a partially created resource when a write may have taken effect", async () => {
    const { provider, oss } = setUp();
    const timeout = new OssRequestError(
      "PutBucketEncryption",
      "logs",
      { code: "ResponseTimeoutError", detail: "Response timeout for 10000ms" },
      8,
      "test",
    );
    oss.failNext("PutBucketEncryption", timeout);
    const error = await provider.create(inputs()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(error).toMatchObject({
      message: timeout.message,
      id: "logs",
      properties: { ...inputs(), location: HANGZHOU },
      reasons: [timeout.message],
      cause: timeout,
    });
  });

  it("fails before any request when no credentials are found", async () => {
    const { provider, oss } = setUp({});
    await expect(provider.create(inputs({ region: "cn-hangzhou" }))).rejects.toBeInstanceOf(
      ConnectionSettingsError,
    );
    expect(oss.calls).toStrictEqual([]);
  });

  it("takes credentials and region from the stack config given to configure, and records the location", async () => {
    const { provider, oss } = setUp({});
    await provider.configure(
      configOf({
        "alicloud:accessKey": "config-id",
        "alicloud:secretKey": "config-secret",
        "alicloud:region": "cn-shanghai",
      }),
    );
    const { outs } = await provider.create(inputs());
    expect(oss.connections[0]).toMatchObject({
      endpoint: "https://oss-cn-shanghai.aliyuncs.com",
      region: "cn-shanghai",
      credentials: { accessKeyId: "config-id", accessKeySecret: "config-secret" },
    });
    expect(outs?.location).toStrictEqual({
      region: "cn-shanghai",
      endpoint: "https://oss-cn-shanghai.aliyuncs.com",
    });
  });

  it("calls the endpoint and region the inputs give", async () => {
    const { provider, oss } = setUp();
    await provider.create(inputs({ endpoint: "http://127.0.0.1:9000", region: "ap-southeast-1" }));
    expect(new Set(oss.calls.map((call) => `${call.endpoint} ${call.region}`))).toStrictEqual(
      new Set(["http://127.0.0.1:9000 ap-southeast-1"]),
    );
  });
});

describe("a replace on the same bucket", () => {
  // The engine checks the replacement against the replaced resource's inputs, and deletes with
  // its outputs.
  const originalInputs = inputs({
    sseAlgorithm: "KMS",
    kmsMasterKeyId: "key-1",
    onExisting: "fail",
  });
  const original: BucketEncryptionOutputs = {
    ...originalInputs,
    priorRule: { sseAlgorithm: "SM4" },
    location: HANGZHOU,
  };
  const replacement = inputs({ sseAlgorithm: "AES256", onExisting: "fail" });

  it("deleting first: the delete leaves the rule and the create takes it over with its priorRule", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    await provider.check(originalInputs, replacement);
    await provider.delete("logs", original);
    expect(oss.operations()).toStrictEqual([]);
    await expect(provider.create(replacement)).resolves.toStrictEqual({
      id: "logs",
      outs: { ...replacement, priorRule: { sseAlgorithm: "SM4" }, location: HANGZHOU },
    });
    expect(oss.buckets.get("logs")).toStrictEqual({ sseAlgorithm: "AES256" });
  });

  it("creating first: the create takes over its predecessor's rule despite onExisting fail, and the delete leaves the new rule", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    await provider.check(originalInputs, replacement);
    await expect(provider.create(replacement)).resolves.toStrictEqual({
      id: "logs",
      outs: {
        ...replacement,
        priorRule: { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" },
        location: HANGZHOU,
      },
    });
    await provider.delete("logs", original);
    expect(oss.operations()).toStrictEqual([
      "GetBucketEncryption",
      "PutBucketEncryption",
      "GetBucketEncryption",
    ]);
    expect(oss.buckets.get("logs")).toStrictEqual({ sseAlgorithm: "AES256" });
  });

  it("still applies onExisting to a rule that is not its predecessor's", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "SM4" });
    await provider.check(originalInputs, replacement);
    await expect(provider.create(replacement)).rejects.toThrow(
      'Bucket "logs" already has a default encryption rule (SM4) that differs from the declared one (AES256) and onExisting is "fail"',
    );
  });
});

describe("BucketEncryptionProvider.read", () => {
  const stored = {
    ...inputs({ sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" }),
    priorRule: { sseAlgorithm: "SM4" },
    location: HANGZHOU,
    __provider: "exports.handler = ...",
  } as BucketEncryptionOutputs;

  it("reports the rule OSS holds as outputs, and as inputs without priorRule and location", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    const { __provider: _provider, ...outputs } = stored as BucketEncryptionOutputs & {
      __provider: string;
    };
    const { priorRule: _prior, location: _location, ...declared } = outputs;
    await expect(provider.read("logs", stored)).resolves.toStrictEqual({
      id: "logs",
      props: outputs,
      inputs: declared,
    });
    expect(oss.operations()).toStrictEqual(["GetBucketEncryption"]);
  });

  it.each([
    ["a changed algorithm", { sseAlgorithm: "AES256" } as const],
    ["a removed key", { sseAlgorithm: "KMS" } as const],
    ["a changed key", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-2" } as const],
    [
      "added data encryption",
      { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1", kmsDataEncryption: "SM4" } as const,
    ],
  ])("reports drift: %s", async (_case, rule) => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", rule);
    const result = await provider.read("logs", stored);
    expect(result.inputs).toStrictEqual({ ...inputs(), ...rule });
    expect(result.props).toStrictEqual({
      ...inputs(),
      ...rule,
      priorRule: { sseAlgorithm: "SM4" },
      location: HANGZHOU,
    });
  });

  it("reads a rule deleted out of band as gone", async () => {
    const { provider } = setUp();
    await expect(provider.read("logs", stored)).resolves.toStrictEqual({ id: "" });
  });

  it("reads a deleted bucket as gone", async () => {
    const { provider, oss } = setUp();
    oss.buckets.delete("logs");
    await expect(provider.read("logs", stored)).resolves.toStrictEqual({ id: "" });
  });

  it("calls the recorded location after the config and environment name another region", async () => {
    const { provider, oss } = setUp({ ...CREDENTIALS_ENV, ALIBABA_CLOUD_REGION: "cn-beijing" });
    await provider.configure(configOf({ "alicloud:region": "cn-shanghai" }));
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    await provider.read("logs", stored);
    expect(oss.calls).toStrictEqual([
      { operation: "GetBucketEncryption", bucket: "logs", ...HANGZHOU },
    ]);
  });

  it("resolves the location at each call for a state recorded without one", async () => {
    const { provider, oss } = setUp({ ...CREDENTIALS_ENV, ALIBABA_CLOUD_REGION: "cn-beijing" });
    const { location: _location, ...legacy } = stored;
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    const result = await provider.read("logs", legacy);
    expect(oss.calls).toStrictEqual([
      {
        operation: "GetBucketEncryption",
        bucket: "logs",
        region: "cn-beijing",
        endpoint: "https://oss-cn-beijing.aliyuncs.com",
      },
    ]);
    expect(result.props).not.toHaveProperty("location");
  });

  it("explains that import is not supported when there is no stored state", async () => {
    const { provider } = setUp();
    await expect(provider.read("logs")).rejects.toThrow(
      "Reading bucket \"logs\" needs the resource's stored state; pulumi import does not work for dynamic resources: declare the resource instead (onExisting adopts the bucket's rule), or use the provider plugin's ossencryption:index:BucketEncryption.",
    );
  });
});

describe("BucketEncryptionProvider.update", () => {
  const olds: BucketEncryptionOutputs = {
    ...inputs(),
    priorRule: { sseAlgorithm: "SM4" },
    location: HANGZHOU,
  };

  it("rewrites a changed rule at the recorded location, confirms it, and keeps the prior rule", async () => {
    const { provider, oss } = setUp({ ...CREDENTIALS_ENV, ALIBABA_CLOUD_REGION: "cn-beijing" });
    oss.buckets.set("logs", { sseAlgorithm: "AES256" });
    const news = inputs({ sseAlgorithm: "KMS", kmsMasterKeyId: "key-2" });
    await expect(provider.update("logs", olds, news)).resolves.toStrictEqual({
      outs: { ...news, priorRule: { sseAlgorithm: "SM4" }, location: HANGZHOU },
    });
    expect(oss.calls).toStrictEqual([
      { operation: "PutBucketEncryption", bucket: "logs", ...HANGZHOU },
      { operation: "GetBucketEncryption", bucket: "logs", ...HANGZHOU },
    ]);
    expect(oss.buckets.get("logs")).toStrictEqual({ sseAlgorithm: "KMS", kmsMasterKeyId: "key-2" });
  });

  it("updates settings alone without calling OSS, recording a newly declared endpoint", async () => {
    const { provider, oss } = setUp();
    const news = inputs({ onDelete: "restore", endpoint: "http://127.0.0.1:9000" });
    await expect(provider.update("logs", olds, news)).resolves.toStrictEqual({
      outs: {
        ...news,
        priorRule: { sseAlgorithm: "SM4" },
        location: { region: "cn-hangzhou", endpoint: "http://127.0.0.1:9000" },
      },
    });
    expect(oss.calls).toStrictEqual([]);
  });

  it("moves to a newly declared region", async () => {
    const { provider, oss } = setUp();
    const news = inputs({ sseAlgorithm: "SM4", region: "cn-qingdao" });
    oss.buckets.set("logs", { sseAlgorithm: "AES256" });
    const { outs } = await provider.update("logs", olds, news);
    expect(outs?.location).toStrictEqual({
      region: "cn-qingdao",
      endpoint: "https://oss-cn-qingdao.aliyuncs.com",
    });
    expect(new Set(oss.calls.map((call) => call.region))).toStrictEqual(new Set(["cn-qingdao"]));
  });

  it("records the location of a state written without one", async () => {
    const { provider } = setUp();
    const { location: _location, ...legacy } = olds;
    const { outs } = await provider.update("logs", legacy, inputs({ onDelete: "restore" }));
    expect(outs?.location).toStrictEqual(HANGZHOU);
  });
});

describe("BucketEncryptionProvider.delete", () => {
  const stored = (overrides: Partial<BucketEncryptionOutputs> = {}): BucketEncryptionOutputs => ({
    ...inputs(),
    location: HANGZHOU,
    ...overrides,
  });

  it("reads, then removes the rule it set", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "AES256" });
    await provider.delete("logs", stored());
    expect(oss.operations()).toStrictEqual(["GetBucketEncryption", "DeleteBucketEncryption"]);
    expect(oss.buckets.get("logs")).toBeUndefined();
  });

  it("calls the recorded location after the config names another region", async () => {
    const { provider, oss } = setUp();
    await provider.configure(configOf({ "alicloud:region": "cn-shanghai" }));
    oss.buckets.set("logs", { sseAlgorithm: "AES256" });
    await provider.delete("logs", stored());
    expect(new Set(oss.calls.map((call) => call.region))).toStrictEqual(new Set(["cn-hangzhou"]));
  });

  it("succeeds without a write when the rule or the bucket is already gone", async () => {
    const { provider, oss } = setUp();
    await expect(provider.delete("logs", stored())).resolves.toBeUndefined();
    oss.buckets.delete("logs");
    await expect(provider.delete("logs", stored())).resolves.toBeUndefined();
    expect(oss.operations()).toStrictEqual(["GetBucketEncryption", "GetBucketEncryption"]);
  });

  it("leaves a rule another resource of the deployment declares, without calling OSS", async () => {
    const { provider, oss } = setUp();
    const log = jest.spyOn(console, "log").mockImplementation(() => undefined);
    oss.buckets.set("logs", { sseAlgorithm: "AES256" });
    await provider.check({} as BucketEncryptionInputs, inputs({ sseAlgorithm: "SM4" }));
    await provider.delete("logs", stored());
    expect(oss.calls).toStrictEqual([]);
    expect(oss.buckets.get("logs")).toStrictEqual({ sseAlgorithm: "AES256" });
    expect(log.mock.calls).toStrictEqual([
      [
        'info: [runtime] Bucket "logs": its rule is left in place for the resource of this deployment that now declares the bucket.',
      ],
    ]);
    log.mockRestore();
  });

  it("leaves a rule changed outside this resource, with a warning, and restores nothing over it", async () => {
    const { provider, oss } = setUp();
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "theirs" });
    await provider.delete(
      "logs",
      stored({ onDelete: "restore", priorRule: { sseAlgorithm: "SM4" } }),
    );
    expect(oss.operations()).toStrictEqual(["GetBucketEncryption"]);
    expect(oss.buckets.get("logs")).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "theirs",
    });
    expect(warn.mock.calls).toStrictEqual([
      [
        'warning: [runtime] Bucket "logs" holds a default encryption rule (KMS with a customer master key) that differs from the one this resource set (AES256); it was changed outside this resource, so it is left in place. Run pulumi refresh before destroying to remove it, or remove it by hand.',
      ],
    ]);
    warn.mockRestore();
  });

  it("restores the rule found at create", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "AES256" });
    await provider.delete(
      "logs",
      stored({ onDelete: "restore", priorRule: { sseAlgorithm: "SM4" } }),
    );
    expect(oss.operations()).toStrictEqual(["GetBucketEncryption", "PutBucketEncryption"]);
    expect(oss.buckets.get("logs")).toStrictEqual({ sseAlgorithm: "SM4" });
  });

  it("removes the rule on restore when there was none at create", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "AES256" });
    await provider.delete("logs", stored({ onDelete: "restore" }));
    expect(oss.operations()).toStrictEqual(["GetBucketEncryption", "DeleteBucketEncryption"]);
    expect(oss.buckets.get("logs")).toBeUndefined();
  });

  it("fails when restoring is refused", async () => {
    const { provider, oss } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "AES256" });
    const denied = new OssRequestError(
      "PutBucketEncryption",
      "logs",
      { status: 403, code: "AccessDenied" },
      1,
      "t",
    );
    oss.failNext("PutBucketEncryption", denied);
    await expect(
      provider.delete("logs", stored({ onDelete: "restore", priorRule: { sseAlgorithm: "SM4" } })),
    ).rejects.toBe(denied);
  });
});
