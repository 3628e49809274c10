import { InMemoryOss } from "../../tests/support/inMemoryOss";
import type { Clock } from "../oss/retry";
import { BucketEncryptionLifecycle } from "./bucketEncryptionLifecycle";

const NO_WAIT_CLOCK: Clock = { now: () => 0, sleep: () => Promise.resolve(), random: () => 0 };

const PROVIDER_SETTINGS = {
  keys: {
    kind: "provider config",
    accessKeyId: "ossencryption:accessKey",
    accessKeySecret: "ossencryption:secretKey",
    securityToken: "ossencryption:securityToken",
    region: "ossencryption:region",
    endpoint: "ossencryption:endpoint",
  },
  tuningNamespace: "ossencryption",
};

function setUp() {
  const oss = new InMemoryOss().withBuckets("logs");
  const lifecycle = new BucketEncryptionLifecycle(PROVIDER_SETTINGS, {
    openStore: oss.openStore,
    env: {},
    clock: NO_WAIT_CLOCK,
  });
  lifecycle.configure(
    (key) =>
      ({
        "ossencryption:accessKey": "id",
        "ossencryption:secretKey": "secret",
        "ossencryption:region": "cn-qingdao",
        "ossencryption:endpoint": "http://127.0.0.1:9000",
      })[key],
  );
  return { oss, lifecycle };
}

describe("BucketEncryptionLifecycle.check with resource names", () => {
  it("refuses a second resource that declares the same bucket, naming both", () => {
    const { lifecycle } = setUp();
    const news = { bucket: "logs", sseAlgorithm: "AES256" };
    expect(lifecycle.check({}, news, 'BucketEncryption "first"').ok).toBe(true);
    expect(lifecycle.check({}, news, 'BucketEncryption "first"').ok).toBe(true);
    expect(lifecycle.check({}, news, 'BucketEncryption "second"')).toStrictEqual({
      ok: false,
      failures: [
        {
          property: "bucket",
          reason:
            'BucketEncryption "second" declares bucket "logs", which BucketEncryption "first" already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).',
        },
      ],
    });
  });
});

describe("BucketEncryptionLifecycle.read without stored state (an import)", () => {
  it("adopts the bucket's rule with default settings and the configured location, reading only", async () => {
    const { oss, lifecycle } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    await expect(lifecycle.read("logs")).resolves.toStrictEqual({
      found: true,
      outputs: {
        bucket: "logs",
        sseAlgorithm: "KMS",
        kmsMasterKeyId: "key-1",
        signatureVersion: "v4",
        onExisting: "overwrite",
        onDelete: "remove",
        location: { region: "cn-qingdao", endpoint: "http://127.0.0.1:9000" },
      },
      inputs: {
        bucket: "logs",
        sseAlgorithm: "KMS",
        kmsMasterKeyId: "key-1",
        signatureVersion: "v4",
        onExisting: "overwrite",
        onDelete: "remove",
      },
    });
    expect(oss.operations()).toStrictEqual(["GetBucketEncryption"]);
  });

  it("finds nothing to import in a bucket without a rule", async () => {
    const { lifecycle } = setUp();
    await expect(lifecycle.read("logs")).resolves.toStrictEqual({ found: false });
  });
});
