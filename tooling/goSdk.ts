/**
 * The Go SDK of the provider plugin: generated from the plugin's schema (made from the one
 * definition, `provider/plugin/schema.ts`) by `tooling/sdkgen` (a
 * small Go program over the pinned Pulumi pkg/v3 code generator, since the Go language host that
 * can be built here is too old to generate packages) and committed under `sdk/go/`, where Go
 * programs take it from. The generator is built once per version of its source and cached.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageSchema } from "../provider/plugin/schema";
import { ensureGoBuiltTool, run, toolCache } from "./commands";
import { REPOSITORY } from "./localStack";

const SOURCE = join(REPOSITORY, "tooling/sdkgen");

/** Where the committed Go SDK lives; generated files go below it. */
export const GO_SDK_DIR = join(REPOSITORY, "sdk/go");

/** The files of the Go SDK that are written by hand, not generated. */
export const HAND_WRITTEN = ["ossencryption/go.mod", "ossencryption/go.sum"];

/** The generator's cached build, named by a hash of its source so that edits rebuild it. */
export function sdkgenPath(): string {
  const hash = createHash("sha256");
  for (const file of ["main.go", "go.mod", "go.sum"]) {
    hash.update(readFileSync(join(SOURCE, file)));
  }
  return join(toolCache(`sdkgen-${hash.digest("hex").slice(0, 12)}`), "sdkgen");
}

/** Provides the generator: the cached build, else a build with Go. Returns its path. */
export function ensureSdkgen(log: (line: string) => void = console.log): Promise<string> {
  return ensureGoBuiltTool(
    {
      name: "the Go SDK generator",
      target: sdkgenPath(),
      building: "over Pulumi pkg/v3 (first run only; ~1 minute)",
      build: async (output) => {
        await run("go", ["build", "-trimpath", "-o", output, "."], SOURCE, log);
      },
    },
    log,
  );
}

/** The plugin's version: the package's. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(join(REPOSITORY, "package.json"), "utf8")) as { version: string })
    .version;
}

/**
 * Generates the Go SDK from the plugin's schema into `outDir` with a generator built earlier.
 *
 * @throws Error saying how to get the generator when it is not built.
 */
export async function generateGoSdk(outDir: string, log: (line: string) => void): Promise<void> {
  const generator = sdkgenPath();
  if (!existsSync(generator)) {
    throw new Error(
      `No Go SDK generator in ${generator}: run \`node dist/scripts/provisionTools.js\` (npm test does).`,
    );
  }
  const folder = mkdtempSync(join(tmpdir(), "ossencryption-schema-"));
  try {
    const schemaFile = join(folder, "schema.json");
    const version = packageVersion();
    writeFileSync(schemaFile, JSON.stringify(packageSchema(version)));
    await run(generator, [schemaFile, version, outDir], REPOSITORY, log);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
