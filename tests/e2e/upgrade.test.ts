/**
 * A package upgrade is picked up by refresh and destroy of resources created by an older version:
 * the `__provider` stored in state only loads the installed package by name, so whatever version
 * is installed when the engine calls read or delete is the one that runs.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { OssEmulator } from "local-oss-endpoint";
import { PACKAGE_NAME } from "../../tooling/localStack";
import {
  createTestStack,
  emulatorConfig,
  resourcesConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "../support/pulumiStack";

jest.setTimeout(180_000);

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
 * Turns the package installed in the program's node_modules into a "newer version": the same
 * provider, wrapped so that every read and delete it serves is written to `marker`.
 */
function installUpgrade(workDir: string, marker: string): void {
  const installed = join(workDir, "node_modules", PACKAGE_NAME);
  const manifestPath = join(installed, "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { version: string };
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: "99.0.0" }));
  const moduleDir = join(installed, "dist/provider/dynamic");
  renameSync(join(moduleDir, "processProvider.js"), join(moduleDir, "processProvider.v0.js"));
  writeFileSync(
    join(moduleDir, "processProvider.js"),
    `const fs = require("node:fs");
const current = require("./processProvider.v0.js");
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
