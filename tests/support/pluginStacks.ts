/**
 * What the provider plugin's end-to-end tests share across TypeScript, YAML and Go programs:
 * stacks whose engine finds the plugin by either install route, and how to read the writes the
 * endpoint received.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { DEFAULT_CREDENTIAL, type OssEmulator } from "local-oss-endpoint";
import { packagePluginArchive, PLUGIN_NAME, type PluginArchive } from "../../tooling/pluginArchive";
import { requirePulumiCli } from "../../tooling/pulumiCli";
import { createTestStack, type TestStack } from "./pulumiStack";

const run = promisify(execFile);

/** The secret the tests give the provider: it must appear in no state file and no output. */
export const PROVIDER_SECRET = DEFAULT_CREDENTIAL.accessKeySecret;

const WRITES = ["PutBucketEncryption", "DeleteBucketEncryption"];

/** The writes the emulator received since its counters were last cleared, by operation. */
export function writes(oss: OssEmulator): Record<string, number> {
  return Object.fromEntries(
    Object.entries(oss.counts()).filter(([operation]) => WRITES.includes(operation)),
  );
}

/**
 * How the engine finds the plugin: `npm`, the package installed in the program's node_modules
 * and Pulumi.yaml pointing at node_modules/.bin; or `archive`, no node_modules and the plugin
 * archive installed with `pulumi plugin install --file`.
 */
export type PluginRoute = "npm" | "archive";

/**
 * The plugin archive for the tests of one file, packed in `beforeAll` when `route` is `archive`
 * and removed in `afterAll`: `current()` gives it (undefined for the npm route).
 */
export function pluginArchiveFor(route: PluginRoute): () => PluginArchive | undefined {
  let folder: string | undefined;
  let archive: PluginArchive | undefined;
  beforeAll(async () => {
    if (route === "archive") {
      folder = mkdtempSync(join(tmpdir(), "plugin-archive-"));
      archive = await packagePluginArchive(folder);
    }
  });
  afterAll(() => {
    if (folder !== undefined) {
      rmSync(folder, { recursive: true, force: true });
    }
  });
  return () => archive;
}

/**
 * A stack for the plugin program `program`: with `archive`, the program has no node_modules and
 * the plugin is installed from the archive into the stack's Pulumi home, as users of the archive
 * do; without, the package is installed in the program's node_modules.
 */
export async function createPluginStack(
  program: string,
  config: ConfigMap,
  archive: PluginArchive | undefined,
): Promise<TestStack> {
  if (archive === undefined) {
    return createTestStack({ program, config, packageLayout: "registry" });
  }
  const test = await createTestStack({
    program,
    config,
    packageLayout: "none",
    // Only the installed archive may serve: not a plugin found on PATH (npm puts node_modules/.bin there).
    env: { PULUMI_IGNORE_AMBIENT_PLUGINS: "true" },
  });
  const { stdout } = await run(
    join(requirePulumiCli().binDir, "pulumi"),
    ["plugin", "install", "resource", PLUGIN_NAME, archive.version, "--file", archive.path],
    { cwd: test.workDir, env: { ...process.env, ...test.env } },
  );
  test.onOutput(stdout);
  return test;
}
