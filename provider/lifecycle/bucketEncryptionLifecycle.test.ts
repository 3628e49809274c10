import { InMemoryOss } from "../../tests/support/inMemoryOss";
import type { Clock } from "../oss/retry";
import type { DeclaringResource } from "../core/deploymentBuckets";
import { UNKNOWN_VALUE } from "../core/inputs";
import type { ResourceLog } from "../resourceLog";
import { BucketEncryptionLifecycle } from "./bucketEncryptionLifecycle";
import {
  DeclarationsUnavailableError,
  type DeploymentDeclarations,
} from "./deploymentDeclarations";

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
  providerName: "ossencryption plugin",
} as const;

/**
 * What the deployment's other provider processes declare, as a table; it can be made
 * unavailable, and it has a warning to give about a skipped entry.
 */
class FakeDeclarations implements DeploymentDeclarations {
  readonly elsewhere = new Map<string, DeclaringResource>();
  readonly declared: string[] = [];
  unavailable: string | undefined;
  warning: string | undefined;
  unread: string[] = [];

  declare(bucket: string): void {
    if (this.unavailable !== undefined) {
      throw new DeclarationsUnavailableError(this.unavailable);
    }
    this.declared.push(bucket);
  }

  declaredElsewhere(bucket: string, warn: (message: string) => void) {
    if (this.unavailable !== undefined) {
      throw new DeclarationsUnavailableError(this.unavailable);
    }
    if (this.warning !== undefined) {
      warn(this.warning);
    }
    return { resource: this.elsewhere.get(bucket), unread: this.unread };
  }

  close(): void {
    this.declared.length = 0;
  }
}

const DYNAMIC: DeclaringResource = {
  urn: "urn:pulumi:test::project::pulumi-nodejs:dynamic/oss:BucketEncryption::logs",
  name: "logs",
  provider: "dynamic provider",
};

/** A log that keeps its messages, each with its severity. */
function recordingLog(): ResourceLog & { readonly messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    info: (message) => Promise.resolve(void messages.push(`info: ${message}`)),
    warn: (message) => Promise.resolve(void messages.push(`warning: ${message}`)),
  };
}

const STORED = {
  bucket: "logs",
  sseAlgorithm: "KMS",
  kmsMasterKeyId: "key-1",
  signatureVersion: "v4",
  onExisting: "overwrite",
  onDelete: "remove",
};

function setUp() {
  const oss = new InMemoryOss().withBuckets("logs");
  const declarations = new FakeDeclarations();
  const lifecycle = new BucketEncryptionLifecycle(PROVIDER_SETTINGS, {
    openStore: oss.openStore,
    env: {},
    clock: NO_WAIT_CLOCK,
    declarations,
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
  return { oss, lifecycle, declarations };
}

/** A plugin resource of the stack `test`, as the plugin passes it to `check`. */
function resource(name: string) {
  return { urn: `urn:pulumi:test::project::ossencryption:index:BucketEncryption::${name}`, name };
}

describe("BucketEncryptionLifecycle.check with resource names", () => {
  it("refuses a second resource that declares the same bucket, naming both", async () => {
    const { lifecycle } = setUp();
    const news = { bucket: "logs", sseAlgorithm: "AES256" };
    const log = recordingLog();
    expect((await lifecycle.check({}, news, resource("first"), log)).ok).toBe(true);
    expect((await lifecycle.check({}, news, resource("first"), log)).ok).toBe(true);
    expect(await lifecycle.check({}, news, resource("second"), log)).toStrictEqual({
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
  it("refuses a resource whose bucket a resource of another process declares, naming both providers", async () => {
    const { lifecycle, declarations } = setUp();
    declarations.elsewhere.set("logs", DYNAMIC);
    expect(
      await lifecycle.check(
        {},
        { bucket: "logs", sseAlgorithm: "AES256" },
        resource("audit"),
        recordingLog(),
      ),
    ).toStrictEqual({
      ok: false,
      failures: [
        {
          property: "bucket",
          reason:
            'BucketEncryption "audit" of the ossencryption plugin declares bucket "logs", which BucketEncryption "logs" of the dynamic provider already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).',
        },
      ],
    });
  });

  it("tells the other processes before it looks, and passes on their warnings", async () => {
    const { lifecycle, declarations } = setUp();
    declarations.warning = "Skipped line 2 of a file";
    const log = recordingLog();
    const outcome = await lifecycle.check(
      {},
      { bucket: "logs", sseAlgorithm: "AES256" },
      resource("logs"),
      log,
    );
    expect([outcome.ok, declarations.declared, log.messages]).toStrictEqual([
      true,
      ["logs"],
      ["warning: Skipped line 2 of a file"],
    ]);
  });

  it("fails a check, naming the folder, when the other processes cannot be told", async () => {
    const { lifecycle, declarations } = setUp();
    declarations.unavailable =
      "Cannot write to /home/u/.pulumi/ossencryption-deployments: it is a file";
    expect(
      await lifecycle.check(
        {},
        { bucket: "logs", sseAlgorithm: "AES256" },
        resource("logs"),
        recordingLog(),
      ),
    ).toStrictEqual({
      ok: false,
      failures: [
        {
          property: "",
          reason: "Cannot write to /home/u/.pulumi/ossencryption-deployments: it is a file",
        },
      ],
    });
  });

  it("leaves the rule, sending nothing, when a resource of another process now declares the bucket", async () => {
    const { oss, lifecycle, declarations } = setUp();
    const rule = { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" } as const;
    oss.buckets.set("logs", rule);
    declarations.elsewhere.set("logs", DYNAMIC);
    const log = recordingLog();
    await lifecycle.delete("logs", STORED, log);
    expect([oss.buckets.get("logs"), oss.operations(), log.messages]).toStrictEqual([
      rule,
      [],
      [
        'info: Bucket "logs": its rule is left in place for the resource of this deployment that now declares the bucket.',
      ],
    ]);
  });

  it("leaves the rule with a warning when some of the other processes' declarations could not be read", async () => {
    const { oss, lifecycle, declarations } = setUp();
    const rule = { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" } as const;
    oss.buckets.set("logs", rule);
    declarations.unread = ["line 2 of a.jsonl (it is not a declaration)"];
    const log = recordingLog();
    await lifecycle.delete("logs", STORED, log);
    expect([oss.buckets.get("logs"), oss.operations(), log.messages]).toStrictEqual([
      rule,
      [],
      [
        'warning: Bucket "logs": its rule is left in place, because some of this deployment\'s declarations could not be read (line 2 of a.jsonl (it is not a declaration)), and one of them may declare the bucket. If no resource declares the bucket, remove its rule by hand.',
      ],
    ]);
  });

  it("leaves the rule with a warning saying why and what to do when the other processes cannot be consulted", async () => {
    const { oss, lifecycle, declarations } = setUp();
    const rule = { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" } as const;
    oss.buckets.set("logs", rule);
    declarations.unavailable = "Cannot read /p: it is a file.";
    const log = recordingLog();
    await lifecycle.delete("logs", STORED, log);
    expect([oss.buckets.get("logs"), oss.operations(), log.messages]).toStrictEqual([
      rule,
      [],
      [
        'warning: Bucket "logs": its rule is left in place, because whether another resource of this deployment now declares the bucket is unknown. Cannot read /p: it is a file. If no resource declares the bucket, remove its rule by hand.',
      ],
    ]);
  });
});

describe("BucketEncryptionLifecycle refuses properties no check produced", () => {
  it.each([
    [
      "a create of a bucket not known yet",
      (lifecycle: BucketEncryptionLifecycle) =>
        lifecycle.create({ bucket: UNKNOWN_VALUE, sseAlgorithm: "AES256" }, recordingLog()),
      "Create was given properties that are not valid: bucket is not known yet; only a preview may leave an input unknown.",
    ],
    [
      "a create of an invalid bucket",
      (lifecycle: BucketEncryptionLifecycle) =>
        lifecycle.create({ bucket: "x".repeat(100_000), sseAlgorithm: "AES256" }, recordingLog()),
      "Create was given properties that are not valid: bucket must be 3 to 63 characters long; got 100000.",
    ],
    [
      "an update to a KMS-only property beside AES256",
      (lifecycle: BucketEncryptionLifecycle) =>
        lifecycle.update("logs", STORED, { ...STORED, sseAlgorithm: "AES256" }),
      "Update was given properties that are not valid: kmsMasterKeyId applies only when sseAlgorithm is KMS; remove it or set sseAlgorithm to KMS.",
    ],
    [
      "a delete whose id is not the bucket its state records",
      (lifecycle: BucketEncryptionLifecycle) => lifecycle.delete("audit", STORED, recordingLog()),
      "Delete was given properties that are not valid: the resource id must be the bucket its state records.",
    ],
    [
      "a delete of a state with an invalid prior rule",
      (lifecycle: BucketEncryptionLifecycle) =>
        lifecycle.delete("logs", { ...STORED, priorRule: { sseAlgorithm: "DES" } }, recordingLog()),
      "Delete was given properties that are not valid: sseAlgorithm must be one of AES256, KMS, SM4 (any letter case).",
    ],
    [
      "a read of a state with an invalid location",
      (lifecycle: BucketEncryptionLifecycle) =>
        lifecycle.read("logs", {
          ...STORED,
          location: { region: "cn-hangzhou", endpoint: "file:///etc" },
        }),
      "Read was given properties that are not valid: endpoint must be an http:// or https:// URL such as https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000.",
    ],
  ])("refuses %s, sending nothing", async (_case, operation, message) => {
    const { oss, lifecycle } = setUp();
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    await expect(operation(lifecycle)).rejects.toThrow(message);
    expect(oss.operations()).toStrictEqual([]);
  });
});
