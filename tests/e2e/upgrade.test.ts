/**
 * A package upgrade is picked up by refresh and destroy of resources created by an older version:
 * the `__provider` stored in state only loads the installed package by name, so whatever version
 * is installed when the engine calls read or delete is the one that runs.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OssEmulator } from "../../emulator";
import {
  createTestStack,
  emulatorConfig,
  REPOSITORY,
  resourcesConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "../support/pulumiStack";

jest.setTimeout(180_000);

const PACKAGE = "pulumi-oss-bucket-encryption";

let oss: OssEmulator;
let test: TestStack;

beforeAll(async () => {
  oss = await startEmulatorWithBuckets(["logs"]);
});

afterAll(async () => {
  await oss.close();
  test.cleanup();
});

/**
 * Installs a "newer version" of the package into the program's node_modules: the same provider,
 * wrapped so that every read and delete it serves is written to `marker`.
 */
function installUpgrade(workDir: string, marker: string): void {
  const modules = join(workDir, "node_modules");
  rmSync(modules);
  mkdirSync(modules);
  for (const entry of readdirSync(join(REPOSITORY, "node_modules"))) {
    if (entry !== PACKAGE) {
      symlinkSync(join(REPOSITORY, "node_modules", entry), join(modules, entry));
    }
  }
  const upgraded = join(modules, PACKAGE);
  mkdirSync(upgraded);
  const installed = join(REPOSITORY, "dist/provider");
  writeFileSync(
    join(upgraded, "package.json"),
    JSON.stringify({
      name: PACKAGE,
      version: "99.0.0",
      exports: { ".": "./index.js", "./shim": "./shim.js" },
    }),
  );
  writeFileSync(
    join(upgraded, "index.js"),
    `module.exports = require(${JSON.stringify(join(installed, "index.js"))});\n`,
  );
  writeFileSync(
    join(upgraded, "shim.js"),
    `const fs = require("node:fs");
const current = require(${JSON.stringify(join(installed, "pulumi/shim.js"))});
let provider;
exports.processProvider = () => {
  if (provider === undefined) {
    provider = current.processProvider();
    for (const method of ["read", "delete"]) {
      const original = provider[method].bind(provider);
      provider[method] = (id, props) => {
        fs.appendFileSync(${JSON.stringify(marker)}, "version 99.0.0 " + method + " " + id + "\\n");
        return original(id, props);
      };
    }
  }
  return provider;
};
`,
  );
}

it("refresh and destroy of resources created by the current version run the upgraded package", async () => {
  test = await createTestStack({
    program: "tests/e2e/program",
    config: {
      ...emulatorConfig(oss),
      ...resourcesConfig([{ name: "logs", bucket: "logs", sseAlgorithm: "SM4" }]),
    },
  });
  await test.stack.up({ onOutput: test.onOutput });
  const [created] = await test.bucketEncryptions();

  const marker = join(test.workDir, "upgrade-marker.txt");
  writeFileSync(marker, "");
  installUpgrade(test.workDir, marker);

  await test.stack.refresh({ onOutput: test.onOutput });
  expect(readFileSync(marker, "utf8")).toBe("version 99.0.0 read logs\n");
  const [refreshed] = await test.bucketEncryptions();
  expect(refreshed?.outputs.__provider).toBe(created?.outputs.__provider);

  await test.stack.destroy({ onOutput: test.onOutput });
  expect(readFileSync(marker, "utf8")).toBe(
    "version 99.0.0 read logs\nversion 99.0.0 delete logs\n",
  );
  expect(oss.bucket("logs")?.rule).toBeUndefined();
});
