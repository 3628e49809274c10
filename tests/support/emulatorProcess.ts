/**
 * The `oss-emulator` command as separate processes, for tests that need what only a process
 * gives: its output, its exit code, `kill -9`, two processes on one data directory. Runs the
 * compiled program, as `npm test` builds it first.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";

const CLI = join(__dirname, "../../emulator/dist/cli.js");

/** A running emulator process. */
export interface EmulatorProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** The endpoint it printed first. */
  readonly endpoint: string;
  /** Everything it printed on standard output so far. */
  readonly output: () => string;
  /** Its standard output once it matches `pattern` (waits up to 5 s). */
  readonly outputMatching: (pattern: RegExp) => Promise<string>;
  /** Sends `signal` and waits for the exit code. */
  readonly stop: (signal: NodeJS.Signals) => Promise<number | null>;
}

/** Every process started, so that a failed test cannot leave one running. */
const running = new Set<ChildProcessWithoutNullStreams>();

/** Kills every emulator process still running: call in `afterEach`. */
export function killEmulatorProcesses(): void {
  for (const child of running) {
    child.kill("SIGKILL");
  }
  running.clear();
}

/** Starts `oss-emulator` with `args` and waits until it has printed its first lines. */
export async function startEmulatorProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [CLI, ...args], { env });
  running.add(child);
  child.once("exit", () => running.delete(child));
  let output = "";
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      // The first two lines, endpoint and key id, always come together.
      const lines = output.split("\n");
      if (lines.length > 2 && lines[0] !== undefined) {
        resolve(lines[0]);
      }
    });
    child.once("exit", (code) => {
      reject(new Error(`oss-emulator exited with ${code}: ${output}${errors}`));
    });
  });
  return {
    child,
    endpoint,
    output: () => output,
    outputMatching: async (pattern) => {
      for (let waited = 0; !pattern.test(output) && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return output;
    },
    stop: async (signal) => {
      const exited = once(child, "exit");
      child.kill(signal);
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

/** Runs `oss-emulator` with `args` until it exits by itself; its exit code and error output. */
export async function runEmulatorToExit(
  args: readonly string[],
): Promise<{ code: number | null; errors: string }> {
  const child = spawn(process.execPath, [CLI, ...args]);
  running.add(child);
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  running.delete(child);
  return { code, errors };
}
