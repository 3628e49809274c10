/**
 * A Pulumi stack on this machine, fully offline: a program of this repository (in place, or a
 * temporary copy), a file state backend of its own, the pinned CLI, driven by the Automation API.
 * The demo, the end-to-end tests and the benchmark all run the real engine through it.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  type ConfigMap,
  LocalWorkspace,
  PulumiCommand,
  type Stack,
} from "@pulumi/pulumi/automation";
import type { PulumiCli } from "./pulumiCli";
import { offlineEnvironment } from "./pulumiEnvironment";

/** The repository root: the nearest folder above this file whose package.json is this package. */
export const REPOSITORY = (() => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name ===
        "pulumi-oss-bucket-encryption"
    ) {
      return dir;
    }
  }
  throw new Error(`No pulumi-oss-bucket-encryption package.json above ${__dirname}`);
})();

/** How to set up a local stack. */
export interface LocalStackOptions {
  /** The Pulumi CLI to run. */
  readonly cli: PulumiCli;
  /** The program directory, relative to the repository root (`.` for the root project). */
  readonly program: string;
  /**
   * Run the program where it is instead of in a temporary copy. The stack's settings file
   * (`Pulumi.<stack>.yaml`) is then written beside it, and removed by `dispose`.
   */
  readonly inPlace?: boolean;
  readonly stackName?: string;
  readonly config?: ConfigMap;
  /** Extra environment variables for the CLI and so for the program and the provider. */
  readonly env?: Readonly<Record<string, string>>;
  /** Skip type checking the program (ts-node transpile-only): faster, for repeated runs. */
  readonly transpileOnly?: boolean;
}

/** A stack set up by `createLocalStack`. */
export interface LocalStack {
  readonly stack: Stack;
  readonly stackName: string;
  /** Where the program runs: the temporary copy, or the program itself when in place. */
  readonly workDir: string;
  /** The environment the CLI runs with, the caller's extra variables included. */
  readonly env: Readonly<Record<string, string>>;
  /** The state file as the backend stores it on disk (secrets encrypted). */
  readonly stateFileText: () => string;
  /** Stops what the stack left running and removes everything it created. */
  readonly dispose: () => void;
}

/** The project name declared in a program's Pulumi.yaml. */
function projectName(workDir: string): string {
  const name = /^name:\s*(\S+)/m.exec(readFileSync(join(workDir, "Pulumi.yaml"), "utf8"))?.[1];
  if (name === undefined) {
    throw new Error(`No project name in ${join(workDir, "Pulumi.yaml")}`);
  }
  return name;
}

/**
 * Kills every process still running in `workDir`: a CLI killed midway leaves its language host
 * and provider plugins behind (they do not watch their parent), and they must not outlive it.
 */
function killProcessesIn(workDir: string): void {
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`);
    } catch {
      continue;
    }
    if (cwd === workDir || cwd.startsWith(`${workDir}/`)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // It ended meanwhile.
      }
    }
  }
}

/**
 * Creates (or selects) a stack. A temporary copy's node_modules links to the repository's, so the
 * program resolves this package and @pulumi/pulumi as a user's program would.
 */
export async function createLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const root = mkdtempSync(join(tmpdir(), "bucket-encryption-stack-"));
  const source = join(REPOSITORY, options.program);
  const workDir = options.inPlace === true ? source : join(root, "program");
  if (options.inPlace !== true) {
    cpSync(source, workDir, { recursive: true });
    symlinkSync(join(REPOSITORY, "node_modules"), join(workDir, "node_modules"), "dir");
  }
  const stateDir = join(root, "state");
  const homeDir = join(root, "home");
  mkdirSync(stateDir);
  mkdirSync(homeDir);
  const env = {
    ...offlineEnvironment(options.cli, { stateDir, homeDir, passphrase: "local-stack-passphrase" }),
    ...(options.transpileOnly === true ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : {}),
    ...options.env,
  };
  const stackName = options.stackName ?? "local";
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, workDir },
    {
      envVars: env,
      pulumiCommand: await PulumiCommand.get({ root: options.cli.root, skipVersionCheck: true }),
    },
  );
  if (options.config !== undefined) {
    await stack.setAllConfig(options.config);
  }
  return {
    stack,
    stackName,
    workDir,
    env,
    stateFileText: () =>
      readFileSync(
        join(stateDir, ".pulumi/stacks", projectName(workDir), `${stackName}.json`),
        "utf8",
      ),
    dispose: () => {
      if (options.inPlace === true) {
        rmSync(join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
      } else {
        killProcessesIn(workDir);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
