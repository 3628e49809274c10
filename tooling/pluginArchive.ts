/**
 * The provider plugin as a self-contained archive, for projects without npm: the built plugin and
 * every module it loads bundled by esbuild into one executable file, so that the archive needs
 * only Node.js 22 or later on PATH. The archive is named as Pulumi names plugin archives and
 * installs with `pulumi plugin install resource ossencryption <version> --file <archive>`.
 */
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { run } from "./commands";
import { REPOSITORY } from "./localStack";

/** The plugin's name, as the engine knows it. */
export const PLUGIN_NAME = "ossencryption";

/** The executable at the archive's root. */
export const PLUGIN_EXECUTABLE = `pulumi-resource-${PLUGIN_NAME}`;

/** The file beside the executable that holds the licenses of the bundled packages. */
export const THIRD_PARTY_LICENSES = "THIRD-PARTY-LICENSES";

/** Modules the bundle leaves out: urllib loads `proxy-agent` only when a proxy is switched on, which ali-oss never does, and the package does not install it either. */
const NOT_BUNDLED = ["proxy-agent"];

/** Pulumi's names for Node's platforms and architectures. */
const PULUMI_OS: Readonly<Record<string, string>> = { linux: "linux", darwin: "darwin" };
const PULUMI_ARCH: Readonly<Record<string, string>> = { x64: "amd64", arm64: "arm64" };

/** A plugin archive written by `packagePluginArchive`. */
export interface PluginArchive {
  /** Its path. */
  readonly path: string;
  /** The plugin's version, which is the package's. */
  readonly version: string;
  /** Its size in bytes. */
  readonly bytes: number;
}

/** The package's version. */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(REPOSITORY, "package.json"), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

/** The archive's file name for this machine, as Pulumi names plugin archives. */
export function pluginArchiveName(version: string): string {
  const os = PULUMI_OS[process.platform];
  const arch = PULUMI_ARCH[process.arch];
  if (os === undefined || arch === undefined) {
    throw new Error(
      `The plugin archive is made for Linux or macOS on x64 or arm64; this is ${process.platform} on ${process.arch}.`,
    );
  }
  return `${PLUGIN_EXECUTABLE}-v${version}-${os}-${arch}.tar.gz`;
}

/**
 * Bundles the built plugin (`npm run build` first) and writes its archive into `outDir`: the
 * executable, this package's LICENSE, and the licenses of the packages bundled into it.
 */
export async function packagePluginArchive(outDir: string): Promise<PluginArchive> {
  const version = packageVersion();
  const stage = mkdtempSync(join(tmpdir(), "plugin-archive-"));
  try {
    const executable = join(stage, PLUGIN_EXECUTABLE);
    const { metafile } = await build({
      entryPoints: [join(REPOSITORY, "dist/provider/plugin/main.js")],
      outfile: executable,
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      external: NOT_BUNDLED,
      metafile: true,
      logLevel: "warning",
    });
    chmodSync(executable, 0o755);
    copyFileSync(join(REPOSITORY, "LICENSE"), join(stage, "LICENSE"));
    writeFileSync(
      join(stage, THIRD_PARTY_LICENSES),
      thirdPartyLicenses(Object.keys(metafile.inputs)),
    );
    const path = join(outDir, pluginArchiveName(version));
    // Owned by root and dated at the epoch, so that one build gives one archive.
    await run(
      "tar",
      [
        "--create",
        "--gzip",
        `--file=${path}`,
        `--directory=${stage}`,
        "--owner=0",
        "--group=0",
        "--numeric-owner",
        "--mtime=@0",
        PLUGIN_EXECUTABLE,
        "LICENSE",
        THIRD_PARTY_LICENSES,
      ],
      REPOSITORY,
      () => undefined,
      // gzip stamps no time or name into the archive.
      { GZIP: "-n" },
    );
    return { path, version, bytes: statSync(path).size };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/**
 * The license texts of the packages the bundle holds, found from its input files (paths under
 * `node_modules/`), each headed by the package's name, version and declared license.
 */
function thirdPartyLicenses(inputs: readonly string[]): string {
  const packageDirs = new Set<string>();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1] !== undefined) {
      packageDirs.add(match[1]);
    }
  }
  const sections = [...packageDirs].sort().map((dir) => {
    const manifest = JSON.parse(readFileSync(join(REPOSITORY, dir, "package.json"), "utf8")) as {
      name: string;
      version: string;
      license?: string;
    };
    const licenseFile = readdirSync(join(REPOSITORY, dir)).find((file) =>
      /^(licen[cs]e|copying)(\.|$)/i.test(file),
    );
    const text =
      licenseFile === undefined
        ? `(no license file in the package; its package.json declares ${manifest.license ?? "no license"})`
        : readFileSync(join(REPOSITORY, dir, licenseFile), "utf8").trim();
    return `${manifest.name} ${manifest.version} (${manifest.license ?? "license not declared"})\n\n${text}\n`;
  });
  return `The ${PLUGIN_EXECUTABLE} bundle holds these packages.\n\n${sections.join(`\n${"-".repeat(72)}\n\n`)}`;
}
