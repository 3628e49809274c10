/**
 * Every example in examples/ deployed, previewed and destroyed against the local OSS endpoint by
 * the real engine (the plugin's YAML and Go examples with the plugin installed as their READMEs
 * say), and the drift-check pipeline script run on a drifted and a clean stack.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import type { OssEmulator, StoredRule } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import { createPluginStack, pluginArchiveFor, type PluginRoute } from "../support/pluginStacks";
import {
  createTestStack,
  emulatorConfig,
  pluginEmulatorConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "../support/pulumiStack";

jest.setTimeout(240_000);

let oss: OssEmulator;
let test: TestStack | undefined;

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(["example-bucket", "logs", "audit", "backups"]);
});

afterEach(async () => {
  await oss.close();
  test?.cleanup();
});

async function exampleStack(example: string, config: ConfigMap): Promise<TestStack> {
  test = await createTestStack({
    program: `examples/${example}`,
    config: { ...config, ...emulatorConfig(oss) },
  });
  return test;
}

function rules(buckets: readonly string[]): Record<string, StoredRule | undefined> {
  return Object.fromEntries(buckets.map((bucket) => [bucket, oss.bucket(bucket)?.rule]));
}

/**
 * `up` sets the `expected` rules, a preview then changes nothing and calls nothing, and `destroy`
 * removes them.
 */
async function expectDeploysPreviewsAndDestroys(
  stack: TestStack,
  expected: Record<string, StoredRule>,
): Promise<void> {
  const buckets = Object.keys(expected);
  await stack.stack.up({ onOutput: stack.onOutput });
  expect(rules(buckets)).toStrictEqual(expected);
  oss.clearRequests();
  const preview = await stack.stack.preview({ onOutput: stack.onOutput });
  expect(preview.changeSummary).toStrictEqual({ same: buckets.length + 1 });
  expect(oss.counts()).toStrictEqual({});
  await stack.stack.destroy({ onOutput: stack.onOutput });
  expect(rules(buckets)).toStrictEqual(
    Object.fromEntries(buckets.map((bucket) => [bucket, undefined])),
  );
}

describe.each<[string, ConfigMap, Record<string, StoredRule>]>([
  [
    "aes256",
    { bucket: { value: "example-bucket" } },
    { "example-bucket": { sseAlgorithm: "AES256" } },
  ],
  [
    "kms-named-key",
    { bucket: { value: "example-bucket" }, kmsMasterKeyId: { value: "example-cmk" } },
    { "example-bucket": { sseAlgorithm: "KMS", kmsMasterKeyId: "example-cmk" } },
  ],
  [
    "kms-default-key-sm4",
    { bucket: { value: "example-bucket" } },
    { "example-bucket": { sseAlgorithm: "KMS", kmsDataEncryption: "SM4" } },
  ],
  ["sm4", { bucket: { value: "example-bucket" } }, { "example-bucket": { sseAlgorithm: "SM4" } }],
  [
    "many-buckets",
    { buckets: { value: JSON.stringify(["logs", "audit", "backups"]) } },
    {
      logs: { sseAlgorithm: "KMS" },
      audit: { sseAlgorithm: "KMS" },
      backups: { sseAlgorithm: "KMS" },
    },
  ],
  [
    "drift-check",
    { bucket: { value: "example-bucket" }, kmsMasterKeyId: { value: "pipeline-cmk" } },
    { "example-bucket": { sseAlgorithm: "KMS", kmsMasterKeyId: "pipeline-cmk" } },
  ],
])("the %s example", (example, config, expected) => {
  it("deploys its rules, previews no change, and destroys them", async () => {
    await expectDeploysPreviewsAndDestroys(await exampleStack(example, config), expected);
  });
});

describe.each<[string, PluginRoute, ConfigMap, Record<string, StoredRule>]>([
  [
    "yaml-kms",
    "npm",
    { bucket: { value: "example-bucket" }, kmsMasterKeyId: { value: "yaml-cmk" } },
    { "example-bucket": { sseAlgorithm: "KMS", kmsMasterKeyId: "yaml-cmk" } },
  ],
  [
    "go-sm4",
    "archive",
    { bucket: { value: "example-bucket" } },
    { "example-bucket": { sseAlgorithm: "SM4" } },
  ],
])("the %s example of the plugin (installed from %s)", (example, route, config, expected) => {
  const archive = pluginArchiveFor(route);

  it("deploys its rules, previews no change, and destroys them", async () => {
    test = await createPluginStack(
      `examples/${example}`,
      { ...config, ...pluginEmulatorConfig(oss) },
      archive(),
    );
    await expectDeploysPreviewsAndDestroys(test, expected);
  });
});

describe("the drift-check pipeline script", () => {
  it("fails the job on drift, naming the change, and passes once the rule is repaired", async () => {
    const stack = await exampleStack("drift-check", {
      bucket: { value: "example-bucket" },
      kmsMasterKeyId: { value: "pipeline-cmk" },
    });
    await stack.stack.up({ onOutput: stack.onOutput });
    // Asynchronously: the emulator answers from this very process.
    const check = () =>
      new Promise<{ status: number; output: string }>((resolve) => {
        execFile(
          "bash",
          [join(stack.workDir, "drift-check.sh"), "test"],
          { cwd: stack.workDir, env: { ...process.env, ...stack.env } },
          (error, stdout, stderr) => {
            resolve({ status: error === null ? 0 : Number(error.code), output: stdout + stderr });
          },
        );
      });

    expect((await check()).status).toBe(0);

    await aliOssClient(oss.endpoint).putBucketEncryption("example-bucket", {
      SSEAlgorithm: "AES256",
    });
    const drifted = await check();
    expect(drifted.status).not.toBe(0);
    const output = drifted.output;
    expect(output).toContain(
      "error: no changes were expected for refresh but changes were proposed",
    );
    expect(output).toMatch(/sseAlgorithm\s*:\s*"KMS" => "AES256"/);
    expect(output).toMatch(/- kmsMasterKeyId\s*:\s*"pipeline-cmk"/);
    expect(oss.bucket("example-bucket")?.rule).toStrictEqual({ sseAlgorithm: "AES256" });

    await stack.stack.up({ refresh: true, onOutput: stack.onOutput });
    expect(oss.bucket("example-bucket")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "pipeline-cmk",
    });
    expect((await check()).status).toBe(0);
  });
});
