/**
 * The provider plugin from a YAML program (pulumi-language-yaml v1.25.0), with the plugin found in
 * node_modules/.bin (the npm route): see tests/support/pluginProgramSuite.ts. Also: one bucket
 * declared under two explicit providers, which the engine serves from two plugin processes.
 */
import { join } from "node:path";
import type { UpOptions } from "@pulumi/pulumi/automation";
import { DEFAULT_CREDENTIAL, type OssEmulator } from "local-oss-endpoint";
import { describePluginProgram } from "../support/pluginProgramSuite";
import { createPluginStack, PROVIDER_SECRET } from "../support/pluginStacks";
import {
  PLUGIN_BUCKET_ENCRYPTION_TYPE,
  pluginEmulatorConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "../support/pulumiStack";
import { expectNoSecretLeaked } from "../support/stackState";

jest.setTimeout(240_000);

describePluginProgram({
  language: "YAML",
  program: "tests/e2e/plugin-yaml-program",
  declare: (test, rule) =>
    test.stack.setAllConfig({
      bucket: { value: rule.bucket },
      sseAlgorithm: { value: rule.sseAlgorithm },
      kmsMasterKeyId: { value: rule.kmsMasterKeyId ?? "" },
    }),
  importGeneratesCode: true,
  pluginRoute: "npm",
});

describe("a YAML program that declares one bucket under two ossencryption providers", () => {
  let oss: OssEmulator;
  let test: TestStack;

  /** The two resources' message, whichever of the two processes checked second. */
  const DUPLICATE =
    /BucketEncryption "(first|second)" declares bucket "logs", which BucketEncryption "(second|first)" already declares/;

  beforeEach(async () => {
    oss = await startEmulatorWithBuckets(["logs"]);
    test = await createPluginStack(
      "tests/e2e/plugin-yaml-two-providers",
      {
        endpoint: { value: oss.endpoint },
        accessKey: { value: DEFAULT_CREDENTIAL.accessKeyId, secret: true },
        secretKey: { value: PROVIDER_SECRET, secret: true },
      },
      undefined,
    );
  });

  afterEach(async () => {
    expectNoSecretLeaked(test, oss, [PROVIDER_SECRET]);
    await oss.close();
    test.cleanup();
  });

  it("fails the preview, naming both resources, with no OSS call", async () => {
    await expect(test.stack.preview({ onOutput: test.onOutput })).rejects.toThrow(DUPLICATE);
    expect(oss.counts()).toStrictEqual({});
  });

  it.each<[string, (workDir: string) => UpOptions]>([
    ["no engine flags", () => ({})],
    ["--logflow --logtostderr -v=9", () => ({ logFlow: true, logToStdErr: true, logVerbosity: 9 })],
    ["--tracing", (workDir) => ({ tracing: `file:${join(workDir, "trace.json")}` })],
  ])(
    "fails the up with %s, naming both resources, and leaves OSS holding what the state records",
    async (_flags, flags) => {
      await expect(
        test.stack.up({ onOutput: test.onOutput, ...flags(test.workDir) }),
      ).rejects.toThrow(DUPLICATE);
      // The engine may have created the resource that was checked first before the other failed.
      const recorded = (await test.resourcesOfType(PLUGIN_BUCKET_ENCRYPTION_TYPE)).map(
        ({ outputs }) => outputs.sseAlgorithm,
      );
      const held = oss.bucket("logs")?.rule;
      expect(recorded).toStrictEqual(held === undefined ? [] : [held.sseAlgorithm]);
      expect(oss.counts().PutBucketEncryption ?? 0).toBeLessThanOrEqual(1);
    },
  );
});

describe("a YAML program that spells enumerated values its own way", () => {
  let oss: OssEmulator;
  let test: TestStack;

  beforeEach(async () => {
    oss = await startEmulatorWithBuckets(["logs", "archive"]);
    test = await createPluginStack(
      "tests/e2e/plugin-yaml-enum-program",
      pluginEmulatorConfig(oss),
      undefined,
    );
  });

  afterEach(async () => {
    await oss.close();
    test.cleanup();
  });

  it("passes YAML's type check with lower-case values, which the provider folds to the canonical ones", async () => {
    await test.stack.setConfig("algorithm", { value: "sm4" });
    await test.stack.up({ onOutput: test.onOutput });
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "AES256" });
    expect(oss.bucket("archive")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
    const outputs = (await test.resourcesOfType(PLUGIN_BUCKET_ENCRYPTION_TYPE)).map(
      ({ outputs }) => [outputs.bucket, outputs.sseAlgorithm, outputs.signatureVersion],
    );
    expect(outputs.sort()).toStrictEqual([
      ["archive", "SM4", "v4"],
      ["logs", "AES256", "v4"],
    ]);
  });

  it("fails the preview on a value that is not one of the enumeration's, naming the allowed ones, with no OSS call", async () => {
    await test.stack.setConfig("algorithm", { value: "DES" });
    await expect(test.stack.preview({ onOutput: test.onOutput })).rejects.toThrow(
      /sseAlgorithm must be one of AES256, KMS, SM4 \(any letter case\)/,
    );
    expect(oss.counts()).toStrictEqual({});
  });
});
