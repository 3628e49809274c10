/**
 * The provider plugin's end-to-end suite for one language's program (YAML, Go): up, no-change
 * preview and up, refresh drift, `pulumi import` as users type it, and destroy, each asserting
 * the rule OSS holds, the calls it received, the exported state and the CLI output; and no
 * provider secret in any state file or output.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { OssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import { requirePulumiCli } from "../../tooling/pulumiCli";
import {
  createPluginStack,
  pluginArchiveFor,
  type PluginRoute,
  PROVIDER_SECRET,
  writes,
} from "./pluginStacks";
import {
  PLUGIN_BUCKET_ENCRYPTION_TYPE,
  pluginEmulatorConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "./pulumiStack";
import { expectNoSecretLeaked } from "./stackState";

const run = promisify(execFile);

/** The rule a program declares for the resource `logs`. */
export interface DeclaredRule {
  readonly bucket: string;
  readonly sseAlgorithm: string;
  readonly kmsMasterKeyId?: string;
}

/** One language's program of the suite. */
export interface PluginProgram {
  /** The language, for the test names. */
  readonly language: string;
  /** The program directory, relative to the repository root. */
  readonly program: string;
  /** Makes the program declare `rule` for the resource `logs` (through stack config). */
  readonly declare: (test: TestStack, rule: DeclaredRule) => Promise<void>;
  /** Whether `pulumi import` can generate the program's code (the old Go host cannot). */
  readonly importGeneratesCode: boolean;
  /** How the engine finds the plugin. */
  readonly pluginRoute: PluginRoute;
}

/** Defines the suite for `program`. */
export function describePluginProgram(program: PluginProgram): void {
  let oss: OssEmulator;
  let test: TestStack;

  const logs = async () => {
    const [resource, ...others] = await test.resourcesOfType(PLUGIN_BUCKET_ENCRYPTION_TYPE);
    expect(others).toStrictEqual([]);
    return resource;
  };

  const archive = pluginArchiveFor(program.pluginRoute);

  beforeEach(async () => {
    oss = await startEmulatorWithBuckets(["logs"]);
    test = await createPluginStack(program.program, pluginEmulatorConfig(oss), archive());
  });

  afterEach(async () => {
    expectNoSecretLeaked(test, oss, [PROVIDER_SECRET]);
    await oss.close();
    test.cleanup();
  });

  describe(`a ${program.language} program with ossencryption:index:BucketEncryption (plugin from ${program.pluginRoute})`, () => {
    it("creates the rule with the dynamic resource's calls, changes nothing on a second up or a preview, and destroys it", async () => {
      await program.declare(test, { bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
      const up = await test.stack.up({ onOutput: test.onOutput });
      expect(up.summary.resourceChanges).toMatchObject({ create: 2 });
      expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 2, PutBucketEncryption: 1 });
      expect(oss.bucket("logs")?.rule).toStrictEqual({
        sseAlgorithm: "KMS",
        kmsMasterKeyId: "key-1",
      });
      expect((await logs())?.outputs).toMatchObject({
        bucket: "logs",
        sseAlgorithm: "KMS",
        kmsMasterKeyId: "key-1",
        location: { region: "cn-hangzhou", endpoint: oss.endpoint },
      });
      oss.clearRequests();
      const preview = await test.stack.preview({ onOutput: test.onOutput });
      expect(preview.changeSummary).toStrictEqual({ same: 2 });
      const again = await test.stack.up({ onOutput: test.onOutput });
      expect(again.summary.resourceChanges).toStrictEqual({ same: 2 });
      expect(oss.counts()).toStrictEqual({});
      await test.stack.destroy({ onOutput: test.onOutput });
      expect(oss.bucket("logs")?.rule).toBeUndefined();
      expect(writes(oss)).toStrictEqual({ DeleteBucketEncryption: 1 });
    });

    it("reports a rule changed out of band on refresh, and up repairs it", async () => {
      await program.declare(test, { bucket: "logs", sseAlgorithm: "SM4" });
      await test.stack.up({ onOutput: test.onOutput });
      await aliOssClient(oss.endpoint).putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
      const refreshed = await test.stack.refresh({ onOutput: test.onOutput });
      expect(refreshed.summary.resourceChanges).toMatchObject({ update: 1 });
      expect((await logs())?.outputs.sseAlgorithm).toBe("AES256");
      const repaired = await test.stack.up({ onOutput: test.onOutput });
      expect(repaired.summary.resourceChanges).toMatchObject({ update: 1 });
      expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
    });

    it("imports a bucket's rule with `pulumi import` and no write; the program then previews with no change", async () => {
      await aliOssClient(oss.endpoint).putBucketEncryption("logs", {
        SSEAlgorithm: "KMS",
        KMSMasterKeyID: "their-key",
      });
      // The program already declares the rule (a YAML project's config must be complete).
      await program.declare(test, {
        bucket: "logs",
        sseAlgorithm: "KMS",
        kmsMasterKeyId: "their-key",
      });
      oss.clearRequests();
      const cli = requirePulumiCli();
      const { stdout } = await run(
        join(cli.binDir, "pulumi"),
        [
          "import",
          PLUGIN_BUCKET_ENCRYPTION_TYPE,
          "logs",
          "logs",
          "--yes",
          "--protect=false",
          "--stack",
          "test",
          ...(program.importGeneratesCode ? [] : ["--generate-code=false"]),
        ],
        { cwd: test.workDir, env: { ...process.env, ...test.env } },
      );
      test.onOutput(stdout);
      expect(stdout).toContain("= 1 imported");
      // Reads only: the import's preview reads the rule once, the import itself once more.
      expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 2 });
      expect((await logs())?.outputs).toMatchObject({
        bucket: "logs",
        sseAlgorithm: "KMS",
        kmsMasterKeyId: "their-key",
      });
      const preview = await test.stack.preview({ onOutput: test.onOutput });
      expect(preview.changeSummary).toStrictEqual({ same: 2 });
      expect(writes(oss)).toStrictEqual({});
    });
  });
}
