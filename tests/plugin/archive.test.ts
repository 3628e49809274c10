/**
 * The self-contained plugin archive (`npm run package:plugin`): what it holds, and that its
 * executable serves the plugin from a folder with no node_modules, needing only Node.js on PATH.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import {
  packagePluginArchive,
  packageVersion,
  PLUGIN_EXECUTABLE,
  THIRD_PARTY_LICENSES,
  type PluginArchive,
} from "../../tooling/pluginArchive";
import { providerClient } from "../support/providerClient";

jest.setTimeout(60_000);

let workDir: string;
let archive: PluginArchive;
let extracted: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "plugin-archive-test-"));
  archive = await packagePluginArchive(workDir);
  extracted = join(workDir, "extracted");
  execFileSync("mkdir", [extracted]);
  execFileSync("tar", [
    "--extract",
    "--gzip",
    `--file=${archive.path}`,
    `--directory=${extracted}`,
  ]);
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** Starts the extracted executable with `path` as PATH; resolves with its first line of output. */
function startExtracted(path: string) {
  const child = spawn(join(extracted, PLUGIN_EXECUTABLE), [], {
    cwd: workDir,
    env: { PATH: path },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = new Promise<string>((resolve) => {
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("\n")) {
        resolve(stdout.split("\n")[0] ?? "");
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return { child, firstLine, exited, stderr: () => stderr };
}

it("is named as Pulumi names plugin archives and holds the executable and the licenses", () => {
  const listing = execFileSync("tar", ["--list", "--verbose", "--gzip", `--file=${archive.path}`])
    .toString()
    .trim()
    .split("\n")
    .map((line) => {
      const fields = line.split(/\s+/);
      return [fields[0], fields[fields.length - 1]];
    });
  expect([basename(archive.path), archive.version, archive.bytes]).toStrictEqual([
    `pulumi-resource-ossencryption-v${packageVersion()}-linux-amd64.tar.gz`,
    packageVersion(),
    statSync(archive.path).size,
  ]);
  expect(listing).toStrictEqual([
    ["-rwxr-xr-x", PLUGIN_EXECUTABLE],
    ["-rw-r--r--", "LICENSE"],
    ["-rw-r--r--", THIRD_PARTY_LICENSES],
  ]);
  const licenses = readFileSync(join(extracted, THIRD_PARTY_LICENSES), "utf8");
  expect(licenses).toContain("ali-oss 6.23.0 (MIT)");
  expect(licenses).toContain("zod 4.6.7 (MIT)");
  expect(licenses).toContain("@grpc/grpc-js 1.14.7 (Apache-2.0)");
});

it("packs the same archive from the same build", async () => {
  const again = await packagePluginArchive(mkdtempSync(join(workDir, "again-")));
  expect(readFileSync(again.path).equals(readFileSync(archive.path))).toBe(true);
});

it("serves the plugin at the package's version, with its schema, from a folder without node_modules", async () => {
  const plugin = startExtracted(dirname(process.execPath));
  try {
    const rpc = providerClient(Number(await plugin.firstLine));
    try {
      const info = await rpc.getPluginInfo();
      const schema = JSON.parse(
        (await rpc.getSchema(new provproto.GetSchemaRequest())).getSchema(),
      ) as { name: string; version: string; resources: Record<string, unknown> };
      expect([
        info.getVersion(),
        schema.name,
        schema.version,
        Object.keys(schema.resources),
      ]).toStrictEqual([
        packageVersion(),
        "ossencryption",
        packageVersion(),
        ["ossencryption:index:BucketEncryption"],
      ]);
    } finally {
      rpc.close();
    }
  } finally {
    plugin.child.kill();
  }
});

it("names the Node.js it needs when the one on PATH is older than 22, and exits", async () => {
  const olderNode = execFileSync("sh", ["-c", "which -a node"])
    .toString()
    .split("\n")
    .find(
      (node) =>
        node !== "" &&
        Number(execFileSync(node, ["-p", "process.versions.node.split('.')[0]"]).toString()) < 22,
    );
  if (olderNode === undefined) {
    throw new Error(
      "This test needs a Node.js older than 22 on PATH, as the machine's Node 20 at /usr/bin/node is.",
    );
  }
  const version = execFileSync(olderNode, ["--version"]).toString().trim();
  const plugin = startExtracted(dirname(olderNode));
  expect(await plugin.exited).toBe(1);
  expect(plugin.stderr()).toBe(
    `pulumi-resource-ossencryption needs Node.js 22 or later on PATH; found ${version} at ${olderNode}.\n`,
  );
});
