/**
 * The plugin's function `getBucketEncryptionAudit` through the real engine, from a TypeScript
 * program (examples/audit: it fails the deployment while objects do not conform, until the
 * command re-encrypts them), a YAML program (examples/yaml-audit) and a Go program (through the
 * generated Go SDK, with the plugin installed from its archive).
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import type { OssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import { localAuditEnv } from "../../tooling/localAudit";
import { createPluginStack, pluginArchiveFor, PROVIDER_SECRET } from "../support/pluginStacks";
import {
  pluginEmulatorConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "../support/pulumiStack";
import { expectNoSecretLeaked } from "../support/stackState";

jest.setTimeout(600_000);

let oss: OssEmulator;
let test: TestStack | undefined;

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(["example-bucket"]);
  const client = aliOssClient(oss.endpoint, { bucket: "example-bucket" });
  // Written before any rule, and with a header of its own: neither is encrypted as KMS says.
  await client.put("old/report.csv", Buffer.from("a,b"));
  await client.put("old/photo.jpg", Buffer.from("jpg"), {
    headers: { "x-oss-server-side-encryption": "AES256" },
  });
});

afterEach(async () => {
  if (test !== undefined) {
    expectNoSecretLeaked(test, oss, [PROVIDER_SECRET]);
    test.cleanup();
    test = undefined;
  }
  await oss.close();
});

/** The stack's outputs, each with whether it is secret. */
async function outputs(
  stack: TestStack,
): Promise<Record<string, { value: unknown; secret?: boolean }>> {
  return stack.stack.outputs();
}

const NON_CONFORMING_OBJECTS = [
  { key: "old/photo.jpg", sseAlgorithm: "AES256" },
  { key: "old/report.csv" },
];

it("from TypeScript: exports the counts (unsecreted) and the objects (secret), and fails the deployment while objects do not conform, until they are re-encrypted", async () => {
  test = await createPluginStack(
    "examples/audit",
    {
      bucket: { value: "example-bucket" },
      kmsMasterKeyId: { value: "audit-cmk" },
      ...pluginEmulatorConfig(oss),
    },
    undefined,
  );
  const stack = test;
  await stack.stack.up({ onOutput: stack.onOutput });
  expect(await outputs(stack)).toStrictEqual({
    scanned: { value: 2, secret: false },
    nonConforming: { value: 2, secret: false },
    objects: { value: NON_CONFORMING_OBJECTS, secret: true },
  });

  await stack.stack.setConfig("requireConforming", { value: "true" });
  await expect(stack.stack.up({ onOutput: stack.onOutput })).rejects.toThrow(
    "Bucket example-bucket holds 2 objects not encrypted as its default rule says; oss-encryption-audit --bucket example-bucket checks every object, and --fix re-encrypts.",
  );

  // The command the package installs, as a pipeline runs it.
  const fix = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = execFile(
      join(stack.workDir, "node_modules/.bin/oss-encryption-audit"),
      ["--bucket", "example-bucket", "--endpoint", oss.endpoint, "--fix", "--yes"],
      {
        env: localAuditEnv(),
        encoding: "utf8",
      },
      (_error, stdout) => {
        resolve({ code: child.exitCode, stdout });
      },
    );
  });
  expect(fix.code).toBe(0);
  expect(fix.stdout).toContain("2 objects checked: 0 conform, 2 do not; 2 re-encrypted.");

  await stack.stack.up({ onOutput: stack.onOutput });
  expect(await outputs(stack)).toMatchObject({
    scanned: { value: 2 },
    nonConforming: { value: 0 },
    objects: { value: [], secret: true },
  });
});

it("from YAML: exports the audit, secret as a whole", async () => {
  await aliOssClient(oss.endpoint).putBucketEncryption("example-bucket", {
    SSEAlgorithm: "KMS",
    KMSMasterKeyID: "yaml-cmk",
  });
  test = await createPluginStack(
    "examples/yaml-audit",
    { bucket: { value: "example-bucket" }, ...pluginEmulatorConfig(oss) },
    undefined,
  );
  const stack = test;
  oss.clearRequests();
  await stack.stack.up({ onOutput: stack.onOutput });
  // Secret, every one: the result names key ids read from OSS.
  expect(await outputs(stack)).toStrictEqual({
    scanned: { value: 2, secret: true },
    nonConforming: { value: 2, secret: true },
    complete: { value: true, secret: true },
    objects: { value: NON_CONFORMING_OBJECTS, secret: true },
  });
  // One audit per run: its HEADs, and nothing written.
  expect(oss.counts()).toMatchObject({ HeadObject: 2, ListObjectsV2: 1 });
  expect(oss.counts().CopyObject).toBeUndefined();
});

describe("from Go", () => {
  const archive = pluginArchiveFor("archive");

  it("exports the counts through the generated SDK, unsecreted, and the objects secret", async () => {
    await aliOssClient(oss.endpoint).putBucketEncryption("example-bucket", {
      SSEAlgorithm: "AES256",
    });
    test = await createPluginStack(
      "tests/e2e/plugin-go-program",
      {
        resources: { value: "[]" },
        auditBucket: { value: "example-bucket" },
        ...pluginEmulatorConfig(oss),
      },
      archive(),
    );
    const stack = test;
    await stack.stack.up({ onOutput: stack.onOutput });
    expect(await outputs(stack)).toMatchObject({
      scanned: { value: 2, secret: false },
      nonConforming: { value: 1, secret: false },
      objects: { value: [{ key: "old/report.csv" }], secret: true },
    });
  });
});
