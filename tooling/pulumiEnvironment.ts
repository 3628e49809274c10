/**
 * The environment that runs the Pulumi CLI fully offline: a local file state backend, passphrase
 * secrets, no update checks and no plugin downloads, with the pinned CLI and this process's Node
 * first on PATH (the language host starts `node` from PATH).
 */
import { dirname } from "node:path";
import type { PulumiCli } from "./pulumiCli";

/** Where one offline Pulumi setup keeps its state and home. */
export interface OfflineBackend {
  /** The directory of the file state backend. */
  readonly stateDir: string;
  /** PULUMI_HOME, for the CLI's own files. */
  readonly homeDir: string;
  /** The passphrase that encrypts secrets in the state. */
  readonly passphrase: string;
}

/** The environment variables for an offline Pulumi run. */
export function offlineEnvironment(
  cli: PulumiCli,
  backend: OfflineBackend,
): Record<string, string> {
  return {
    PATH: [cli.binDir, dirname(process.execPath), process.env.PATH ?? ""].join(":"),
    PULUMI_BACKEND_URL: `file://${backend.stateDir}`,
    PULUMI_HOME: backend.homeDir,
    PULUMI_CONFIG_PASSPHRASE: backend.passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
  };
}
