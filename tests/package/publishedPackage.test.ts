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
import { dirname, join } from "node:path";
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

it("exports the resources, providers, enumerations and function programs use from its entries, and nothing else at run time", () => {
  /* eslint-disable @typescript-eslint/no-require-imports -- the built entries, as programs load them */
  const main = require(join(REPOSITORY, "dist/provider/index.js")) as object;
  const plugin = require(join(REPOSITORY, "dist/provider/plugin/index.js")) as object;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const enums = ["KmsDataEncryption", "OnDelete", "OnExisting", "SignatureVersion", "SseAlgorithm"];
  expect([Object.keys(main).sort(), Object.keys(plugin).sort()]).toStrictEqual([
    ["BucketEncryption", "BucketEncryptionProvider", ...enums],
    ["BucketEncryption", ...enums, "Provider", "getBucketEncryptionAudit"].sort(),
  ]);
});

describe("the declarations it publishes", () => {
  let folder: string;
  /** A program's folder, with the packed package installed beside its dependencies. */
  let program: string;
  /** The packed package, as the program has it installed. */
  let installed: string;

  /** What `tsc -p <project>` reports, with the repository's TypeScript: nothing when it passes. */
  function compilerReport(project: string): string {
    try {
      return execFileSync(
        process.execPath,
        [join(REPOSITORY, "node_modules/typescript/bin/tsc"), "-p", project],
        { encoding: "utf8" },
      );
    } catch (error) {
      return (error as { stdout?: string }).stdout ?? String(error);
    }
  }

  /** The compiler options of a strict program that checks the libraries it uses too. */
  const COMPILER_OPTIONS = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    module: "node16",
    moduleResolution: "node16",
    target: "ES2022",
  };

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
    program = join(folder, "program");
    installed = join(program, "node_modules", PACKAGE_NAME);
    mkdirSync(join(program, "node_modules"), { recursive: true });
    renameSync(join(folder, "package"), installed);
    // What an install would put beside it: the package's dependencies, and the Node types a
    // program has.
    const { dependencies } = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    for (const name of [...Object.keys(dependencies), "@types/node"]) {
      mkdirSync(dirname(join(program, "node_modules", name)), { recursive: true });
      symlinkSync(join(REPOSITORY, "node_modules", name), join(program, "node_modules", name));
    }
  });

  afterAll(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  /** Every published declaration file, relative to the package. */
  function declarations(): string[] {
    return readdirSync(installed, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith(".d.ts"));
  }

  it("declare nothing marked @internal (test hooks stay out of the published types)", () => {
    expect(declarations().length).toBeGreaterThan(10);
    expect(
      declarations().filter((file) =>
        readFileSync(join(installed, file), "utf8").includes("@internal"),
      ),
    ).toStrictEqual([]);
  });

  it("type-check, every one of them, with the library check on: none names a type left out", () => {
    const project = join(program, "declarations.tsconfig.json");
    writeFileSync(
      project,
      JSON.stringify({
        compilerOptions: { ...COMPILER_OPTIONS, types: ["node"] },
        files: declarations().map((file) => join("node_modules", PACKAGE_NAME, file)),
      }),
    );
    expect(compilerReport(project)).toBe("");
  });

  it("type-check a program that uses both entries, with the library check on", () => {
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
        compilerOptions: { ...COMPILER_OPTIONS, types: [] },
        files: ["index.ts"],
      }),
    );
    expect(compilerReport(program)).toBe("");
  });
});
