/**
 * The resource's identity is its bucket, and a bucket holds one rule. Through the real engine:
 * replaces on the same bucket (forced, and by replaceOnChanges) with either delete order, two
 * resources declaring one bucket, a delete that OSS answers with NoSuchServerSideEncryptionRule,
 * the location recorded at create, and key ids given as secrets. Each ends with OSS holding the
 * declared rule and the state agreeing with it.
 */
import type { OssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import {
  BUCKET_ENCRYPTION_TYPE,
  createTestStack,
  emulatorConfig,
  startEmulatorWithBuckets,
  type StateResource,
  type TestStack,
} from "../support/pulumiStack";
import { secretOutput } from "../support/stackState";

jest.setTimeout(240_000);

let oss: OssEmulator;
let test: TestStack;

interface Spec {
  name: string;
  bucket?: string;
  sseAlgorithm: string;
  kmsMasterKeyId?: string;
  onExisting?: string;
  onDelete?: string;
  deleteBeforeReplace?: boolean;
  replaceOnChanges?: string[];
  secretArgs?: string[];
  retainOnDelete?: boolean;
  bucketAfter?: string;
  parentType?: string;
}

async function declare(...resources: Spec[]): Promise<void> {
  await test.stack.setConfig("resources", { value: JSON.stringify(resources) });
}

async function only(): Promise<StateResource> {
  const resources = await test.bucketEncryptions();
  expect(resources.map((resource) => resource.id)).toStrictEqual(["logs"]);
  return resources[0] as StateResource;
}

/** Passes when a refresh would change nothing: OSS and the state agree. */
async function expectRefreshFindsNoChanges(): Promise<void> {
  await expect(
    test.stack.previewRefresh({ expectNoChanges: true, onOutput: test.onOutput }),
  ).resolves.toBeDefined();
}

function failureOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "no failure",
    (error: unknown) => String(error),
  );
}

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(["logs", "audit"]);
  test = await createTestStack({ program: "tests/e2e/program", config: emulatorConfig(oss) });
});

afterEach(async () => {
  await oss.close();
  test.cleanup();
});

describe("a forced replace of the same bucket (pulumi up --replace)", () => {
  it.each([
    ["the engine's default (create, then delete)", {}],
    ["deleteBeforeReplace: true", { deleteBeforeReplace: true }],
    ["deleteBeforeReplace: false", { deleteBeforeReplace: false }],
  ])("with %s leaves the declared rule on OSS and the state agreeing", async (_case, options) => {
    const spec = { name: "logs", bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" };
    await declare({ ...spec, ...options });
    await test.stack.up({ onOutput: test.onOutput });
    const { urn } = await only();
    oss.clearRequests();
    const replaced = await test.stack.up({ replace: [urn], onOutput: test.onOutput });
    expect(replaced.summary.resourceChanges).toStrictEqual({ same: 1, replace: 1 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
    });
    expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 1 });
    expect(test.output.join("")).toContain(
      'Bucket "logs": its rule is left in place for the resource of this deployment that now declares the bucket.',
    );
    expect((await only()).outputs).toMatchObject({ sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    await expectRefreshFindsNoChanges();
  });

  it("with a target (pulumi up --target-replace) leaves the rule too", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "SM4" });
    await test.stack.up({ onOutput: test.onOutput });
    const { urn } = await only();
    const replaced = await test.stack.up({
      target: [urn],
      replace: [urn],
      onOutput: test.onOutput,
    });
    expect(replaced.summary.resourceChanges).toMatchObject({ replace: 1 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
    await expectRefreshFindsNoChanges();
  });

  it("with deleteBeforeReplace keeps the rule found before Pulumi, which destroy then restores", async () => {
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    await declare({
      name: "logs",
      bucket: "logs",
      sseAlgorithm: "KMS",
      onDelete: "restore",
      deleteBeforeReplace: true,
    });
    await test.stack.up({ onOutput: test.onOutput });
    const { urn } = await only();
    await test.stack.up({ replace: [urn], onOutput: test.onOutput });
    expect(secretOutput((await only()).outputs.priorRule)).toStrictEqual({
      secret: { sseAlgorithm: "SM4" },
    });
    await test.stack.destroy({ onOutput: test.onOutput });
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
  });
});

describe("replaceOnChanges", () => {
  it.each([
    ["the provider's order (delete first)", {}],
    ["deleteBeforeReplace: false (create first)", { deleteBeforeReplace: false }],
  ])(
    "on sseAlgorithm replaces the resource with %s, and OSS holds the new rule",
    async (_case, options) => {
      const spec = { name: "logs", bucket: "logs", replaceOnChanges: ["sseAlgorithm"], ...options };
      await declare({ ...spec, sseAlgorithm: "AES256", onExisting: "fail" });
      await test.stack.up({ onOutput: test.onOutput });
      await declare({ ...spec, sseAlgorithm: "KMS", kmsMasterKeyId: "key-1", onExisting: "fail" });
      const preview = await test.stack.preview({ onOutput: test.onOutput });
      expect(preview.changeSummary).toStrictEqual({ same: 1, replace: 1 });
      const result = await test.stack.up({ onOutput: test.onOutput });
      expect(result.summary.resourceChanges).toStrictEqual({ same: 1, replace: 1 });
      expect(oss.bucket("logs")?.rule).toStrictEqual({
        sseAlgorithm: "KMS",
        kmsMasterKeyId: "key-1",
      });
      await expectRefreshFindsNoChanges();
    },
  );

  it("on another property leaves a change of the rule an update in place", async () => {
    const spec = { name: "logs", bucket: "logs", replaceOnChanges: ["onDelete"] };
    await declare({ ...spec, sseAlgorithm: "AES256" });
    await test.stack.up({ onOutput: test.onOutput });
    await declare({ ...spec, sseAlgorithm: "SM4" });
    const result = await test.stack.up({ onOutput: test.onOutput });
    expect(result.summary.resourceChanges).toStrictEqual({ same: 1, update: 1 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
  });
});

describe("two resources that declare one bucket", () => {
  it("fail the preview before any request, naming both resources", async () => {
    await declare(
      { name: "first", bucket: "logs", sseAlgorithm: "KMS" },
      { name: "second", bucket: "logs", sseAlgorithm: "AES256" },
    );
    const failure = await failureOf(test.stack.preview({ onOutput: test.onOutput }));
    expect(failure).toContain(
      'BucketEncryption "second" declares bucket "logs", which BucketEncryption "first" already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).',
    );
    expect(oss.counts()).toStrictEqual({});
  });

  it("fail the up when a bucket known only then turns out to be declared already", async () => {
    await declare(
      { name: "first", bucket: "logs", sseAlgorithm: "KMS" },
      { name: "second", bucket: "logs", bucketAfter: "first", sseAlgorithm: "AES256" },
    );
    const failure = await failureOf(test.stack.up({ onOutput: test.onOutput }));
    expect(failure).toContain(
      'BucketEncryption "second" declares bucket "logs", which BucketEncryption "first" already declares',
    );
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "KMS" });
    expect((await test.bucketEncryptions()).map((resource) => resource.urn)).toStrictEqual([
      expect.stringMatching(/::first$/),
    ]);
  });

  it("fail the preview when they are children of the same name under two components, naming both by URN", async () => {
    await declare(
      { name: "encryption", bucket: "logs", sseAlgorithm: "KMS", parentType: "acme:index:Logs" },
      { name: "encryption", bucket: "logs", sseAlgorithm: "SM4", parentType: "acme:index:Archive" },
    );
    const failure = await failureOf(test.stack.preview({ onOutput: test.onOutput }));
    const urn = (parent: string) =>
      `urn:pulumi:test::bucket-encryption-e2e::acme:index:${parent}$pulumi-nodejs:dynamic/oss:BucketEncryption::encryption`;
    // Whichever of the two registers second is refused.
    expect([
      failure.includes(
        `BucketEncryption ${urn("Archive")} declares bucket "logs", which BucketEncryption ${urn("Logs")} already declares`,
      ),
      failure.includes(
        `BucketEncryption ${urn("Logs")} declares bucket "logs", which BucketEncryption ${urn("Archive")} already declares`,
      ),
    ]).toContain(true);
    expect(oss.counts()).toStrictEqual({});
  });

  it("but a rename without an alias moves the rule to the new resource without a gap", async () => {
    await declare({ name: "old-name", bucket: "logs", sseAlgorithm: "KMS" });
    await test.stack.up({ onOutput: test.onOutput });
    await declare({ name: "new-name", bucket: "logs", sseAlgorithm: "KMS" });
    oss.clearRequests();
    const result = await test.stack.up({ onOutput: test.onOutput });
    expect(result.summary.resourceChanges).toStrictEqual({ same: 1, create: 1, delete: 1 });
    expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 1 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "KMS" });
    await expectRefreshFindsNoChanges();
  });
});

describe("moving a bucket's rule to another stack", () => {
  it("adopt it there with onExisting fail, then drop it here with retainOnDelete: no write, no gap", async () => {
    const spec = { name: "logs", bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" };
    await declare(spec);
    await test.stack.up({ onOutput: test.onOutput });
    const target = await createTestStack({
      program: "tests/e2e/program",
      config: emulatorConfig(oss),
    });
    try {
      oss.clearRequests();
      await target.stack.setConfig("resources", {
        value: JSON.stringify([{ ...spec, onExisting: "fail" }]),
      });
      await target.stack.up({ onOutput: target.onOutput });
      await declare({ ...spec, retainOnDelete: true });
      await test.stack.up({ onOutput: test.onOutput });
      await declare();
      await test.stack.up({ onOutput: test.onOutput });
      expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 1 });
      expect(await test.bucketEncryptions()).toStrictEqual([]);
      expect((await target.bucketEncryptions()).map((resource) => resource.id)).toStrictEqual([
        "logs",
      ]);
      expect(oss.bucket("logs")?.rule).toStrictEqual({
        sseAlgorithm: "KMS",
        kmsMasterKeyId: "key-1",
      });
    } finally {
      target.cleanup();
    }
  });
});

describe("destroy", () => {
  it("succeeds when OSS answers the delete with 404 NoSuchServerSideEncryptionRule", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "AES256" });
    await test.stack.up({ onOutput: test.onOutput });
    oss.faults.failNext("DeleteBucketEncryption", 1, "NoSuchServerSideEncryptionRule", {
      status: 404,
    });
    oss.clearRequests();
    const result = await test.stack.destroy({ onOutput: test.onOutput });
    expect(result.summary.resourceChanges).toStrictEqual({ delete: 2 });
    expect(oss.requests().map(({ operation, status }) => [operation, status])).toStrictEqual([
      ["GetBucketEncryption", 200],
      ["DeleteBucketEncryption", 404],
    ]);
    expect(await test.bucketEncryptions()).toStrictEqual([]);
  });

  it("leaves a rule that another stack (or a person) set since, with a warning", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "ours" });
    await test.stack.up({ onOutput: test.onOutput });
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", {
      SSEAlgorithm: "KMS",
      KMSMasterKeyID: "theirs",
    });
    await test.stack.destroy({ onOutput: test.onOutput });
    expect(oss.bucket("logs")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "theirs",
    });
    expect(test.output.join("")).toContain(
      'Bucket "logs" holds a default encryption rule (KMS with a customer master key) with a key id other than the one this resource set\'s; it was changed outside this resource, so it is left in place.',
    );
  });
});

describe("the location recorded at create", () => {
  /** The stack config of `emulatorConfig` without the region, which the environment gives. */
  async function regionFromEnvironment(): Promise<void> {
    await test.stack.removeConfig("alicloud:region");
    workspaceEnv().ALIBABA_CLOUD_REGION = "cn-hangzhou";
  }

  function workspaceEnv(): Record<string, string> {
    return test.stack.workspace.envVars;
  }

  it.each([
    [
      "ALIBABA_CLOUD_REGION",
      regionFromEnvironment,
      () => {
        workspaceEnv().ALIBABA_CLOUD_REGION = "cn-shanghai";
        return Promise.resolve();
      },
    ],
    [
      "alicloud:region (and an up that configures the provider with it)",
      () => Promise.resolve(),
      async () => {
        await test.stack.setConfig("alicloud:region", { value: "cn-shanghai" });
        const result = await test.stack.up({ onOutput: test.onOutput });
        expect(result.summary.resourceChanges).toMatchObject({ same: 2 });
      },
    ],
  ])(
    "keeps refresh and destroy on the bucket's region after %s changes, with no diff",
    async (_case, setUp, changeRegion) => {
      await setUp();
      await declare({ name: "logs", bucket: "logs", sseAlgorithm: "SM4" });
      await test.stack.up({ onOutput: test.onOutput });
      expect((await only()).outputs.location).toStrictEqual({
        region: "cn-hangzhou",
        endpoint: oss.endpoint,
      });
      await changeRegion();
      oss.clearRequests();
      const preview = await test.stack.preview({ onOutput: test.onOutput });
      expect(preview.changeSummary).toStrictEqual({ same: 2 });
      await expectRefreshFindsNoChanges();
      await test.stack.destroy({ onOutput: test.onOutput });
      expect(oss.bucket("logs")?.rule).toBeUndefined();
      expect(oss.requests().filter((record) => record.status >= 400)).toStrictEqual([]);
    },
  );

  it("signs for the region the config names now when a state has no location recorded, and records one at the next update", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "SM4" });
    await test.stack.up({ onOutput: test.onOutput });
    const exported = await test.stack.exportStack();
    const deployment = exported.deployment as { resources: StateResource[] };
    for (const resource of deployment.resources) {
      if (resource.type === BUCKET_ENCRYPTION_TYPE) {
        delete resource.outputs.location;
      }
    }
    await test.stack.importStack(exported);
    await expectRefreshFindsNoChanges();
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "SM4", onDelete: "restore" });
    await test.stack.up({ onOutput: test.onOutput });
    expect((await only()).outputs.location).toStrictEqual({
      region: "cn-hangzhou",
      endpoint: oss.endpoint,
    });
  });
});

describe("a key id given as a secret", () => {
  const SECRET_KEY_ID = "secret-key-id-3f9c";

  it("is secret in kmsMasterKeyId and priorRule, and no log line or state file shows it", async () => {
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", {
      SSEAlgorithm: "KMS",
      KMSMasterKeyID: SECRET_KEY_ID,
    });
    await declare({
      name: "logs",
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: SECRET_KEY_ID,
      kmsDataEncryption: "SM4",
      secretArgs: ["kmsMasterKeyId"],
    } as Spec);
    await test.stack.up({ onOutput: test.onOutput });
    const { outputs } = await only();
    expect(outputs.kmsMasterKeyId).toMatchObject({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    });
    expect(outputs.priorRule).toMatchObject({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    });
    expect(test.output.join("")).toContain("replaced the default encryption rule");
    await test.stack.refresh({ onOutput: test.onOutput });
    await test.stack.destroy({ onOutput: test.onOutput });
    expect(test.output.join("")).not.toContain(SECRET_KEY_ID);
    expect(test.stateFileText()).not.toContain(SECRET_KEY_ID);
  });

  it("is not printed by the error of onExisting fail", async () => {
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", {
      SSEAlgorithm: "KMS",
      KMSMasterKeyID: "other-key",
    });
    await declare({
      name: "logs",
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: SECRET_KEY_ID,
      onExisting: "fail",
      secretArgs: ["kmsMasterKeyId"],
    });
    const failure = await failureOf(test.stack.up({ onOutput: test.onOutput }));
    expect(failure).toContain(
      'Bucket "logs" already has a default encryption rule (KMS with a customer master key) with a key id other than the declared one\'s and onExisting is "fail"',
    );
    expect(failure).not.toContain(SECRET_KEY_ID);
    expect(test.output.join("")).not.toContain(SECRET_KEY_ID);
  });
});

describe("tuning config", () => {
  it("out of range fails the preview, naming the key and the range, before any request", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "AES256" });
    await test.stack.setConfig("bucketEncryption:requestTimeoutMs", { value: "2147483648" });
    const failure = await failureOf(test.stack.preview({ onOutput: test.onOutput }));
    expect(failure).toContain(
      "Invalid stack config: bucketEncryption:requestTimeoutMs must be a whole number of milliseconds from 100 to 300000.",
    );
    expect(oss.counts()).toStrictEqual({});
  });
});
