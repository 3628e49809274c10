/**
 * `npm run package:plugin [-- <folder>]`: writes the self-contained plugin archive
 * (`pulumi-resource-ossencryption-v<version>-<os>-<arch>.tar.gz`) into the folder, `dist` unless
 * given, and prints how to install it.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPOSITORY } from "../tooling/localStack";
import { packagePluginArchive, PLUGIN_NAME } from "../tooling/pluginArchive";

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? join(REPOSITORY, "dist"));
  mkdirSync(outDir, { recursive: true });
  const archive = await packagePluginArchive(outDir);
  console.log(`Wrote ${archive.path} (${archive.bytes} bytes).`);
  console.log(
    `Install it with: pulumi plugin install resource ${PLUGIN_NAME} ${archive.version} --file ${archive.path}`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
