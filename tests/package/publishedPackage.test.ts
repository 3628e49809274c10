/**
 * What the published package holds and exports: the built provider with its plugin's launcher and
 * schema, the README and the LICENSE that package.json names, and no test, tooling or emulator
 * file; entries that export what programs use and nothing only tests need.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPOSITORY } from "../../tooling/localStack";

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
      "dist/provider/plugin/schema.json",
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

it("exports the resources and providers programs use from its entries, and nothing else at run time", () => {
  /* eslint-disable @typescript-eslint/no-require-imports -- the built entries, as programs load them */
  const main = require(join(REPOSITORY, "dist/provider/index.js")) as object;
  const plugin = require(join(REPOSITORY, "dist/provider/plugin/index.js")) as object;
  /* eslint-enable @typescript-eslint/no-require-imports */
  expect([Object.keys(main).sort(), Object.keys(plugin).sort()]).toStrictEqual([
    ["BucketEncryption", "BucketEncryptionProvider"],
    ["BucketEncryption", "Provider"],
  ]);
});
