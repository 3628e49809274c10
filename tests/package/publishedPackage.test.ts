/**
 * What the published package holds and exports: the built provider with its plugin's launcher and
 * schema, the README and the LICENSE that package.json names, and no test, tooling or emulator
 * file; entries that export what programs use and nothing only tests need.
 */
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_NAME, REPOSITORY } from "../../tooling/localStack";

interface PackedFile {
  readonly path: string;
}

/** The files `npm pack` would publish (from the last build). */
function packedFiles(): string[] {
  const [pack] = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: REPOSITORY,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }),
  ) as [{ files: PackedFile[] }];
  return pack.files.map((file) => file.path);
}

it("publishes the built provider, its plugin's launcher and schema, README and LICENSE, and nothing else", () => {
  const files = packedFiles();
  expect(files.filter((file) => !file.startsWith("dist/provider/")).sort()).toStrictEqual([
    "LICENSE",
    "README.md",
    "package.json",
  ]);
  expect(files).toEqual(
    expect.arrayContaining([
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/plugin/index.js",
      "dist/provider/plugin/main.js",
      "dist/provider/plugin/schema.js",
      "dist/provider/dynamic/shim.js",
      "dist/provider/dynamic/processProvider.js",
    ]),
  );
  expect(files.filter((file) => /\.test\.|\/tests?\//.test(file))).toStrictEqual([]);
  // Each built file has its source: nothing left over from an earlier layout.
  const orphans = files
    .filter((file) => file.startsWith("dist/provider/"))
    .map((file) => file.slice("dist/".length).replace(/\.(d\.ts|js)$/, ".ts"))
    .filter((source) => !existsSync(join(REPOSITORY, source)));
  expect(orphans).toStrictEqual([]);
});

it("names in package.json the license its LICENSE file holds", () => {
  const manifest = JSON.parse(readFileSync(join(REPOSITORY, "package.json"), "utf8")) as {
    license: string;
  };
  expect(manifest.license).toBe("Apache-2.0");
  expect(readFileSync(join(REPOSITORY, "LICENSE"), "utf8")).toContain(
    "Apache License\n                           Version 2.0, January 2004",
  );
});

it("exports the resources, providers and enumerations programs use from its entries, and nothing else at run time", () => {
  /* eslint-disable @typescript-eslint/no-require-imports -- the built entries, as programs load them */
  const main = require(join(REPOSITORY, "dist/provider/index.js")) as object;
  const plugin = require(join(REPOSITORY, "dist/provider/plugin/index.js")) as object;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const enums = ["KmsDataEncryption", "OnDelete", "OnExisting", "SignatureVersion", "SseAlgorithm"];
  expect([Object.keys(main).sort(), Object.keys(plugin).sort()]).toStrictEqual([
    ["BucketEncryption", "BucketEncryptionProvider", ...enums],
    ["BucketEncryption", ...enums, "Provider"].sort(),
  ]);
});

describe("the declarations it publishes", () => {
  let folder: string;

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "packed-package-"));
    execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", folder], {
      cwd: REPOSITORY,
      stdio: "ignore",
    });
    const [tarball] = readdirSync(folder);
    execFileSync("tar", ["--extract", "--gzip", `--file=${join(folder, tarball ?? "")}`], {
      cwd: folder,
    });
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it("declare nothing marked @internal (test hooks stay out of the published types)", () => {
    const declarations = readdirSync(join(folder, "package"), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith(".d.ts"));
    expect(declarations.length).toBeGreaterThan(10);
    expect(
      declarations.filter((file) =>
        readFileSync(join(folder, "package", file), "utf8").includes("@internal"),
      ),
    ).toStrictEqual([]);
  });

  it("type-check a program that uses both entries, with the library check on", () => {
    const program = join(folder, "program");
    mkdirSync(join(program, "node_modules", "@pulumi"), { recursive: true });
    renameSync(join(folder, "package"), join(program, "node_modules", PACKAGE_NAME));
    symlinkSync(
      join(REPOSITORY, "node_modules/@pulumi/pulumi"),
      join(program, "node_modules/@pulumi/pulumi"),
    );
    writeFileSync(
      join(program, "index.ts"),
      [
        `import { BucketEncryption, BucketEncryptionProvider, SseAlgorithm } from "${PACKAGE_NAME}";`,
        `import * as plugin from "${PACKAGE_NAME}/plugin";`,
        'new BucketEncryption("a", { bucket: "a-bucket", sseAlgorithm: SseAlgorithm.KMS });',
        'new plugin.BucketEncryption("b", { bucket: "b-bucket", sseAlgorithm: "sm4" });',
        'new plugin.Provider("p", { region: undefined, maxAttempts: 3 });',
        "export const provider = new BucketEncryptionProvider();",
        "",
      ].join("\n"),
    );
    writeFileSync(
      join(program, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          module: "node16",
          moduleResolution: "node16",
          target: "ES2022",
          types: [],
        },
        files: ["index.ts"],
      }),
    );
    expect(() =>
      execFileSync(
        process.execPath,
        [join(REPOSITORY, "node_modules/typescript/bin/tsc"), "-p", program],
        { encoding: "utf8" },
      ),
    ).not.toThrow();
  });
});
