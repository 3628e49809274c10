/**
 * Moving a stack's resources between the dynamic provider and the plugin through the real engine,
 * against the local endpoint: the README's two procedures (an alias; retainOnDelete, then an
 * import) send no write and never leave the bucket without its rule, and so does a plain swap,
 * whose delete in the other provider process sees that the bucket is declared again. A dynamic
 * and a plugin resource on one bucket fail at preview.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { UpOptions } from "@pulumi/pulumi/automation";
import type { OssEmulator } from "local-oss-endpoint";
import { PROVIDER_SECRET, writes } from "../support/pluginStacks";
import {
  BUCKET_ENCRYPTION_TYPE,
  createTestStack,
  emulatorConfig,
  PLUGIN_BUCKET_ENCRYPTION_TYPE,
  pluginEmulatorConfig,
  startEmulatorWithBuckets,
  type StateResource,
  type TestStack,
} from "../support/pulumiStack";
import { expectNoSecretLeaked } from "../support/stackState";

jest.setTimeout(240_000);

const RULE = { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" };
const LOGS = { name: "logs", bucket: "logs", ...RULE };

let oss: OssEmulator;
let test: TestStack;

interface Spec {
  name: string;
  bucket: string;
  sseAlgorithm: string;
  kmsMasterKeyId?: string;
  provider: "dynamic" | "plugin";
  retainOnDelete?: boolean;
  importId?: string;
  aliasTypes?: string[];
}

async function declare(...resources: Spec[]): Promise<void> {
  await test.stack.setConfig("resources", { value: JSON.stringify(resources) });
}

/** The BucketEncryption resources in the state, of either provider, by type. */
async function resourcesByType(): Promise<Record<string, StateResource[]>> {
  return {
    [BUCKET_ENCRYPTION_TYPE]: await test.resourcesOfType(BUCKET_ENCRYPTION_TYPE),
    [PLUGIN_BUCKET_ENCRYPTION_TYPE]: await test.resourcesOfType(PLUGIN_BUCKET_ENCRYPTION_TYPE),
  };
}

/** Creates `logs` through the dynamic provider, and clears the emulator's counters. */
async function upWithDynamicResource(): Promise<void> {
  await declare({ ...LOGS, provider: "dynamic" });
  await test.stack.up({ onOutput: test.onOutput });
  expect(oss.bucket("logs")?.rule).toStrictEqual(RULE);
  oss.clearRequests();
}

/**
 * The plugin now manages the rule, OSS and the state agree (a refresh would change nothing, a
 * preview neither), and the plugin removes the rule on destroy.
 */
async function expectPluginManagesRule(): Promise<void> {
  const byType = await resourcesByType();
  expect(byType[BUCKET_ENCRYPTION_TYPE]).toStrictEqual([]);
  expect(byType[PLUGIN_BUCKET_ENCRYPTION_TYPE]?.map((resource) => resource.outputs)).toStrictEqual([
    {
      bucket: "logs",
      ...RULE,
      endpoint: oss.endpoint,
      signatureVersion: "v4",
      onExisting: "overwrite",
      onDelete: "remove",
      location: { region: "cn-hangzhou", endpoint: oss.endpoint },
    },
  ]);
  await expect(
    test.stack.previewRefresh({ expectNoChanges: true, onOutput: test.onOutput }),
  ).resolves.toBeDefined();
  expect((await test.stack.preview({ onOutput: test.onOutput })).changeSummary).toStrictEqual({
    same: 2,
  });
  oss.clearRequests();
  await test.stack.destroy({ onOutput: test.onOutput });
  expect([oss.bucket("logs")?.rule, writes(oss)]).toStrictEqual([
    undefined,
    { DeleteBucketEncryption: 1 },
  ]);
}

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(["logs"]);
  test = await createTestStack({
    program: "tests/e2e/migration-program",
    config: { ...emulatorConfig(oss), ...pluginEmulatorConfig(oss) },
  });
});

afterEach(async () => {
  expectNoSecretLeaked(test, oss, [PROVIDER_SECRET]);
  await oss.close();
  test.cleanup();
});

describe("moving a resource from the dynamic provider to the plugin", () => {
  it("with an alias of the dynamic type: one up, no call to OSS at all, the state rewritten", async () => {
    await upWithDynamicResource();
    await declare({ ...LOGS, provider: "plugin", aliasTypes: [BUCKET_ENCRYPTION_TYPE] });
    const moved = await test.stack.up({ onOutput: test.onOutput });
    // The update only drops the dynamic provider's __provider from the state.
    expect(moved.summary.resourceChanges).toStrictEqual({ same: 1, update: 1 });
    expect(test.output.join("")).toContain("[diff: -__provider]");
    expect([oss.counts(), oss.bucket("logs")?.rule]).toStrictEqual([{}, RULE]);
    await expectPluginManagesRule();
  });

  it("with retainOnDelete, then an import: reads only, and the rule never leaves", async () => {
    await upWithDynamicResource();
    await declare({ ...LOGS, provider: "dynamic", retainOnDelete: true });
    await test.stack.up({ onOutput: test.onOutput });
    expect(oss.counts()).toStrictEqual({});
    await declare({ ...LOGS, provider: "plugin", importId: "logs" });
    const moved = await test.stack.up({ onOutput: test.onOutput });
    // The import adopts the rule; the update records the declared endpoint, with no call.
    expect(moved.summary.resourceChanges).toStrictEqual({
      delete: 1,
      import: 1,
      same: 1,
      update: 1,
    });
    expect([oss.counts(), oss.bucket("logs")?.rule]).toStrictEqual([
      { GetBucketEncryption: 1 },
      RULE,
    ]);
    await expectPluginManagesRule();
  });

  it("by a plain swap: the dynamic delete sees the plugin resource declare the bucket, and leaves the rule", async () => {
    await upWithDynamicResource();
    await declare({ ...LOGS, provider: "plugin" });
    const moved = await test.stack.up({ onOutput: test.onOutput });
    expect(moved.summary.resourceChanges).toStrictEqual({ create: 1, delete: 1, same: 1 });
    // The plugin's create finds the rule it declares: nothing to write.
    expect([oss.counts(), oss.bucket("logs")?.rule]).toStrictEqual([
      { GetBucketEncryption: 1 },
      RULE,
    ]);
    expect(test.output.join("")).toContain(
      'Bucket "logs": its rule is left in place for the resource of this deployment that now declares the bucket.',
    );
    await expect(
      test.stack.previewRefresh({ expectNoChanges: true, onOutput: test.onOutput }),
    ).resolves.toBeDefined();
  });
});

describe("moving a resource from the plugin to the dynamic provider", () => {
  it("by a plain swap: the plugin's delete sees the dynamic resource declare the bucket, and leaves the rule", async () => {
    await declare({ ...LOGS, provider: "plugin" });
    await test.stack.up({ onOutput: test.onOutput });
    oss.clearRequests();
    await declare({ ...LOGS, provider: "dynamic" });
    await test.stack.up({ onOutput: test.onOutput });
    expect([oss.counts(), oss.bucket("logs")?.rule]).toStrictEqual([
      { GetBucketEncryption: 1 },
      RULE,
    ]);
    expect((await resourcesByType())[BUCKET_ENCRYPTION_TYPE]?.map((r) => r.id)).toStrictEqual([
      "logs",
    ]);
  });
});

describe("a swap between the providers under the engine's own flags, which come before its address", () => {
  /** The options users pass for logs and tracing, as the Automation API passes them to the CLI. */
  const ENGINE_FLAGS: [string, (folder: string) => UpOptions][] = [
    ["--logflow --logtostderr -v=9", () => ({ logFlow: true, logToStdErr: true, logVerbosity: 9 })],
    ["--tracing file:", (folder) => ({ tracing: `file:${join(folder, "trace.json")}` })],
  ];
  const LEFT =
    'Bucket "logs": its rule is left in place for the resource of this deployment that now declares the bucket.';
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), "engine-flags-"));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it.each(ENGINE_FLAGS)(
    "with %s, dynamic to plugin: the dynamic provider's delete leaves the rule and says so",
    async (_flags, flags) => {
      await upWithDynamicResource();
      await declare({ ...LOGS, provider: "plugin" });
      await test.stack.up({ onOutput: test.onOutput, ...flags(folder) });
      expect([oss.counts(), oss.bucket("logs")?.rule]).toStrictEqual([
        { GetBucketEncryption: 1 },
        RULE,
      ]);
      expect(test.output.join("")).toContain(LEFT);
      await expect(
        test.stack.previewRefresh({ expectNoChanges: true, onOutput: test.onOutput }),
      ).resolves.toBeDefined();
    },
  );

  it.each(ENGINE_FLAGS)(
    "with %s, plugin to dynamic: the plugin's delete leaves the rule, and its log line reaches the CLI",
    async (_flags, flags) => {
      await declare({ ...LOGS, provider: "plugin" });
      await test.stack.up({ onOutput: test.onOutput, ...flags(folder) });
      oss.clearRequests();
      await declare({ ...LOGS, provider: "dynamic" });
      test.output.length = 0;
      await test.stack.up({ onOutput: test.onOutput, ...flags(folder) });
      expect([oss.counts(), oss.bucket("logs")?.rule]).toStrictEqual([
        { GetBucketEncryption: 1 },
        RULE,
      ]);
      expect(test.output.join("")).toContain(LEFT);
    },
  );
});

describe("a dynamic and a plugin resource on one bucket", () => {
  it("fail at preview, before any request, naming both and their providers", async () => {
    await declare(
      { ...LOGS, name: "old", provider: "dynamic" },
      { ...LOGS, name: "new", provider: "plugin" },
    );
    const failure = await test.stack.preview({ onOutput: test.onOutput }).then(
      () => "no failure",
      (error: unknown) => String(error),
    );
    expect(failure).toContain(
      'BucketEncryption "new" of the ossencryption plugin declares bucket "logs", which BucketEncryption "old" of the dynamic provider already declares',
    );
    expect(oss.counts()).toStrictEqual({});
  });
});
