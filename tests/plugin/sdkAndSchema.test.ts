/**
 * What is made from the one definition of the resource and committed — the TypeScript types, the
 * README's reference tables, the Go SDK — is exactly what `npm run generate` makes of it now (the
 * CI check that keeps them in step), and the schema made from it is what `pulumi package
 * get-schema` reads from the built plugin.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { GO_SDK_DIR, generateGoSdk, HAND_WRITTEN } from "../../tooling/goSdk";
import { REPOSITORY } from "../../tooling/localStack";
import { requirePulumiCli } from "../../tooling/pulumiCli";

jest.setTimeout(120_000);

const run = promisify(execFile);

/** Every file under `dir`, by path relative to it, with its text. */
function filesUnder(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [relative(dir, path), readFileSync(path, "utf8")];
      }),
  );
}

it("the committed TypeScript types and README tables equal a fresh generation from the definition (run npm run generate)", async () => {
  const { stdout } = await run(
    process.execPath,
    [join(REPOSITORY, "dist/scripts/generate.js"), "--check"],
    { cwd: REPOSITORY },
  );
  expect(stdout.trim()).toBe("Up to date: provider/resourceTypes.ts, README.md");
});

it("the committed Go SDK equals a fresh generation from the schema (run npm run generate)", async () => {
  const fresh = mkdtempSync(join(tmpdir(), "go-sdk-"));
  try {
    await generateGoSdk(fresh, () => undefined);
    const generated = Object.fromEntries(
      Object.entries(filesUnder(GO_SDK_DIR)).filter(([file]) => !HAND_WRITTEN.includes(file)),
    );
    expect(generated).toStrictEqual(filesUnder(fresh));
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
});

it("pulumi package get-schema reads the schema from the plugin, at the package's version, with its enumerations", async () => {
  const cli = requirePulumiCli();
  const home = mkdtempSync(join(tmpdir(), "pulumi-home-"));
  try {
    const { stdout } = await run(
      join(cli.binDir, "pulumi"),
      [
        "package",
        "get-schema",
        join(REPOSITORY, "node_modules/.bin/pulumi-resource-ossencryption"),
      ],
      { env: { ...process.env, PULUMI_HOME: home, PULUMI_SKIP_UPDATE_CHECK: "true" } },
    );
    const schema = JSON.parse(stdout) as {
      name: string;
      version: string;
      resources: object;
      types: Record<string, { enum?: unknown[] }>;
    };
    const manifest = JSON.parse(readFileSync(join(REPOSITORY, "package.json"), "utf8")) as {
      version: string;
    };
    expect([
      schema.name,
      schema.version,
      Object.keys(schema.resources),
      Object.keys(schema.types)
        .filter((token) => schema.types[token]?.enum !== undefined)
        .sort(),
    ]).toStrictEqual([
      "ossencryption",
      manifest.version,
      ["ossencryption:index:BucketEncryption"],
      [
        "ossencryption:index:KmsDataEncryption",
        "ossencryption:index:OnDelete",
        "ossencryption:index:OnExisting",
        "ossencryption:index:SignatureVersion",
        "ossencryption:index:SseAlgorithm",
      ],
    ]);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
