/**
 * The built plugin as the engine starts it: a real process of `dist/provider/plugin/main.js`,
 * given arguments and an environment, with the port it prints and a protocol client to it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { REPOSITORY } from "../../tooling/localStack";
import { providerClient, type ProviderClient } from "./providerClient";

/** A running plugin process. */
export interface PluginProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly rpc: ProviderClient;
  /** Everything it wrote to standard error so far. */
  readonly stderr: () => string;
  /** Closes the client and kills the process. */
  readonly stop: () => void;
}

/**
 * Starts the built plugin with `args` (as the engine passes them: its flags, then its address)
 * and `env` as its whole environment (PATH is added); resolves once it printed its port.
 *
 * @throws Error with its standard error when it exits before printing a port.
 */
export function startPluginProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<PluginProcess> {
  const child = spawn(
    process.execPath,
    [join(REPOSITORY, "dist/provider/plugin/main.js"), ...args],
    {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const [line] = stdout.split("\n");
      if (stdout.includes("\n") && line !== undefined) {
        const port = Number(line);
        const rpc = providerClient(port);
        resolve({
          child,
          port,
          rpc,
          stderr: () => stderr,
          stop: () => {
            rpc.close();
            child.kill("SIGKILL");
          },
        });
      }
    });
    child.on("close", (code) => {
      reject(new Error(`the plugin exited with ${String(code)} before printing a port: ${stderr}`));
    });
  });
}
