/**
 * `node dist/scripts/ensurePulumi.js`: makes sure the pinned Pulumi CLI is available (building it
 * on the first run) and prints where it is.
 */
import { ensurePulumiCli } from "./pulumiCli";

ensurePulumiCli().then(
  (cli) => {
    console.log(`Pulumi CLI ${cli.version} (${cli.source}): ${cli.binDir}`);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
