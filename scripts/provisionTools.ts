/**
 * `node dist/scripts/provisionTools.js`: makes sure the tools the tests drive are available,
 * building them on the first run: the pinned Pulumi CLI with its language hosts, ossutil, and the
 * Go SDK generator. Prints where they are.
 */
import { ensureSdkgen } from "../tooling/goSdk";
import { ensureOssutil } from "../tooling/ossutil";
import { ensurePulumiCli } from "../tooling/pulumiCli";

async function main(): Promise<void> {
  const cli = await ensurePulumiCli();
  console.log(`Pulumi CLI ${cli.version} (${cli.source}): ${cli.binDir}`);
  console.log(`ossutil: ${await ensureOssutil()}`);
  console.log(`Go SDK generator: ${await ensureSdkgen()}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
