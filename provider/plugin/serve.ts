/**
 * Starts the `ossencryption` plugin: serves the provider protocol on a free loopback port and
 * prints the port for the engine.
 */
import { engineAddressOf } from "../engineAddress";
import { bucketEncryptionPlugin } from "./bucketEncryptionPlugin";
import { serveProvider } from "./providerServer";

/** The package's version, which is the plugin's. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require("../../../package.json") as { version: string };

/**
 * Serves the plugin; `args` are the command-line arguments: the engine's flags, if any, then its
 * address (absent when the plugin is started by hand for the engine to attach to).
 */
export function serve(args: readonly string[]): void {
  serveProvider(bucketEncryptionPlugin(version), engineAddressOf(args)).then(
    ({ port }) => {
      process.stdout.write(`${port}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`pulumi-resource-ossencryption: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
