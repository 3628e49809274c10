import { BUCKET_ENCRYPTION, PROVIDER_CONFIG } from "./definition";
import {
  type BucketEncryptionInputs,
  bucketNameProblem,
  checkAuditInputs,
  checkInputs,
  checkStoredOutputs,
  INPUT_PROPERTIES,
  type InputFailure,
  ruleOf,
  UNKNOWN_VALUE,
} from "./inputs";

const DEFAULTS = { signatureVersion: "v4", onExisting: "overwrite", onDelete: "remove" };

function failuresOf(news: Record<string, unknown>): readonly InputFailure[] {
  const outcome = checkInputs(news);
  if (outcome.ok) {
    throw new Error(`expected failures, got inputs ${JSON.stringify(outcome.inputs)}`);
  }
  return outcome.failures;
}

function inputsOf(news: Record<string, unknown>): unknown {
  const outcome = checkInputs(news);
  if (!outcome.ok) {
    throw new Error(`expected inputs, got failures ${JSON.stringify(outcome.failures)}`);
  }
  return outcome.inputs;
}

describe("checkInputs canonicalises valid inputs", () => {
  it.each([
    [
      "AES256 with defaults filled in",
      { bucket: "logs", sseAlgorithm: "AES256" },
      { bucket: "logs", sseAlgorithm: "AES256", ...DEFAULTS },
    ],
    [
      "the algorithm in lower case",
      { bucket: "logs", sseAlgorithm: "aes256" },
      { bucket: "logs", sseAlgorithm: "AES256", ...DEFAULTS },
    ],
    [
      "the algorithm in mixed case",
      { bucket: "logs", sseAlgorithm: "Kms" },
      { bucket: "logs", sseAlgorithm: "KMS", ...DEFAULTS },
    ],
    [
      "SM4",
      { bucket: "logs", sseAlgorithm: "sm4" },
      { bucket: "logs", sseAlgorithm: "SM4", ...DEFAULTS },
    ],
    [
      "KMS with a named key",
      { bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "key-hzz6a1b2c3" },
      { bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "key-hzz6a1b2c3", ...DEFAULTS },
    ],
    [
      "KMS with a key ARN",
      {
        bucket: "logs",
        sseAlgorithm: "KMS",
        kmsMasterKeyId: "acs:kms:cn-hangzhou:1234567890:key/key-hzz6a1b2c3",
      },
      {
        bucket: "logs",
        sseAlgorithm: "KMS",
        kmsMasterKeyId: "acs:kms:cn-hangzhou:1234567890:key/key-hzz6a1b2c3",
        ...DEFAULTS,
      },
    ],
    [
      "an empty key id as absent",
      { bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "" },
      { bucket: "logs", sseAlgorithm: "KMS", ...DEFAULTS },
    ],
    [
      "an empty key id beside AES256 as absent",
      { bucket: "logs", sseAlgorithm: "AES256", kmsMasterKeyId: "" },
      { bucket: "logs", sseAlgorithm: "AES256", ...DEFAULTS },
    ],
    [
      "a null key id as absent",
      { bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: null },
      { bucket: "logs", sseAlgorithm: "KMS", ...DEFAULTS },
    ],
    [
      "KMS with SM4 data encryption in lower case",
      { bucket: "logs", sseAlgorithm: "KMS", kmsDataEncryption: "sm4" },
      { bucket: "logs", sseAlgorithm: "KMS", kmsDataEncryption: "SM4", ...DEFAULTS },
    ],
    [
      "an empty data encryption as absent",
      { bucket: "logs", sseAlgorithm: "AES256", kmsDataEncryption: "" },
      { bucket: "logs", sseAlgorithm: "AES256", ...DEFAULTS },
    ],
    [
      "a region with the oss- prefix",
      { bucket: "logs", sseAlgorithm: "AES256", region: "oss-cn-hangzhou" },
      { bucket: "logs", sseAlgorithm: "AES256", region: "cn-hangzhou", ...DEFAULTS },
    ],
    [
      "an endpoint as its origin",
      { bucket: "logs", sseAlgorithm: "AES256", endpoint: "HTTP://127.0.0.1:9000/" },
      { bucket: "logs", sseAlgorithm: "AES256", endpoint: "http://127.0.0.1:9000", ...DEFAULTS },
    ],
    [
      "an https endpoint without its default port",
      {
        bucket: "logs",
        sseAlgorithm: "AES256",
        endpoint: "https://oss-cn-hangzhou.aliyuncs.com:443",
      },
      {
        bucket: "logs",
        sseAlgorithm: "AES256",
        endpoint: "https://oss-cn-hangzhou.aliyuncs.com",
        ...DEFAULTS,
      },
    ],
    [
      "signature version V1 in upper case",
      { bucket: "logs", sseAlgorithm: "AES256", signatureVersion: "V1" },
      { bucket: "logs", sseAlgorithm: "AES256", ...DEFAULTS, signatureVersion: "v1" },
    ],
    [
      "explicit onExisting and onDelete",
      { bucket: "logs", sseAlgorithm: "AES256", onExisting: "fail", onDelete: "restore" },
      {
        bucket: "logs",
        sseAlgorithm: "AES256",
        signatureVersion: "v4",
        onExisting: "fail",
        onDelete: "restore",
      },
    ],
    [
      "empty settings as left out, so each takes its default",
      {
        bucket: "logs",
        sseAlgorithm: "AES256",
        signatureVersion: "",
        onExisting: "",
        onDelete: "",
      },
      { bucket: "logs", sseAlgorithm: "AES256", ...DEFAULTS },
    ],
    [
      "null settings as left out, so each takes its default",
      {
        bucket: "logs",
        sseAlgorithm: "AES256",
        signatureVersion: null,
        onExisting: null,
        onDelete: null,
      },
      { bucket: "logs", sseAlgorithm: "AES256", ...DEFAULTS },
    ],
    [
      "the engine's __provider property left out",
      { bucket: "logs", sseAlgorithm: "AES256", __provider: "exports.handler = ..." },
      { bucket: "logs", sseAlgorithm: "AES256", ...DEFAULTS },
    ],
    [
      "a 3-character bucket name",
      { bucket: "a-1", sseAlgorithm: "AES256" },
      { bucket: "a-1", sseAlgorithm: "AES256", ...DEFAULTS },
    ],
    [
      "a 63-character bucket name",
      { bucket: "a".repeat(63), sseAlgorithm: "AES256" },
      { bucket: "a".repeat(63), sseAlgorithm: "AES256", ...DEFAULTS },
    ],
  ])("accepts %s", (_case, news, expected) => {
    expect(inputsOf(news)).toStrictEqual(expected);
  });
});

describe("checkInputs names the property and what is allowed", () => {
  it.each([
    [
      "a missing bucket",
      { sseAlgorithm: "AES256" },
      "bucket",
      "bucket is required: an OSS bucket name",
    ],
    [
      "a numeric bucket",
      { bucket: 42, sseAlgorithm: "AES256" },
      "bucket",
      "bucket must be a string: an OSS bucket name; got number",
    ],
    [
      "a 2-character bucket",
      { bucket: "ab", sseAlgorithm: "AES256" },
      "bucket",
      "bucket must be 3 to 63 characters long; got 2",
    ],
    [
      "a 64-character bucket",
      { bucket: "b".repeat(64), sseAlgorithm: "AES256" },
      "bucket",
      "bucket must be 3 to 63 characters long; got 64",
    ],
    [
      "an upper-case bucket",
      { bucket: "MyBucket", sseAlgorithm: "AES256" },
      "bucket",
      "bucket may contain only lowercase letters, digits and hyphens",
    ],
    [
      "a bucket with an underscore",
      { bucket: "my_bucket", sseAlgorithm: "AES256" },
      "bucket",
      "bucket may contain only lowercase letters, digits and hyphens",
    ],
    [
      "a bucket with a path",
      { bucket: "../etc/passwd", sseAlgorithm: "AES256" },
      "bucket",
      "bucket may contain only lowercase letters, digits and hyphens",
    ],
    [
      "a bucket starting with a hyphen",
      { bucket: "-logs", sseAlgorithm: "AES256" },
      "bucket",
      "bucket must start and end with a lowercase letter or digit",
    ],
    [
      "a bucket ending with a hyphen",
      { bucket: "logs-", sseAlgorithm: "AES256" },
      "bucket",
      "bucket must start and end with a lowercase letter or digit",
    ],
    [
      "a missing algorithm",
      { bucket: "logs" },
      "sseAlgorithm",
      "sseAlgorithm is required: one of AES256, KMS, SM4 (any letter case)",
    ],
    [
      "an unknown algorithm",
      { bucket: "logs", sseAlgorithm: "AES128" },
      "sseAlgorithm",
      "sseAlgorithm must be one of AES256, KMS, SM4 (any letter case)",
    ],
    [
      "an empty algorithm",
      { bucket: "logs", sseAlgorithm: "" },
      "sseAlgorithm",
      "sseAlgorithm must be one of AES256, KMS, SM4 (any letter case)",
    ],
    [
      "an algorithm spelt with the long s (U+017F), which Unicode upper-cases to S",
      { bucket: "logs", sseAlgorithm: "\u017Fm4" },
      "sseAlgorithm",
      "sseAlgorithm must be one of AES256, KMS, SM4 (any letter case)",
    ],
    [
      "an algorithm ending in the long s",
      { bucket: "logs", sseAlgorithm: "km\u017F" },
      "sseAlgorithm",
      "sseAlgorithm must be one of AES256, KMS, SM4 (any letter case)",
    ],
    [
      "data encryption spelt with the long s",
      { bucket: "logs", sseAlgorithm: "KMS", kmsDataEncryption: "\u017Fm4" },
      "kmsDataEncryption",
      "kmsDataEncryption must be one of SM4 (any letter case)",
    ],
    [
      "a signature version with the Kelvin sign (U+212A), which Unicode lower-cases to k",
      { bucket: "logs", sseAlgorithm: "AES256", signatureVersion: "v\u212A" },
      "signatureVersion",
      'signatureVersion must be one of "v4", "v1"',
    ],
    [
      "a boolean algorithm",
      { bucket: "logs", sseAlgorithm: true },
      "sseAlgorithm",
      "sseAlgorithm must be a string: one of AES256, KMS, SM4 (any letter case); got boolean",
    ],
    [
      "a key id beside AES256",
      { bucket: "logs", sseAlgorithm: "AES256", kmsMasterKeyId: "key-1" },
      "kmsMasterKeyId",
      "kmsMasterKeyId applies only when sseAlgorithm is KMS; remove it or set sseAlgorithm to KMS",
    ],
    [
      "a key id beside SM4",
      { bucket: "logs", sseAlgorithm: "sm4", kmsMasterKeyId: "key-1" },
      "kmsMasterKeyId",
      "kmsMasterKeyId applies only when sseAlgorithm is KMS; remove it or set sseAlgorithm to KMS",
    ],
    [
      "data encryption beside AES256",
      { bucket: "logs", sseAlgorithm: "AES256", kmsDataEncryption: "SM4" },
      "kmsDataEncryption",
      "kmsDataEncryption applies only when sseAlgorithm is KMS; remove it or set sseAlgorithm to KMS",
    ],
    [
      "data encryption other than SM4",
      { bucket: "logs", sseAlgorithm: "KMS", kmsDataEncryption: "AES256" },
      "kmsDataEncryption",
      "kmsDataEncryption must be one of SM4 (any letter case)",
    ],
    [
      "a key id with XML in it",
      { bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "</KMSMasterKeyID><x>" },
      "kmsMasterKeyId",
      "kmsMasterKeyId must be at most 256 characters, start with a letter or digit and contain only letters, digits and - _ : / .",
    ],
    [
      "a key id with a space",
      { bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "key 1" },
      "kmsMasterKeyId",
      "kmsMasterKeyId must be at most 256 characters, start with a letter or digit and contain only letters, digits and - _ : / .",
    ],
    [
      "a 257-character key id",
      { bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "k".repeat(257) },
      "kmsMasterKeyId",
      "kmsMasterKeyId must be at most 256 characters, start with a letter or digit and contain only letters, digits and - _ : / .",
    ],
    [
      "a numeric key id",
      { bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: 7 },
      "kmsMasterKeyId",
      "kmsMasterKeyId must be a string: a KMS key id; got number",
    ],
    [
      "a region name instead of an id",
      { bucket: "logs", sseAlgorithm: "AES256", region: "Hangzhou" },
      "region",
      "region must be a region id such as cn-hangzhou or ap-southeast-1",
    ],
    [
      "signature version v2",
      { bucket: "logs", sseAlgorithm: "AES256", signatureVersion: "v2" },
      "signatureVersion",
      'signatureVersion must be one of "v4", "v1"',
    ],
    [
      "an unknown onExisting mode",
      { bucket: "logs", sseAlgorithm: "AES256", onExisting: "skip" },
      "onExisting",
      'onExisting must be one of "overwrite", "fail"',
    ],
    [
      "onDelete in upper case",
      { bucket: "logs", sseAlgorithm: "AES256", onDelete: "RESTORE" },
      "onDelete",
      'onDelete must be one of "remove", "restore"',
    ],
    [
      "a misspelt property",
      { bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyID: "key-1" },
      "kmsMasterKeyID",
      `unknown property "kmsMasterKeyID"; allowed properties are ${INPUT_PROPERTIES.join(", ")}`,
    ],
  ])("rejects %s", (_case, news, property, reason) => {
    expect(failuresOf(news)).toStrictEqual([{ property, reason }]);
  });

  it.each([
    [
      "an endpoint without a scheme",
      { bucket: "logs", sseAlgorithm: "AES256", endpoint: "oss-cn-hangzhou.aliyuncs.com" },
      "endpoint",
      "endpoint must be an http:// or https:// URL such as https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000",
    ],
    [
      "an ftp endpoint",
      { bucket: "logs", sseAlgorithm: "AES256", endpoint: "ftp://127.0.0.1" },
      "endpoint",
      "endpoint must be an http:// or https:// URL such as https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000",
    ],
    [
      "an endpoint with credentials in it, without echoing them",
      { bucket: "logs", sseAlgorithm: "AES256", endpoint: "http://LTAIsecret:hunter2@127.0.0.1" },
      "endpoint",
      "endpoint must not contain a user name or password; give credentials through the environment (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET) or provider config (alicloud:accessKey and alicloud:secretKey, ossencryption:accessKey and ossencryption:secretKey)",
    ],
    [
      "an endpoint with a path",
      { bucket: "logs", sseAlgorithm: "AES256", endpoint: "http://127.0.0.1:9000/logs" },
      "endpoint",
      "endpoint must be a bare origin (scheme, host and optional port) without a path, query or fragment",
    ],
  ])("rejects %s, marking the value as one not to show", (_case, news, property, reason) => {
    expect(failuresOf(news)).toStrictEqual([{ property, reason, concealValue: true }]);
  });

  it("reports every invalid property at once", () => {
    expect(failuresOf({ bucket: "A", sseAlgorithm: "DES", onDelete: "keep" })).toStrictEqual([
      { property: "bucket", reason: "bucket must be 3 to 63 characters long; got 1" },
      {
        property: "sseAlgorithm",
        reason: "sseAlgorithm must be one of AES256, KMS, SM4 (any letter case)",
      },
      { property: "onDelete", reason: 'onDelete must be one of "remove", "restore"' },
    ]);
  });

  it("reports both KMS-only properties beside a non-KMS algorithm", () => {
    expect(
      failuresOf({
        bucket: "logs",
        sseAlgorithm: "SM4",
        kmsMasterKeyId: "k",
        kmsDataEncryption: "SM4",
      }).map((failure) => failure.property),
    ).toStrictEqual(["kmsMasterKeyId", "kmsDataEncryption"]);
  });

  it.each([
    ["bucket", "My_Secret_Bucket"],
    ["sseAlgorithm", "secret-algorithm"],
    ["kmsDataEncryption", "secret-data-encryption"],
    ["region", "secret_region"],
    ["signatureVersion", "secret-version"],
    ["onExisting", "secret-mode"],
    ["onDelete", "secret-mode"],
  ])(
    "does not quote an invalid %s, which may be a secret (the engine prints it, hidden if so)",
    (property, value) => {
      const failures = failuresOf({
        bucket: "logs",
        sseAlgorithm: "KMS",
        [property]: value,
      });
      expect(failures.map((failure) => failure.property)).toStrictEqual([property]);
      expect(JSON.stringify(failures)).not.toContain(value);
    },
  );
});

describe("checkInputs tolerates values not known during preview", () => {
  it("keeps an unknown bucket and algorithm as they are", () => {
    expect(inputsOf({ bucket: UNKNOWN_VALUE, sseAlgorithm: UNKNOWN_VALUE })).toStrictEqual({
      bucket: UNKNOWN_VALUE,
      sseAlgorithm: UNKNOWN_VALUE,
      ...DEFAULTS,
    });
  });

  it("skips the KMS-only rule while the algorithm is unknown", () => {
    expect(
      inputsOf({ bucket: "logs", sseAlgorithm: UNKNOWN_VALUE, kmsMasterKeyId: "key-1" }),
    ).toStrictEqual({
      bucket: "logs",
      sseAlgorithm: UNKNOWN_VALUE,
      kmsMasterKeyId: "key-1",
      ...DEFAULTS,
    });
  });

  it("skips the KMS-only rule while the key id is unknown", () => {
    expect(
      inputsOf({ bucket: "logs", sseAlgorithm: "AES256", kmsMasterKeyId: UNKNOWN_VALUE }),
    ).toStrictEqual({
      bucket: "logs",
      sseAlgorithm: "AES256",
      kmsMasterKeyId: UNKNOWN_VALUE,
      ...DEFAULTS,
    });
  });

  it("still rejects a known invalid value beside an unknown one", () => {
    expect(failuresOf({ bucket: UNKNOWN_VALUE, sseAlgorithm: "RSA" })).toStrictEqual([
      {
        property: "sseAlgorithm",
        reason: "sseAlgorithm must be one of AES256, KMS, SM4 (any letter case)",
      },
    ]);
  });

  it("still rejects an unknown-valued property that does not exist", () => {
    expect(failuresOf({ bucket: "logs", sseAlgorithm: "KMS", keyId: UNKNOWN_VALUE })).toStrictEqual(
      [
        {
          property: "keyId",
          reason: `unknown property "keyId"; allowed properties are ${INPUT_PROPERTIES.join(", ")}`,
        },
      ],
    );
  });
});

describe("bucketNameProblem", () => {
  it.each(["abc", "my-bucket-2026", "0-0", "a".repeat(63)])("accepts %s", (name) => {
    expect(bucketNameProblem(name)).toBeUndefined();
  });
});

describe("ruleOf", () => {
  it("takes only the rule fields, without absent ones", () => {
    const inputs: BucketEncryptionInputs = {
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsDataEncryption: "SM4",
      signatureVersion: "v4",
      onExisting: "overwrite",
      onDelete: "remove",
    };
    expect(ruleOf(inputs)).toStrictEqual({ sseAlgorithm: "KMS", kmsDataEncryption: "SM4" });
  });
});

describe("checkInputs for a create or update, which needs every value", () => {
  it("refuses a value not known yet, naming it", () => {
    expect(
      checkInputs({ bucket: UNKNOWN_VALUE, sseAlgorithm: "AES256" }, { allowUnknowns: false }),
    ).toStrictEqual({
      ok: false,
      failures: [
        {
          property: "bucket",
          reason: "bucket is not known yet; only a preview may leave an input unknown",
        },
      ],
    });
  });
});

describe("checkStoredOutputs", () => {
  const STORED = { bucket: "logs", sseAlgorithm: "KMS", ...DEFAULTS };

  it("takes the outputs an earlier operation wrote, leaving out keys it does not know", () => {
    expect(
      checkStoredOutputs({
        ...STORED,
        priorRule: { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" },
        location: { region: "cn-hangzhou", endpoint: "http://127.0.0.1:9000" },
        __provider: "exports.handler = ...",
        somethingOlder: 1,
      }),
    ).toStrictEqual({
      ok: true,
      outputs: {
        ...STORED,
        priorRule: { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" },
        location: { region: "cn-hangzhou", endpoint: "http://127.0.0.1:9000" },
      },
    });
  });

  it("takes what OSS may hold as the rule and prior rule, and a region an earlier version recorded unchecked", () => {
    const outcome = checkStoredOutputs({
      ...STORED,
      kmsMasterKeyId: "key id with spaces",
      priorRule: { sseAlgorithm: "AES256", kmsMasterKeyId: "k" },
      location: { region: "local", endpoint: "http://127.0.0.1:9000" },
    });
    expect(outcome.ok).toBe(true);
  });

  it("gives an empty stored setting its default", () => {
    expect(checkStoredOutputs({ ...STORED, signatureVersion: "" })).toStrictEqual({
      ok: true,
      outputs: STORED,
    });
  });

  it.each([
    [
      "a prior rule of an algorithm OSS does not know",
      { priorRule: { sseAlgorithm: "DES" } },
      "priorRule.sseAlgorithm",
    ],
    [
      "a location without an endpoint",
      { location: { region: "cn-hangzhou" } },
      "location.endpoint",
    ],
    [
      "a location at a file URL",
      { location: { region: "cn-hangzhou", endpoint: "file:///etc/passwd" } },
      "location.endpoint",
    ],
    [
      "a location region that is not a name",
      { location: { region: "../../x", endpoint: "http://127.0.0.1:9000" } },
      "location.region",
    ],
    ["a bucket not known", { bucket: UNKNOWN_VALUE }, "bucket"],
    ["an invalid bucket", { bucket: "../etc" }, "bucket"],
  ])("refuses %s, naming the property", (_case, change, property) => {
    const outcome = checkStoredOutputs({ ...STORED, ...change });
    expect(outcome.ok ? [] : outcome.failures.map((failure) => failure.property)).toStrictEqual([
      property,
    ]);
  });
});

describe("the definition's defaults", () => {
  it.each(
    Object.entries(BUCKET_ENCRYPTION.inputs).flatMap(([name, input]) =>
      "default" in input ? [[name, input.default]] : [],
    ),
  )("the default of %s, %j, is a value the input accepts, in canonical form", (name, value) => {
    expect(inputsOf({ bucket: "logs", sseAlgorithm: "AES256", [name]: value })).toMatchObject({
      [name]: value,
    });
  });

  it.each(
    Object.entries(PROVIDER_CONFIG.keys).flatMap(([name, key]) =>
      "default" in key ? [[name, key.default, key.type.min, key.type.max]] : [],
    ),
  )(
    "the default of the config key %s, %s, is a whole number from %d to %d",
    (_name, value, min, max) => {
      expect(String(Number(value))).toBe(value);
      expect(Number(value)).toBeGreaterThanOrEqual(min);
      expect(Number(value)).toBeLessThanOrEqual(max);
    },
  );
});

describe("checkAuditInputs", () => {
  it("canonicalises the audit function's inputs as the resource's of the same names", () => {
    expect(
      checkAuditInputs({
        bucket: "logs",
        prefix: "2026/",
        maxObjects: 500,
        region: "oss-cn-shanghai",
        endpoint: "http://127.0.0.1:9000/",
        signatureVersion: "V1",
      }),
    ).toStrictEqual({
      ok: true,
      inputs: {
        bucket: "logs",
        prefix: "2026/",
        maxObjects: 500,
        region: "cn-shanghai",
        endpoint: "http://127.0.0.1:9000",
        signatureVersion: "v1",
      },
    });
  });

  it("leaves out an empty prefix and defaults the signature version", () => {
    expect(checkAuditInputs({ bucket: "logs", prefix: "", maxObjects: 1 })).toStrictEqual({
      ok: true,
      inputs: { bucket: "logs", maxObjects: 1, signatureVersion: "v4" },
    });
  });

  it.each([
    [{ bucket: "logs" }, "maxObjects is required: a whole number of objects from 1 to 100000"],
    [
      { bucket: "logs", maxObjects: 0 },
      "maxObjects must be a whole number of objects from 1 to 100000",
    ],
    [
      { bucket: "logs", maxObjects: 100_001 },
      "maxObjects must be a whole number of objects from 1 to 100000",
    ],
    [
      { bucket: "logs", maxObjects: 2.5 },
      "maxObjects must be a whole number of objects from 1 to 100000",
    ],
    [
      { bucket: "logs", maxObjects: "10" },
      "maxObjects must be a whole number of objects from 1 to 100000; got string",
    ],
    [
      { bucket: "Logs", maxObjects: 1 },
      "bucket may contain only lowercase letters, digits and hyphens",
    ],
    [
      { bucket: "logs", maxObjects: 1, sseAlgorithm: "KMS" },
      'unknown argument "sseAlgorithm"; allowed arguments are bucket, prefix, maxObjects, region, endpoint, signatureVersion',
    ],
  ])("refuses %j: %s", (args, reason) => {
    const outcome = checkAuditInputs(args);
    expect(outcome.ok ? [] : outcome.failures.map((failure) => failure.reason)).toStrictEqual([
      reason,
    ]);
  });
});
