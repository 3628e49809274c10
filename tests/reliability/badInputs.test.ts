/**
 * The bad-input corpus through the real engine: wrong types, values, lengths and combinations,
 * values not known yet beside invalid ones, and hostile strings. Each fails `pulumi preview` with
 * its property named and what is allowed, and the emulator sees no request at all.
 */
import { type OssEmulator, startOssEmulator } from "local-oss-endpoint";
import { createTestStack, emulatorConfig, resourcesConfig } from "../support/pulumiStack";

jest.setTimeout(300_000);

/** One invalid declaration and the failure the preview must report. */
interface BadInput {
  readonly title: string;
  /** The invalid resource's arguments (it is named `bad`). */
  readonly args: Record<string, unknown>;
  /** The property named, or undefined for a failure reported without the value. */
  readonly property: string | undefined;
  readonly reason: string;
}

const ALGORITHMS = "one of AES256, KMS, SM4 (any letter case)";
const KEY_ID_RULE =
  "kmsMasterKeyId must be at most 256 characters, start with a letter or digit and contain only letters, digits and - _ : / .";
const CHARACTERS = "bucket may contain only lowercase letters, digits and hyphens";
const ENDS = "bucket must start and end with a lowercase letter or digit";
const SCHEME =
  "endpoint must be an http:// or https:// URL such as https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000";
const ALLOWED =
  "allowed properties are bucket, sseAlgorithm, kmsMasterKeyId, kmsDataEncryption, region, endpoint, signatureVersion, onExisting, onDelete";
const KMS_ONLY = (property: string) =>
  `${property} applies only when sseAlgorithm is KMS; remove it or set sseAlgorithm to KMS`;

const ok = { bucket: "valid-bucket", sseAlgorithm: "AES256" };
const kms = { bucket: "valid-bucket", sseAlgorithm: "KMS" };

const CORPUS: readonly BadInput[] = [
  // bucket
  {
    title: "no bucket",
    args: { sseAlgorithm: "AES256" },
    property: "bucket",
    reason: "bucket is required: an OSS bucket name",
  },
  {
    title: "a numeric bucket",
    args: { ...ok, bucket: 42 },
    property: "bucket",
    reason: "bucket must be a string: an OSS bucket name; got number",
  },
  {
    title: "a boolean bucket",
    args: { ...ok, bucket: true },
    property: "bucket",
    reason: "bucket must be a string: an OSS bucket name; got boolean",
  },
  {
    title: "a list as bucket",
    args: { ...ok, bucket: ["a", "b"] },
    property: "bucket",
    reason: "bucket must be a string: an OSS bucket name; got array",
  },
  {
    title: "an object as bucket",
    args: { ...ok, bucket: { name: "x" } },
    property: "bucket",
    reason: "bucket must be a string: an OSS bucket name; got object",
  },
  {
    title: "an empty bucket",
    args: { ...ok, bucket: "" },
    property: "bucket",
    reason: "bucket must be 3 to 63 characters long; got 0",
  },
  {
    title: "a 2-character bucket",
    args: { ...ok, bucket: "ab" },
    property: "bucket",
    reason: "bucket must be 3 to 63 characters long; got 2",
  },
  {
    title: "a 64-character bucket",
    args: { ...ok, bucket: "b".repeat(64) },
    property: "bucket",
    reason: "bucket must be 3 to 63 characters long; got 64",
  },
  {
    title: "an upper-case bucket",
    args: { ...ok, bucket: "MyBucket" },
    property: "bucket",
    reason: CHARACTERS,
  },
  {
    title: "a bucket with an underscore",
    args: { ...ok, bucket: "my_bucket" },
    property: "bucket",
    reason: CHARACTERS,
  },
  {
    title: "a bucket with dots",
    args: { ...ok, bucket: "a.b.c" },
    property: "bucket",
    reason: CHARACTERS,
  },
  {
    title: "a bucket with a space",
    args: { ...ok, bucket: "my bucket" },
    property: "bucket",
    reason: CHARACTERS,
  },
  {
    title: "a path traversal as bucket",
    args: { ...ok, bucket: "../../etc/passwd" },
    property: "bucket",
    reason: CHARACTERS,
  },
  {
    title: "markup as bucket",
    args: { ...ok, bucket: "<script>alert(1)</script>" },
    property: "bucket",
    reason: CHARACTERS,
  },
  {
    title: "a non-ASCII bucket",
    args: { ...ok, bucket: "bücket" },
    property: "bucket",
    reason: CHARACTERS,
  },
  {
    title: "a bucket starting with a hyphen",
    args: { ...ok, bucket: "-logs" },
    property: "bucket",
    reason: ENDS,
  },
  {
    title: "a bucket ending with a hyphen",
    args: { ...ok, bucket: "logs-" },
    property: "bucket",
    reason: ENDS,
  },
  // sseAlgorithm
  {
    title: "no algorithm",
    args: { bucket: "valid-bucket" },
    property: "sseAlgorithm",
    reason: `sseAlgorithm is required: ${ALGORITHMS}`,
  },
  {
    title: "AES128",
    args: { ...ok, sseAlgorithm: "AES128" },
    property: "sseAlgorithm",
    reason: `sseAlgorithm must be ${ALGORITHMS}`,
  },
  {
    title: "an empty algorithm",
    args: { ...ok, sseAlgorithm: "" },
    property: "sseAlgorithm",
    reason: `sseAlgorithm must be ${ALGORITHMS}`,
  },
  {
    title: "a numeric algorithm",
    args: { ...ok, sseAlgorithm: 256 },
    property: "sseAlgorithm",
    reason: `sseAlgorithm must be a string: ${ALGORITHMS}; got number`,
  },
  {
    title: "AES 256 with a space",
    args: { ...ok, sseAlgorithm: "AES 256" },
    property: "sseAlgorithm",
    reason: `sseAlgorithm must be ${ALGORITHMS}`,
  },
  {
    title: "an injection as algorithm",
    args: { ...ok, sseAlgorithm: "KMS; DROP TABLE rules" },
    property: "sseAlgorithm",
    reason: `sseAlgorithm must be ${ALGORITHMS}`,
  },
  {
    title: "a 500-character algorithm",
    args: { ...ok, sseAlgorithm: "K".repeat(500) },
    property: "sseAlgorithm",
    reason: `sseAlgorithm must be ${ALGORITHMS}`,
  },
  // kmsMasterKeyId
  {
    title: "a key id beside AES256",
    args: { ...ok, kmsMasterKeyId: "key-1" },
    property: "kmsMasterKeyId",
    reason: KMS_ONLY("kmsMasterKeyId"),
  },
  {
    title: "a key id beside SM4",
    args: { ...ok, sseAlgorithm: "sm4", kmsMasterKeyId: "key-1" },
    property: "kmsMasterKeyId",
    reason: KMS_ONLY("kmsMasterKeyId"),
  },
  {
    title: "XML injected in the key id",
    args: { ...kms, kmsMasterKeyId: "</KMSMasterKeyID><SSEAlgorithm>AES256" },
    property: "kmsMasterKeyId",
    reason: KEY_ID_RULE,
  },
  {
    title: "a key id with a space",
    args: { ...kms, kmsMasterKeyId: "key 1" },
    property: "kmsMasterKeyId",
    reason: KEY_ID_RULE,
  },
  {
    title: "a 257-character key id",
    args: { ...kms, kmsMasterKeyId: "k".repeat(257) },
    property: "kmsMasterKeyId",
    reason: KEY_ID_RULE,
  },
  {
    title: "a key id starting with a hyphen",
    args: { ...kms, kmsMasterKeyId: "-key" },
    property: "kmsMasterKeyId",
    reason: KEY_ID_RULE,
  },
  {
    title: "a non-ASCII key id",
    args: { ...kms, kmsMasterKeyId: "ключ" },
    property: "kmsMasterKeyId",
    reason: KEY_ID_RULE,
  },
  {
    title: "a numeric key id",
    args: { ...kms, kmsMasterKeyId: 123 },
    property: "kmsMasterKeyId",
    reason: "kmsMasterKeyId must be a string: a KMS key id; got number",
  },
  // kmsDataEncryption
  {
    title: "AES256 data encryption",
    args: { ...kms, kmsDataEncryption: "AES256" },
    property: "kmsDataEncryption",
    reason: "kmsDataEncryption must be one of SM4 (any letter case)",
  },
  {
    title: "data encryption beside AES256",
    args: { ...ok, kmsDataEncryption: "SM4" },
    property: "kmsDataEncryption",
    reason: KMS_ONLY("kmsDataEncryption"),
  },
  {
    title: "data encryption beside SM4",
    args: { ...ok, sseAlgorithm: "SM4", kmsDataEncryption: "sm4" },
    property: "kmsDataEncryption",
    reason: KMS_ONLY("kmsDataEncryption"),
  },
  {
    title: "a boolean data encryption",
    args: { ...kms, kmsDataEncryption: true },
    property: "kmsDataEncryption",
    reason: "kmsDataEncryption must be a string: one of SM4 (any letter case); got boolean",
  },
  // region
  {
    title: "a region name",
    args: { ...ok, region: "Hangzhou" },
    property: "region",
    reason: "region must be a region id such as cn-hangzhou or ap-southeast-1",
  },
  {
    title: "a region with an underscore",
    args: { ...ok, region: "cn_hangzhou" },
    property: "region",
    reason: "region must be a region id such as cn-hangzhou or ap-southeast-1",
  },
  {
    title: "a numeric region",
    args: { ...ok, region: 42 },
    property: "region",
    reason: "region must be a string: a region id such as cn-hangzhou; got number",
  },
  // endpoint: reported without the value, which may hold credentials
  {
    title: "an endpoint without a scheme",
    args: { ...ok, endpoint: "oss-cn-hangzhou.aliyuncs.com" },
    property: undefined,
    reason: SCHEME,
  },
  {
    title: "an ftp endpoint with credentials",
    args: { ...ok, endpoint: "ftp://LTAIuser:hunter2@127.0.0.1" },
    property: undefined,
    reason: SCHEME,
  },
  {
    title: "a javascript: endpoint",
    args: { ...ok, endpoint: "javascript:alert(1)" },
    property: undefined,
    reason: SCHEME,
  },
  {
    title: "an endpoint with credentials",
    args: { ...ok, endpoint: "http://LTAIuser:hunter2@127.0.0.1:9000" },
    property: undefined,
    reason:
      "endpoint must not contain a user name or password; give credentials through the environment (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET) or provider config (alicloud:accessKey and alicloud:secretKey, ossencryption:accessKey and ossencryption:secretKey)",
  },
  {
    title: "an endpoint with a path",
    args: { ...ok, endpoint: "http://127.0.0.1:9000/bucket" },
    property: undefined,
    reason:
      "endpoint must be a bare origin (scheme, host and optional port) without a path, query or fragment",
  },
  // settings
  {
    title: "signature version v2",
    args: { ...ok, signatureVersion: "v2" },
    property: "signatureVersion",
    reason: 'signatureVersion must be one of "v4", "v1"',
  },
  {
    title: "a numeric signature version",
    args: { ...ok, signatureVersion: 4 },
    property: "signatureVersion",
    reason: 'signatureVersion must be a string: "v4" or "v1"; got number',
  },
  {
    title: "onExisting skip",
    args: { ...ok, onExisting: "skip" },
    property: "onExisting",
    reason: 'onExisting must be one of "overwrite", "fail"',
  },
  {
    title: "onDelete keep",
    args: { ...ok, onDelete: "keep" },
    property: "onDelete",
    reason: 'onDelete must be one of "remove", "restore"',
  },
  // unknown properties
  {
    title: "a misspelt property",
    args: { ...kms, kmsMasterKeyID: "key-1" },
    property: "kmsMasterKeyID",
    reason: `unknown property "kmsMasterKeyID"; ${ALLOWED}`,
  },
  {
    title: "a property of another resource",
    args: { ...ok, acl: "private" },
    property: "acl",
    reason: `unknown property "acl"; ${ALLOWED}`,
  },
  // values not known yet beside invalid ones
  {
    title: "an unknown bucket beside an invalid algorithm",
    args: { bucket: "other-bucket", bucketAfter: "source", sseAlgorithm: "RSA" },
    property: "sseAlgorithm",
    reason: `sseAlgorithm must be ${ALGORITHMS}`,
  },
  {
    title: "an unknown key id beside an invalid bucket",
    args: { bucket: "UPPER", sseAlgorithm: "KMS", kmsMasterKeyId: "key-1", keyIdAfter: "source" },
    property: "bucket",
    reason: CHARACTERS,
  },
  {
    title: "an unknown bucket beside invalid data encryption",
    args: {
      bucket: "other-bucket",
      bucketAfter: "source",
      sseAlgorithm: "KMS",
      kmsDataEncryption: "AES256",
    },
    property: "kmsDataEncryption",
    reason: "kmsDataEncryption must be one of SM4 (any letter case)",
  },
  {
    title: "an unknown key id beside an invalid onDelete",
    args: { ...kms, keyIdAfter: "source", onDelete: "forget" },
    property: "onDelete",
    reason: 'onDelete must be one of "remove", "restore"',
  },
];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

let oss: OssEmulator;

beforeAll(async () => {
  oss = await startOssEmulator();
});

afterAll(async () => {
  await oss.close();
});

it(`the corpus holds at least 40 invalid inputs (${CORPUS.length})`, () => {
  expect(CORPUS.length).toBeGreaterThanOrEqual(40);
});

it.concurrent.each(CORPUS.map((entry) => [entry.title, entry] as const))(
  "%s fails the preview with its property named, and no request is sent",
  async (_title, { args, property, reason }) => {
    const resources = [
      { name: "source", bucket: "source-bucket", sseAlgorithm: "AES256" },
      { name: "bad", ...args },
    ];
    const test = await createTestStack({
      program: "tests/e2e/program",
      config: { ...emulatorConfig(oss), ...resourcesConfig(resources) },
    });
    try {
      const failure = await test.stack
        .preview({ onOutput: test.onOutput })
        .catch((error: unknown) => error);
      const output = String(failure);
      const resource = "error: pulumi-nodejs:dynamic/oss:BucketEncryption resource 'bad'";
      expect(output).toMatch(
        new RegExp(
          property === undefined
            ? `${escapeRegExp(resource)} has a problem: ${escapeRegExp(reason)}`
            : `${escapeRegExp(resource)}: property ${escapeRegExp(property)} value .* has a problem: ${escapeRegExp(reason)}`,
        ),
      );
      expect(output).not.toContain("hunter2");
      expect(oss.counts()).toStrictEqual({});
    } finally {
      test.cleanup();
    }
  },
);
