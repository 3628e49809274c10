/**
 * A Pulumi stack on this machine, fully offline: a program of this repository (in place, or a
 * temporary copy), a file state backend of its own, the pinned CLI, driven by the Automation API.
 * The demo, the end-to-end tests and the benchmark all run the real engine through it, against
 * the local OSS endpoint set up here too.
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import {
  type ConfigMap,
  LocalWorkspace,
  PulumiCommand,
  type Stack,
} from "@pulumi/pulumi/automation";
import {
  DEFAULT_CREDENTIAL,
  type EmulatorCredential,
  type OssEmulator,
  type OssEmulatorOptions,
  startOssEmulator,
} from "local-oss-endpoint";
import { aliOssClient } from "./aliOssClient";
import type { PulumiCli } from "./pulumiCli";
import { offlineEnvironment } from "./pulumiEnvironment";

/** This package's name, as published. */
export const PACKAGE_NAME = "pulumi-oss-bucket-encryption";

/** The repository root: the nearest folder above this file whose package.json is this package. */
export const REPOSITORY = (() => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === PACKAGE_NAME
    ) {
      return dir;
    }
  }
  throw new Error(`No ${PACKAGE_NAME} package.json above ${__dirname}`);
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
  /** How the temporary copy's node_modules holds this package; `registry` unless given. */
  readonly packageLayout?: PackageLayout;
  /** Where the built package to install is (see `installPackage`); this repository unless given. */
  readonly packageRoot?: string;
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
  /** The folder of the stack's file state backend. */
  readonly stateDir: string;
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
 * How a program's node_modules holds this package:
 * - `registry`: as npm installs it from the registry, a folder with package.json and the
 *   published `files` of the built package. Pulumi then stores the provider as a `require`.
 * - `link`: as `npm link` or a workspace leaves it, a link to the repository. Pulumi then copies
 *   the provider's methods into state.
 * - `none`: no node_modules, as for a program that takes nothing from npm (a YAML or Go program
 *   whose plugin is installed from the plugin archive).
 */
export type PackageLayout = "registry" | "link" | "none";

/** Pulumi finds the package.json of a module it stores from its own folder, so it sits beside. */
const COPIED_WITH_PACKAGE = "@pulumi";

/**
 * Gives `workDir` a node_modules that holds this package in `layout`, with every other package
 * of the repository's node_modules beside it (linked, except @pulumi, which is copied so that it
 * sees the package as in a user's node_modules). Returns the package's folder. `packageRoot` is
 * where the built package to install is (a checkout with its dist): this repository unless given.
 */
export function installPackage(
  workDir: string,
  layout: "registry" | "link",
  packageRoot: string = REPOSITORY,
): string {
  const modules = join(workDir, "node_modules");
  const installed = join(modules, PACKAGE_NAME);
  if (layout === "link") {
    symlinkSync(join(REPOSITORY, "node_modules"), modules, "dir");
    return installed;
  }
  mkdirSync(modules);
  const manifest = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as {
    files: string[];
    bin: Record<string, string>;
  };
  for (const entry of readdirSync(join(REPOSITORY, "node_modules"))) {
    const source = join(REPOSITORY, "node_modules", entry);
    if (entry === COPIED_WITH_PACKAGE) {
      cpSync(source, join(modules, entry), { recursive: true });
    } else if (entry === ".bin") {
      linkBins(source, join(modules, ".bin"), manifest.bin);
    } else if (entry !== PACKAGE_NAME) {
      symlinkSync(source, join(modules, entry), "dir");
    }
  }
  // The negated patterns only exclude test files, which the build does not emit.
  for (const published of ["package.json", ...manifest.files.filter((f) => !f.startsWith("!"))]) {
    cpSync(join(packageRoot, published), join(installed, published), { recursive: true });
  }
  for (const command of Object.values(manifest.bin)) {
    chmodSync(join(installed, command), 0o755);
  }
  return installed;
}

/**
 * Fills `target` (a node_modules/.bin) as npm does: the other packages' commands link to the
 * repository's, this package's own (`bins`) to the installed copy.
 */
function linkBins(source: string, target: string, bins: Readonly<Record<string, string>>): void {
  mkdirSync(target);
  for (const command of readdirSync(source)) {
    const own = bins[command];
    symlinkSync(
      own === undefined ? readlinkSync(join(source, command)) : join("..", PACKAGE_NAME, own),
      join(target, command),
    );
  }
}

/**
 * Points the relative `replace` directives of a copied Go program's go.mod (the Go SDK in this
 * repository) at their absolute place, so that the copy builds where the original would.
 */
function rebaseGoReplaces(workDir: string, source: string): void {
  const goMod = join(workDir, "go.mod");
  if (!existsSync(goMod)) {
    return;
  }
  const rebased = readFileSync(goMod, "utf8").replace(
    /=> (\.\.?\/\S*)/g,
    (_match, path: string) => `=> ${resolve(source, path)}`,
  );
  writeFileSync(goMod, rebased);
}

/**
 * Creates (or selects) a stack. A temporary copy gets this package installed in
 * `options.packageLayout` (default `registry`), so the program resolves it and @pulumi/pulumi as
 * a user's program would.
 */
export async function createLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const root = mkdtempSync(join(tmpdir(), "bucket-encryption-stack-"));
  const source = join(REPOSITORY, options.program);
  const workDir = options.inPlace === true ? source : join(root, "program");
  if (options.inPlace !== true) {
    cpSync(source, workDir, { recursive: true });
    rebaseGoReplaces(workDir, source);
    if (options.packageLayout !== "none") {
      installPackage(workDir, options.packageLayout ?? "registry", options.packageRoot);
    }
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
    stateDir,
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

/**
 * Stack config that points a program at the local OSS endpoint: its endpoint, a region, and the
 * key pair as secret stack config (the emulator's default pair unless given).
 */
export function emulatorConfig(
  oss: OssEmulator,
  credential: EmulatorCredential = DEFAULT_CREDENTIAL,
): ConfigMap {
  return {
    endpoint: { value: oss.endpoint },
    "alicloud:region": { value: "cn-hangzhou" },
    "alicloud:accessKey": { value: credential.accessKeyId, secret: true },
    "alicloud:secretKey": { value: credential.accessKeySecret, secret: true },
  };
}

/**
 * Stack config for the plugin's default `ossencryption` provider against `oss`: its endpoint, a
 * region, and the key pair as secrets.
 */
export function pluginEmulatorConfig(
  oss: OssEmulator,
  credential: EmulatorCredential = DEFAULT_CREDENTIAL,
): ConfigMap {
  return {
    "ossencryption:endpoint": { value: oss.endpoint },
    "ossencryption:region": { value: "cn-hangzhou" },
    "ossencryption:accessKey": { value: credential.accessKeyId, secret: true },
    "ossencryption:secretKey": { value: credential.accessKeySecret, secret: true },
  };
}

/**
 * Starts a local OSS endpoint (see `startOssEmulator`) that already holds `buckets`, without
 * rules, and with its counters and request log cleared.
 */
export async function startEmulatorWithBuckets(
  buckets: readonly string[],
  options: OssEmulatorOptions = {},
): Promise<OssEmulator> {
  const oss = await startOssEmulator(options);
  const client = aliOssClient(oss.endpoint, {
    credential: options.credentials?.[0] ?? DEFAULT_CREDENTIAL,
  });
  for (const bucket of buckets) {
    await client.putBucket(bucket);
  }
  oss.clearRequests();
  return oss;
}
