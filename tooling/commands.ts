/**
 * Running the external commands the tooling builds and drives (go, curl), and the cache that
 * keeps what they build outside the repository.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";

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

/** A tool this project builds with Go and keeps in the tool cache. */
export interface GoBuiltTool {
  /** The tool as messages name it, e.g. "ossutil v1.7.19". */
  readonly name: string;
  /** Where the built tool is kept. */
  readonly target: string;
  /** The rest of the progress line of a build, e.g. "from the Go module proxy (first run only)". */
  readonly building: string;
  /** Builds the tool into `output`, with `scratch` an empty temporary folder of its own. */
  readonly build: (output: string, scratch: string) => Promise<void>;
}

/**
 * Provides `tool`: the cached build, else a build with Go, written beside the target and moved
 * into place only once complete, so that an interrupted build leaves no half-written tool.
 * Returns the tool's path.
 *
 * @throws Error naming the tool and its path when it is not built and go is not available.
 */
export async function ensureGoBuiltTool(
  tool: GoBuiltTool,
  log: (line: string) => void,
): Promise<string> {
  const { name, target } = tool;
  if (existsSync(target)) {
    return target;
  }
  if (!hasCommand("go", "version")) {
    throw new Error(`${name} is not in ${target}, and go (to build it) is not available.`);
  }
  log(`Building ${name} ${tool.building}`);
  const started = Date.now();
  mkdirSync(dirname(target), { recursive: true });
  const staged = `${target}.partial`;
  const scratch = mkdtempSync(join(tmpdir(), "go-build-"));
  try {
    await tool.build(staged, scratch);
    renameSync(staged, target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  log(`  built in ${Math.round((Date.now() - started) / 1000)} s into ${target}`);
  return target;
}
