/**
 * `node dist/scripts/provisionTools.js`: makes sure the tools the tests drive are available,
 * building them on the first run: the pinned Pulumi CLI and ossutil. Prints where they are.
 */
import { ensureOssutil } from "../tooling/ossutil";
import { ensurePulumiCli } from "../tooling/pulumiCli";

async function main(): Promise<void> {
  const cli = await ensurePulumiCli();
  console.log(`Pulumi CLI ${cli.version} (${cli.source}): ${cli.binDir}`);
  console.log(`ossutil: ${await ensureOssutil()}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
