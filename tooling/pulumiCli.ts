/**
 * Provides the pinned Pulumi CLI with its Node language host and dynamic-provider launcher, with
 * no manual step: one already on PATH when its version fits, else one cached from an earlier run,
 * else one built from the Go module proxy (when `go` is present), else one from Pulumi's official
 * installer (on a machine with internet access). Cached per version outside the repository.
 *
 * The Node language host lives in the module `github.com/pulumi/pulumi/sdk/nodejs/cmd/
 * pulumi-language-nodejs/v3`, which has no tags of its own; its pseudo-versions are not served by
 * every Go module proxy. So it is built from the last `sdk/v3` release that still carried it as a
 * plain package (v3.68.0). The engine speaks to it through the stable LanguageRuntime protocol and
 * falls back where the older host lacks a newer call; the tests run the real engine through it.
 * The YAML and Go language hosts are built beside it the same way (the Go host from `sdk/v3`
 * v3.61.0, the last release that carried it as a package).
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { ensureGoBuiltTool, hasCommand, run, toolCache } from "./commands";

/** The Pulumi CLI version this project pins. */
export const PULUMI_VERSION = "3.274.1";

/** The last `sdk/v3` release that carried the Node language host as a plain package. */
export const LANGUAGE_HOST_SDK_VERSION = "3.68.0";

/** Where the CLI's binaries are, and where they came from. */
export interface PulumiCli {
  /** The installation root: its `bin` directory holds the binaries (what Automation API's `root` means). */
  readonly root: string;
  /** The directory holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`. */
  readonly binDir: string;
  /** The version `pulumi version` reports, e.g. `v3.274.1`. */
  readonly version: string;
  readonly source: "path" | "cache" | "go-build" | "installer";
}

const BINARIES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"] as const;

/** The cache directory for the pinned version, outside the repository (see `toolCache`). */
export function cacheDir(): string {
  return toolCache(`pulumi-v${PULUMI_VERSION}`);
}

/** The version a `pulumi` binary reports, or undefined when it does not run. */
function versionOf(pulumi: string): string | undefined {
  try {
    return execFileSync(pulumi, ["version"], {
      encoding: "utf8",
      env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" },
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return undefined;
  }
}

/** Whether `version` is the pinned one or a later v3 release. */
export function versionFits(version: string): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (match === null) {
    return false;
  }
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  const [pinnedMajor, pinnedMinor, pinnedPatch] = PULUMI_VERSION.split(".").map(Number) as [
    number,
    number,
    number,
  ];
  return (
    major === pinnedMajor &&
    (minor > pinnedMinor || (minor === pinnedMinor && patch >= pinnedPatch))
  );
}

function complete(binDir: string): boolean {
  return BINARIES.every((binary) => existsSync(join(binDir, binary)));
}

/**
 * The CLI on PATH, when its binaries and the YAML and Go language hosts are in one `bin` directory
 * and the version fits.
 */
function fromPath(): PulumiCli | undefined {
  for (const dir of (process.env.PATH ?? "")
    .split(delimiter)
    .filter((entry) => basename(entry) === "bin")) {
    if (complete(dir) && LANGUAGE_HOSTS.every((host) => existsSync(join(dir, host.binary)))) {
      const version = versionOf(join(dir, "pulumi"));
      if (version !== undefined && versionFits(version)) {
        return { root: dirname(dir), binDir: dir, version, source: "path" };
      }
    }
  }
  return undefined;
}

/** The cached CLI, when it is complete and runs. */
export function fromCache(): PulumiCli | undefined {
  const root = cacheDir();
  const binDir = join(root, "bin");
  const version = complete(binDir) ? versionOf(join(binDir, "pulumi")) : undefined;
  return version === undefined ? undefined : { root, binDir, version, source: "cache" };
}

/**
 * The `replace` directives of a module's own go.mod that point at other module versions: a
 * scratch module that builds the module's commands must restate them (local-path replaces are
 * satisfied by requiring the sibling module at the same version).
 */
export function versionedReplaces(goMod: string): string[] {
  const lines = goMod.split("\n").map((line) => line.replace(/\/\/.*$/, "").trim());
  const replaces: string[] = [];
  let inBlock = false;
  for (const line of lines) {
    if (line === "replace (") {
      inBlock = true;
      continue;
    }
    if (inBlock && line === ")") {
      inBlock = false;
      continue;
    }
    const directive = inBlock
      ? line
      : line.startsWith("replace ")
        ? line.slice("replace ".length)
        : undefined;
    const target = directive?.split("=>")[1]?.trim();
    if (
      directive !== undefined &&
      target !== undefined &&
      !target.startsWith(".") &&
      !target.startsWith("/")
    ) {
      replaces.push(directive.trim());
    }
  }
  return replaces;
}

/** A Go command to build: a package of a module version, with the variable its version goes in. */
interface GoCommand {
  readonly module: string;
  readonly version: string;
  readonly package: string;
  /** The string variable that `-ldflags -X` stamps with `v<version>`. */
  readonly versionVariable: string;
}

const SDK_VERSION_VARIABLE = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";

const CLI: GoCommand = {
  module: "github.com/pulumi/pulumi/pkg/v3",
  version: PULUMI_VERSION,
  package: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
  versionVariable: SDK_VERSION_VARIABLE,
};

const NODE_LANGUAGE_HOST: GoCommand = {
  module: "github.com/pulumi/pulumi/sdk/v3",
  version: LANGUAGE_HOST_SDK_VERSION,
  package: "github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs",
  versionVariable: SDK_VERSION_VARIABLE,
};

/**
 * The language hosts of YAML and Go programs, built beside the CLI. The proxy refuses the Go
 * host's own module, so it comes from the last `sdk/v3` release that carried it as a package.
 */
const LANGUAGE_HOSTS: readonly (GoCommand & { readonly binary: string })[] = [
  {
    binary: "pulumi-language-yaml",
    module: "github.com/pulumi/pulumi-yaml",
    version: "1.25.0",
    package: "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml",
    versionVariable: "github.com/pulumi/pulumi-yaml/pkg/version.Version",
  },
  {
    binary: "pulumi-language-go",
    module: "github.com/pulumi/pulumi/sdk/v3",
    version: "3.61.0",
    package: "github.com/pulumi/pulumi/sdk/v3/go/pulumi-language-go",
    versionVariable: SDK_VERSION_VARIABLE,
  },
];

/** Builds one Go command from a module version in a scratch module, into `output`. */
async function goBuild(
  command: GoCommand,
  output: string,
  workDir: string,
  log: (line: string) => void,
): Promise<void> {
  const { module, version } = command;
  const scratch = mkdtempSync(join(workDir, "module-"));
  const info = JSON.parse(
    await run("go", ["mod", "download", "-json", `${module}@v${version}`], scratch, log),
  ) as { GoMod: string };
  const replaces = versionedReplaces(readFileSync(info.GoMod, "utf8"));
  const goVersion = (/^go (\S+)$/m.exec(readFileSync(info.GoMod, "utf8")) ?? [])[1] ?? "1.21";
  writeFileSync(
    join(scratch, "go.mod"),
    [
      `module scratch/build`,
      "",
      `go ${goVersion}`,
      "",
      ...replaces.map((replace) => `replace ${replace}`),
      "",
    ].join("\n"),
  );
  log(`  resolving ${command.package}@v${version}`);
  await run("go", ["get", `${command.package}@v${version}`], scratch, log);
  log(`  compiling ${command.package}`);
  await run(
    "go",
    [
      "build",
      "-trimpath",
      "-tags",
      "osusergo,grpcnotrace",
      "-ldflags",
      `-X ${command.versionVariable}=v${version}`,
      "-o",
      output,
      command.package,
    ],
    scratch,
    log,
    { GOFLAGS: "-mod=mod" },
  );
}

/** Builds the language hosts missing from `binDir` (the cache's), each once. */
async function ensureLanguageHosts(binDir: string, log: (line: string) => void): Promise<void> {
  for (const host of LANGUAGE_HOSTS) {
    await ensureGoBuiltTool(
      {
        name: `${host.binary} v${host.version}`,
        target: join(binDir, host.binary),
        building: "from the Go module proxy (first run only)",
        build: (output, scratch) => goBuild(host, output, scratch, log),
      },
      log,
    );
  }
}

/** The dynamic-provider launcher shipped inside the @pulumi/pulumi npm package. */
function launcherPath(): string {
  return join(
    dirname(require.resolve("@pulumi/pulumi/package.json")),
    "pulumi-resource-pulumi-nodejs",
  );
}

/** Builds the CLI and the Node language host from the Go module proxy into the cache. */
async function buildWithGo(log: (line: string) => void): Promise<PulumiCli> {
  const target = cacheDir();
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(`${target}.partial-`);
  const scratch = mkdtempSync(join(tmpdir(), "pulumi-build-"));
  const binDir = join(staging, "bin");
  mkdirSync(binDir);
  const started = Date.now();
  try {
    log(
      `Building the Pulumi CLI v${PULUMI_VERSION} from the Go module proxy (first run only; ~10 minutes on 2 cores)`,
    );
    await goBuild(CLI, join(binDir, "pulumi"), scratch, log);
    log(`Building the Node language host from sdk/v3 v${LANGUAGE_HOST_SDK_VERSION}`);
    await goBuild(NODE_LANGUAGE_HOST, join(binDir, "pulumi-language-nodejs"), scratch, log);
    copyFileSync(launcherPath(), join(binDir, "pulumi-resource-pulumi-nodejs"));
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  log(`Built in ${Math.round((Date.now() - started) / 1000)} s into ${target}`);
  const cached = fromCache();
  if (cached === undefined) {
    throw new Error(`The Pulumi CLI built into ${target} does not run.`);
  }
  return { ...cached, source: "go-build" };
}

/** Installs the CLI with Pulumi's official installer into the cache. */
async function installWithInstaller(log: (line: string) => void): Promise<PulumiCli> {
  const target = cacheDir();
  log(`Installing the Pulumi CLI v${PULUMI_VERSION} with Pulumi's official installer`);
  await run(
    "sh",
    [
      "-c",
      `curl -fsSL https://get.pulumi.com | sh -s -- --version ${PULUMI_VERSION} --install-root "${target}" --no-edit-path`,
    ],
    tmpdir(),
    log,
  );
  copyFileSync(launcherPath(), join(target, "bin", "pulumi-resource-pulumi-nodejs"));
  const cached = fromCache();
  if (cached === undefined) {
    throw new Error(`The Pulumi CLI installed into ${target} does not run.`);
  }
  return { ...cached, source: "installer" };
}

/** Finds or provides the pinned Pulumi CLI, printing progress through `log`. */
export async function ensurePulumiCli(
  log: (line: string) => void = console.log,
): Promise<PulumiCli> {
  const onPath = fromPath();
  if (onPath !== undefined) {
    return onPath;
  }
  const cli = fromCache() ?? (await provide(log));
  await ensureLanguageHosts(cli.binDir, log);
  return cli;
}

/** A CLI that is neither on PATH nor cached: built with Go, else from Pulumi's installer. */
function provide(log: (line: string) => void): Promise<PulumiCli> {
  if (hasCommand("go", "version")) {
    return buildWithGo(log);
  }
  if (hasCommand("curl", "--version")) {
    return installWithInstaller(log);
  }
  throw new Error(
    `No Pulumi CLI v${PULUMI_VERSION} found on PATH or in ${cacheDir()}, and neither go (to build it from the Go module proxy) nor curl (for Pulumi's installer) is available.`,
  );
}

/**
 * The CLI for tests: found on PATH or in the cache, never built here (the test command runs
 * `ensure-pulumi` first).
 *
 * @throws Error saying how to get it, so that a test that needs the engine fails loudly.
 */
export function requirePulumiCli(): PulumiCli {
  const found = fromPath() ?? fromCache();
  if (found === undefined) {
    throw new Error(
      `No Pulumi CLI found: run \`node dist/scripts/provisionTools.js\` (npm test does) to build v${PULUMI_VERSION} into ${cacheDir()}.`,
    );
  }
  return found;
}
