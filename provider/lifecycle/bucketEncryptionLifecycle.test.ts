import { InMemoryOss } from "../../tests/support/inMemoryOss";
import type { Clock } from "../oss/retry";
import type { Declarer } from "../core/deploymentBuckets";
import { BucketEncryptionLifecycle } from "./bucketEncryptionLifecycle";
import type { DeploymentPeers } from "./deploymentPeers";

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
  frontEnd: "ossencryption plugin",
};

/** The other provider processes of the deployment, as a table of what each declares. */
class FakePeers implements DeploymentPeers {
  readonly declared = new Map<string, Declarer>();
  publish(): void {
    // What this process declares does not concern its own checks.
  }
  declarerOf(bucket: string): Declarer | undefined {
    return this.declared.get(bucket);
  }
}

const DYNAMIC: Declarer = { id: "dynamic provider", frontEnd: "dynamic provider" };

function setUp() {
  const oss = new InMemoryOss().withBuckets("logs");
  const peers = new FakePeers();
  const lifecycle = new BucketEncryptionLifecycle(PROVIDER_SETTINGS, {
    openStore: oss.openStore,
    env: {},
    clock: NO_WAIT_CLOCK,
    peers,
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
  return { oss, lifecycle, peers };
}

/** A plugin resource of the stack `test`, as the plugin passes it to `check`. */
function declarer(name: string) {
  return {
    id: `urn:pulumi:test::project::ossencryption:index:BucketEncryption::${name}`,
    name,
    frontEnd: "ossencryption plugin",
  };
}

describe("BucketEncryptionLifecycle.check with resource names", () => {
  it("refuses a second resource that declares the same bucket, naming both", () => {
    const { lifecycle } = setUp();
    const news = { bucket: "logs", sseAlgorithm: "AES256" };
    expect(lifecycle.check({}, news, declarer("first")).ok).toBe(true);
    expect(lifecycle.check({}, news, declarer("first")).ok).toBe(true);
    expect(lifecycle.check({}, news, declarer("second"))).toStrictEqual({
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

describe("BucketEncryptionLifecycle with the deployment's other provider processes", () => {
  it("refuses a resource whose bucket a resource of another process declares, naming both front-ends", () => {
    const { lifecycle, peers } = setUp();
    peers.declared.set("logs", DYNAMIC);
    expect(
      lifecycle.check({}, { bucket: "logs", sseAlgorithm: "AES256" }, declarer("logs")),
    ).toStrictEqual({
      ok: false,
      failures: [
        {
          property: "bucket",
          reason:
            'BucketEncryption "logs" of the ossencryption plugin declares bucket "logs", which a BucketEncryption of the dynamic provider already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).',
        },
      ],
    });
  });

  it("leaves the rule, sending nothing, when a resource of another process now declares the bucket", async () => {
    const { oss, lifecycle, peers } = setUp();
    const rule = { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" } as const;
    oss.buckets.set("logs", rule);
    peers.declared.set("logs", declarer("logs"));
    const messages: string[] = [];
    const log = {
      info: (message: string) => Promise.resolve(void messages.push(message)),
      warn: (message: string) => Promise.resolve(void messages.push(message)),
    };
    await lifecycle.delete(
      "logs",
      {
        bucket: "logs",
        ...rule,
        signatureVersion: "v4",
        onExisting: "overwrite",
        onDelete: "remove",
      },
      log,
    );
    expect([oss.buckets.get("logs"), oss.operations(), messages]).toStrictEqual([
      rule,
      [],
      [
        'Bucket "logs": its rule is left in place for the resource of this deployment that now declares the bucket.',
      ],
    ]);
  });
});
