/**
 * Running the external commands the tooling builds and drives (go, curl), and the cache that
 * keeps what they build outside the repository.
 */
import { execFileSync, spawn } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where a tool built for this project is cached: under `$XDG_CACHE_HOME` (or `~/.cache`), outside
 * the repository, so that fresh clones and CI runs on one machine build it once.
 */
export function toolCache(name: string): string {
  const root = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
  return join(root, "pulumi-oss-bucket-encryption", name);
}

/** Whether `command` runs (answering its version flag). */
export function hasCommand(command: string, versionFlag: string): boolean {
  try {
    execFileSync(command, [versionFlag], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Runs a command, printing a heartbeat while it runs and its output if it fails. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  log: (line: string) => void,
  env?: NodeJS.ProcessEnv,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const heartbeat = setInterval(() => {
      log(
        `  still running (${Math.round((Date.now() - started) / 1000)} s): ${command} ${args[0] ?? ""}`,
      );
    }, 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(heartbeat);
      if (code === 0) {
        resolve(output);
      } else {
        reject(new Error(`${command} ${args.join(" ")} failed with exit code ${code}:\n${output}`));
      }
    });
  });
}
