/**
 * A secret stays secret wherever its value goes, through the real engine, for both providers: an
 * output is secret when its value came from a secret — an input now or before, or config — and a
 * check failure names what is wrong without printing a secret value.
 */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import type { OssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import {
  BUCKET_ENCRYPTION_TYPE,
  createTestStack,
  emulatorConfig,
  PLUGIN_BUCKET_ENCRYPTION_TYPE,
  pluginEmulatorConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "../support/pulumiStack";

jest.setTimeout(240_000);

/** How Pulumi marks a secret in an exported state. */
const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/** Each provider's test program, resource type, and stack config for the emulator. */
const PROVIDERS = {
  dynamic: {
    program: "tests/e2e/program",
    type: BUCKET_ENCRYPTION_TYPE,
    config: emulatorConfig,
    regionKey: "alicloud:region",
  },
  plugin: {
    program: "tests/e2e/plugin-program",
    type: PLUGIN_BUCKET_ENCRYPTION_TYPE,
    config: pluginEmulatorConfig,
    regionKey: "ossencryption:region",
  },
} as const;

describe.each(Object.keys(PROVIDERS) as (keyof typeof PROVIDERS)[])("the %s resource", (name) => {
  const provider = PROVIDERS[name];
  let oss: OssEmulator;
  let test: TestStack;

  async function start(config: ConfigMap = {}): Promise<void> {
    test = await createTestStack({
      program: provider.program,
      config: { ...provider.config(oss), ...config },
    });
  }

  async function declare(...resources: Record<string, unknown>[]): Promise<void> {
    await test.stack.setConfig("resources", { value: JSON.stringify(resources) });
  }

  async function outputs(): Promise<Record<string, unknown>> {
    const [resource] = await test.resourcesOfType(provider.type);
    return resource?.outputs ?? {};
  }

  beforeEach(async () => {
    oss = await startEmulatorWithBuckets(["logs"]);
  });

  afterEach(async () => {
    await oss.close();
    test.cleanup();
  });

  it("keeps priorRule secret after an update that drops the secret key id", async () => {
    const PRIOR_KEY_ID = "prior-key-7d1e";
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", {
      SSEAlgorithm: "KMS",
      KMSMasterKeyID: PRIOR_KEY_ID,
    });
    await start();
    const logs = { name: "logs", bucket: "logs" };
    await declare({
      ...logs,
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "declared-key",
      secretArgs: ["kmsMasterKeyId"],
    });
    await test.stack.up({ onOutput: test.onOutput });
    await declare({ ...logs, sseAlgorithm: "AES256" });
    await test.stack.up({ onOutput: test.onOutput });
    const after = await outputs();
    expect([after.sseAlgorithm, after.priorRule]).toStrictEqual([
      "AES256",
      expect.objectContaining(SECRET),
    ]);
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "AES256" });
    await test.stack.refresh({ onOutput: test.onOutput });
    expect((await outputs()).priorRule).toMatchObject(SECRET);
    expect(test.stateFileText()).not.toContain(PRIOR_KEY_ID);
    expect(test.output.join("")).not.toContain(PRIOR_KEY_ID);
  });

  it("keeps location secret when the endpoint is a secret input", async () => {
    await start();
    await declare({
      name: "logs",
      bucket: "logs",
      sseAlgorithm: "SM4",
      endpoint: oss.endpoint,
      secretArgs: ["endpoint"],
    });
    await test.stack.up({ onOutput: test.onOutput });
    const stored = await outputs();
    expect([stored.endpoint, stored.location]).toStrictEqual([
      expect.objectContaining(SECRET),
      expect.objectContaining(SECRET),
    ]);
    await test.stack.refresh({ onOutput: test.onOutput });
    expect((await outputs()).location).toMatchObject(SECRET);
  });

  it("keeps location secret when the region comes from secret config", async () => {
    await start({ [provider.regionKey]: { value: "cn-hangzhou", secret: true } });
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "SM4" });
    await test.stack.up({ onOutput: test.onOutput });
    expect((await outputs()).location).toMatchObject(SECRET);
  });

  it("refuses a bucket given as a secret, which as the resource's id would be stored in plain text", async () => {
    await start();
    await declare({
      name: "bad",
      bucket: "hunter2-bucket",
      sseAlgorithm: "AES256",
      secretArgs: ["bucket"],
    });
    const failure = await test.stack.preview({ onOutput: test.onOutput }).then(
      () => "no failure",
      (error: unknown) => String(error),
    );
    expect(failure).toContain(
      "bucket must not be a secret: it is the resource's id, which Pulumi keeps in plain text in the state and shows in its output",
    );
    expect(`${failure}${test.output.join("")}`).not.toContain("hunter2-bucket");
    expect(oss.counts()).toStrictEqual({});
  });

  it.each([
    ["sseAlgorithm", "hunter2-algorithm"],
    ["region", "hunter2_region"],
    ["onDelete", "hunter2-mode"],
    ["signatureVersion", "hunter2-version"],
  ])(
    "fails a check on an invalid secret %s, naming the property and printing no value",
    async (property, value) => {
      await start();
      await declare({
        name: "bad",
        bucket: "logs",
        sseAlgorithm: "AES256",
        [property]: value,
        secretArgs: [property],
      });
      const failure = await test.stack.preview({ onOutput: test.onOutput }).then(
        () => "no failure",
        (error: unknown) => String(error),
      );
      expect(failure).toMatch(
        new RegExp(`property ${property} value \\{\\[secret\\]\\} has a problem`),
      );
      expect(`${failure}${test.output.join("")}`).not.toContain(value);
      expect(oss.counts()).toStrictEqual({});
    },
  );
});
