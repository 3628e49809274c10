/**
 * Real Pulumi stacks for end-to-end tests: a temporary copy of a program with its own offline
 * state backend (see tooling/localStack.ts), its CLI output collected, its state inspectable.
 */
import type { ConfigMap, Stack } from "@pulumi/pulumi/automation";
import { createLocalStack, type PackageLayout } from "../../tooling/localStack";
import { requirePulumiCli } from "../../tooling/pulumiCli";

export {
  emulatorConfig,
  pluginEmulatorConfig,
  REPOSITORY,
  startEmulatorWithBuckets,
} from "../../tooling/localStack";

/** A stack in a temporary copy of a program, with its output collected. */
export interface TestStack {
  readonly stack: Stack;
  /** The temporary copy of the program. */
  readonly workDir: string;
  /** The environment the CLI runs with. */
  readonly env: Readonly<Record<string, string>>;
  /** The folder of the stack's file state backend. */
  readonly stateDir: string;
  /** Everything the CLI printed, across all operations run with `onOutput`. */
  readonly output: string[];
  /** Collects output for one operation: pass as `onOutput`. */
  readonly onOutput: (text: string) => void;
  /** The state file as the backend stores it on disk (secrets encrypted). */
  readonly stateFileText: () => string;
  /** The resources of type BucketEncryption in the exported state. */
  readonly bucketEncryptions: () => Promise<StateResource[]>;
  /** The resources of `type` in the exported state. */
  readonly resourcesOfType: (type: string) => Promise<StateResource[]>;
  /** Stops what the stack left running and removes its temporary folders. */
  readonly cleanup: () => void;
}

/** One resource as the exported state holds it. */
export interface StateResource {
  readonly urn: string;
  readonly id: string;
  readonly type: string;
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
}

/** The dynamic BucketEncryption's type token. */
export const BUCKET_ENCRYPTION_TYPE = "pulumi-nodejs:dynamic/oss:BucketEncryption";

/** The plugin BucketEncryption's type token. */
export const PLUGIN_BUCKET_ENCRYPTION_TYPE = "ossencryption:index:BucketEncryption";

/** Options for `createTestStack`. */
export interface TestStackOptions {
  /** The program directory to copy, relative to the repository root. */
  readonly program: string;
  readonly config?: ConfigMap;
  /** Extra environment variables for the CLI (and so for the provider process). */
  readonly env?: Readonly<Record<string, string>>;
  /** How the program's node_modules holds this package; `registry` unless given. */
  readonly packageLayout?: PackageLayout;
}

/**
 * Creates the stack `test` for a copy of `program`. Programs run transpile-only: type checking
 * them is `npm run typecheck`'s job, and here it would only slow every run.
 */
export async function createTestStack(options: TestStackOptions): Promise<TestStack> {
  const local = await createLocalStack({
    cli: requirePulumiCli(),
    program: options.program,
    stackName: "test",
    transpileOnly: true,
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.packageLayout === undefined ? {} : { packageLayout: options.packageLayout }),
  });
  const output: string[] = [];
  const resourcesOfType = async (type: string) => {
    const state = (await local.stack.exportStack()).deployment as { resources?: StateResource[] };
    return (state.resources ?? []).filter((resource) => resource.type === type);
  };
  return {
    stack: local.stack,
    workDir: local.workDir,
    env: local.env,
    stateDir: local.stateDir,
    output,
    onOutput: (text) => output.push(text),
    stateFileText: local.stateFileText,
    bucketEncryptions: () => resourcesOfType(BUCKET_ENCRYPTION_TYPE),
    resourcesOfType,
    cleanup: local.dispose,
  };
}

/** The test program's `resources` config: one BucketEncryption per entry. */
export function resourcesConfig(resources: readonly Record<string, unknown>[]): ConfigMap {
  return { resources: { value: JSON.stringify(resources) } };
}
