/**
 * Real Pulumi stacks for end-to-end tests: a program directory copied to a temporary folder, a
 * file state backend of its own, the pinned CLI, fully offline, driven by the Automation API.
 */
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ConfigMap,
  LocalWorkspace,
  PulumiCommand,
  type Stack,
} from "@pulumi/pulumi/automation";
import { offlineEnvironment } from "../../scripts/pulumiEnvironment";
import { requirePulumiCli } from "../../scripts/pulumiCli";

/** The repository root. */
export const REPOSITORY = join(__dirname, "../..");

/** A stack in a temporary copy of a program, with its output collected. */
export interface TestStack {
  readonly stack: Stack;
  /** The temporary copy of the program. */
  readonly workDir: string;
  /** The environment the CLI runs with (without the caller's extra variables). */
  readonly env: Readonly<Record<string, string>>;
  /** Every line the CLI printed, across all operations. */
  readonly output: string[];
  /** Collects output for one operation: pass as `onOutput`. */
  readonly onOutput: (text: string) => void;
  /** The state file as the backend stores it on disk (secrets encrypted). */
  stateFileText(): string;
  /** The resources of type BucketEncryption in the exported state. */
  bucketEncryptions(): Promise<StateResource[]>;
  /** Removes the temporary folders. */
  cleanup(): void;
}

/** One resource as the exported state holds it. */
export interface StateResource {
  readonly urn: string;
  readonly id: string;
  readonly type: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
}

/** The BucketEncryption type token. */
export const BUCKET_ENCRYPTION_TYPE = "pulumi-nodejs:dynamic/oss:BucketEncryption";

/** Options for `createTestStack`. */
export interface TestStackOptions {
  /** The program directory to copy, relative to the repository root. */
  readonly program: string;
  readonly config?: ConfigMap;
  /** Extra environment variables for the CLI (and so for the provider process). */
  readonly env?: Readonly<Record<string, string>>;
  readonly stackName?: string;
}

/**
 * Creates a stack for a copy of `program`. The copy's node_modules links to the repository's, so
 * the program resolves this package and @pulumi/pulumi as a user's program would.
 */
export async function createTestStack(options: TestStackOptions): Promise<TestStack> {
  const root = mkdtempSync(join(tmpdir(), "bucket-encryption-e2e-"));
  const workDir = join(root, "program");
  cpSync(join(REPOSITORY, options.program), workDir, { recursive: true });
  symlinkSync(join(REPOSITORY, "node_modules"), join(workDir, "node_modules"), "dir");
  const stateDir = join(root, "state");
  const homeDir = join(root, "home");
  mkdirSync(stateDir);
  mkdirSync(homeDir);
  const cli = requirePulumiCli();
  const env = {
    ...offlineEnvironment(cli, { stateDir, homeDir, passphrase: "e2e-passphrase" }),
    // Type checking is `npm run typecheck`'s job; here it would only slow every run.
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  const pulumiCommand = await PulumiCommand.get({ root: cli.root, skipVersionCheck: true });
  const stackName = options.stackName ?? "test";
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, workDir },
    { envVars: { ...env, ...options.env }, pulumiCommand },
  );
  if (options.config !== undefined) {
    await stack.setAllConfig(options.config);
  }
  const output: string[] = [];
  return {
    stack,
    workDir,
    env,
    output,
    onOutput: (text) => output.push(text),
    stateFileText: () =>
      readFileSync(
        join(stateDir, ".pulumi/stacks", projectName(workDir), `${stackName}.json`),
        "utf8",
      ),
    bucketEncryptions: async () => {
      const state = (await stack.exportStack()).deployment as { resources?: StateResource[] };
      return (state.resources ?? []).filter((resource) => resource.type === BUCKET_ENCRYPTION_TYPE);
    },
    cleanup: () => {
      killProcessesIn(workDir);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Kills every process still running in `workDir`: a CLI killed by a test leaves its language host
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

/** The project name declared in a program's Pulumi.yaml. */
function projectName(workDir: string): string {
  const name = /^name:\s*(\S+)/m.exec(readFileSync(join(workDir, "Pulumi.yaml"), "utf8"))?.[1];
  if (name === undefined) {
    throw new Error(`No project name in ${join(workDir, "Pulumi.yaml")}`);
  }
  return name;
}
