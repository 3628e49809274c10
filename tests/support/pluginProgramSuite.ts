/**
 * The provider plugin's end-to-end suite for one language's program (YAML, Go): up, no-change
 * preview and up, refresh drift, `pulumi import` as users type it, and destroy, each asserting
 * the rule OSS holds, the calls it received, the exported state and the CLI output; and no
 * provider secret in any state file or output.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { OssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import { packagePluginArchive, PLUGIN_NAME, type PluginArchive } from "../../tooling/pluginArchive";
import { requirePulumiCli } from "../../tooling/pulumiCli";
import { pluginConfig, PROVIDER_SECRET, writes } from "./pluginStacks";
import {
  createTestStack,
  PLUGIN_BUCKET_ENCRYPTION_TYPE,
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
  /**
   * How the engine finds the plugin: `npm`, the package installed in the program's node_modules
   * and Pulumi.yaml pointing at node_modules/.bin; or `archive`, no node_modules and the plugin
   * archive installed with `pulumi plugin install --file`.
   */
  readonly pluginRoute: "npm" | "archive";
}

/** Installs the plugin from `archive` into the stack's Pulumi home, as users of the archive do. */
async function installPluginArchive(test: TestStack, archive: PluginArchive): Promise<void> {
  const { stdout } = await run(
    join(requirePulumiCli().binDir, "pulumi"),
    ["plugin", "install", "resource", PLUGIN_NAME, archive.version, "--file", archive.path],
    { cwd: test.workDir, env: { ...process.env, ...test.env } },
  );
  test.onOutput(stdout);
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

  let archiveDir: string | undefined;
  let archive: PluginArchive | undefined;

  beforeAll(async () => {
    if (program.pluginRoute === "archive") {
      archiveDir = mkdtempSync(join(tmpdir(), "plugin-archive-"));
      archive = await packagePluginArchive(archiveDir);
    }
  });

  afterAll(() => {
    if (archiveDir !== undefined) {
      rmSync(archiveDir, { recursive: true, force: true });
    }
  });

  beforeEach(async () => {
    oss = await startEmulatorWithBuckets(["logs"]);
    test = await createTestStack({
      program: program.program,
      config: pluginConfig(oss),
      packageLayout: archive === undefined ? "registry" : "none",
      // Only the installed archive may serve: not a plugin found on PATH (npm puts node_modules/.bin there).
      ...(archive === undefined ? {} : { env: { PULUMI_IGNORE_AMBIENT_PLUGINS: "true" } }),
    });
    if (archive !== undefined) {
      await installPluginArchive(test, archive);
    }
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
