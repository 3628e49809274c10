/**
 * The provider plugin `ossencryption` through the real engine, from a TypeScript program that uses
 * `pulumi-oss-bucket-encryption/plugin` with the plugin found in node_modules/.bin (Pulumi.yaml
 * `plugins`): up, no-change preview, refresh drift, import, replaceOnChanges, an explicit
 * provider, provider config checked at preview, and no secret in the state or the output.
 */
import { DEFAULT_CREDENTIAL, type OssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import { expectNoSecretLeaked } from "../support/stackState";
import {
  createTestStack,
  PLUGIN_BUCKET_ENCRYPTION_TYPE,
  pluginEmulatorConfig,
  startEmulatorWithBuckets,
  type StateResource,
  type TestStack,
} from "../support/pulumiStack";
import { PROVIDER_SECRET, writes } from "../support/pluginStacks";

jest.setTimeout(240_000);

let oss: OssEmulator;
let test: TestStack;

interface Spec {
  name: string;
  parentType?: string;
  bucket: string;
  sseAlgorithm: string;
  kmsMasterKeyId?: string;
  explicit?: boolean;
  secretArgs?: string[];
  replaceOnChanges?: string[];
  onExisting?: string;
}

async function declare(...resources: Spec[]): Promise<void> {
  await test.stack.setConfig("resources", { value: JSON.stringify(resources) });
}

async function resources(): Promise<StateResource[]> {
  return test.resourcesOfType(PLUGIN_BUCKET_ENCRYPTION_TYPE);
}

function failureOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "no failure",
    (error: unknown) => String(error),
  );
}

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(["logs", "audit"]);
  test = await createTestStack({
    program: "tests/e2e/plugin-program",
    config: pluginEmulatorConfig(oss),
  });
});

afterEach(async () => {
  expectNoSecretLeaked(test, oss, [PROVIDER_SECRET]);
  await oss.close();
  test.cleanup();
});

describe("a TypeScript program with the plugin's BucketEncryption", () => {
  it("creates the rule with the dynamic resource's calls, previews and ups again with no call, and destroys it", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "kms", kmsMasterKeyId: "key-1" });
    const up = await test.stack.up({ onOutput: test.onOutput });
    expect(up.summary.resourceChanges).toMatchObject({ create: 2 });
    expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 2, PutBucketEncryption: 1 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
    });
    const [resource] = await resources();
    expect(resource?.id).toBe("logs");
    expect(resource?.outputs).toMatchObject({
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
      signatureVersion: "v4",
      location: { region: "cn-hangzhou", endpoint: oss.endpoint },
    });
    expect(up.outputs.algorithms?.value).toStrictEqual({ logs: "KMS" });
    oss.clearRequests();
    const preview = await test.stack.preview({ onOutput: test.onOutput });
    expect(preview.changeSummary).toStrictEqual({ same: 2 });
    const again = await test.stack.up({ onOutput: test.onOutput });
    expect(again.summary.resourceChanges).toStrictEqual({ same: 2 });
    expect(oss.counts()).toStrictEqual({});
    await test.stack.destroy({ onOutput: test.onOutput });
    expect(oss.bucket("logs")?.rule).toBeUndefined();
    expect(writes(oss)).toStrictEqual({ DeleteBucketEncryption: 1 });
  });

  it("shows drift on refresh, names the changed keys in preview --diff, and up repairs it", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    await test.stack.up({ onOutput: test.onOutput });
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
    const failure = await failureOf(
      test.stack.previewRefresh({ expectNoChanges: true, onOutput: test.onOutput }),
    );
    expect(failure).toContain("ossencryption:index:BucketEncryption logs update");
    await test.stack.refresh({ onOutput: test.onOutput });
    const [drifted] = await resources();
    expect(drifted?.outputs.sseAlgorithm).toBe("AES256");
    const preview = await test.stack.preview({ diff: true, onOutput: test.onOutput });
    expect(preview.changeSummary).toStrictEqual({ same: 1, update: 1 });
    expect(preview.stdout).toMatch(/~ sseAlgorithm\s*: "AES256" => "KMS"/);
    expect(preview.stdout).toMatch(/\+ kmsMasterKeyId\s*: "key-1"/);
    await test.stack.up({ onOutput: test.onOutput });
    expect(oss.bucket("logs")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
    });
  });

  it("imports a bucket's rule with no write, and a program that declares it previews with no change", async () => {
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", {
      SSEAlgorithm: "KMS",
      KMSMasterKeyID: "their-key",
    });
    oss.clearRequests();
    await test.stack.import({
      resources: [{ type: PLUGIN_BUCKET_ENCRYPTION_TYPE, name: "logs", id: "logs" }],
      generateCode: false,
      protect: false,
      onOutput: test.onOutput,
    });
    expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 1 });
    const [imported] = await resources();
    expect(imported?.outputs).toMatchObject({
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "their-key",
      location: { region: "cn-hangzhou", endpoint: oss.endpoint },
    });
    await declare({
      name: "logs",
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "their-key",
    });
    const preview = await test.stack.preview({ onOutput: test.onOutput });
    expect(preview.changeSummary).toStrictEqual({ same: 2 });
    expect(writes(oss)).toStrictEqual({});
  });

  it("replaces the resource when a replaceOnChanges property changes, leaving the new rule", async () => {
    const spec = { name: "logs", bucket: "logs", replaceOnChanges: ["sseAlgorithm"] };
    await declare({ ...spec, sseAlgorithm: "AES256", onExisting: "fail" });
    await test.stack.up({ onOutput: test.onOutput });
    await declare({ ...spec, sseAlgorithm: "SM4", onExisting: "fail" });
    const result = await test.stack.up({ onOutput: test.onOutput });
    expect(result.summary.resourceChanges).toMatchObject({ replace: 1 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
    await expect(
      test.stack.previewRefresh({ expectNoChanges: true, onOutput: test.onOutput }),
    ).resolves.toBeDefined();
  });

  it("fails the preview of two resources on one bucket, naming both", async () => {
    await declare(
      { name: "first", bucket: "logs", sseAlgorithm: "AES256" },
      { name: "second", bucket: "logs", sseAlgorithm: "SM4" },
    );
    const failure = await failureOf(test.stack.preview({ onOutput: test.onOutput }));
    // The engine checks the two at once: whichever comes second is refused.
    expect(failure).toMatch(
      /BucketEncryption "(first|second)" declares bucket "logs", which BucketEncryption "(second|first)" already declares/,
    );
    expect(oss.counts()).toStrictEqual({});
  });

  it("fails the preview of two children of the same name under two components on one bucket, naming both by URN", async () => {
    await declare(
      { name: "encryption", bucket: "logs", sseAlgorithm: "AES256", parentType: "acme:index:Logs" },
      { name: "encryption", bucket: "logs", sseAlgorithm: "SM4", parentType: "acme:index:Archive" },
    );
    const failure = await failureOf(test.stack.preview({ onOutput: test.onOutput }));
    const urn =
      "urn:pulumi:test::bucket-encryption-plugin-e2e::acme:index:(Logs|Archive)\\$ossencryption:index:BucketEncryption::encryption";
    expect(failure).toMatch(
      new RegExp(
        `BucketEncryption ${urn} declares bucket "logs", which BucketEncryption ${urn} already declares`,
      ),
    );
    expect(oss.counts()).toStrictEqual({});
  });

  it("keeps a key id given as a secret secret in kmsMasterKeyId and priorRule", async () => {
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", {
      SSEAlgorithm: "KMS",
      KMSMasterKeyID: "secret-plugin-key-7a1",
    });
    await declare({
      name: "logs",
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "secret-plugin-key-7a1",
      secretArgs: ["kmsMasterKeyId"],
    });
    await test.stack.up({ onOutput: test.onOutput });
    const [resource] = await resources();
    for (const output of ["kmsMasterKeyId", "priorRule"]) {
      expect(resource?.outputs[output]).toMatchObject({
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      });
    }
    expect(test.stateFileText()).not.toContain("secret-plugin-key-7a1");
    expect(test.output.join("")).not.toContain("secret-plugin-key-7a1");
  });
});

describe("the plugin's provider", () => {
  it("as an explicit provider calls OSS with its own credentials and endpoint, kept secret", async () => {
    const other = await startEmulatorWithBuckets(["audit"], {
      credentials: [{ accessKeyId: "explicit-key", accessKeySecret: "explicit-secret-2b" }],
    });
    try {
      await test.stack.setAllConfig({
        explicitEndpoint: { value: other.endpoint },
        explicitRegion: { value: "cn-hangzhou" },
        explicitAccessKey: { value: "explicit-key", secret: true },
        explicitSecretKey: { value: "explicit-secret-2b", secret: true },
      });
      await declare({ name: "audit", bucket: "audit", sseAlgorithm: "SM4", explicit: true });
      await test.stack.up({ onOutput: test.onOutput });
      expect(other.bucket("audit")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
      expect(oss.bucket("audit")?.rule).toBeUndefined();
      expect(test.stateFileText()).not.toContain("explicit-secret-2b");
      expect(test.output.join("")).not.toContain("explicit-secret-2b");
      await test.stack.destroy({ onOutput: test.onOutput });
      expect(other.bucket("audit")?.rule).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it("as an explicit provider given only an endpoint registers no other argument: credentials and region come from the environment", async () => {
    const fromEnvironment = await createTestStack({
      program: "tests/e2e/plugin-program",
      config: { explicitEndpoint: { value: oss.endpoint } },
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_CREDENTIAL.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_CREDENTIAL.accessKeySecret,
        ALIBABA_CLOUD_REGION: "cn-hangzhou",
      },
    });
    try {
      await fromEnvironment.stack.setConfig("resources", {
        value: JSON.stringify([
          { name: "audit", bucket: "audit", sseAlgorithm: "SM4", explicit: true },
        ]),
      });
      await fromEnvironment.stack.up({ onOutput: fromEnvironment.onOutput });
      expect(oss.bucket("audit")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
      const [provider] = await fromEnvironment.resourcesOfType("pulumi:providers:ossencryption");
      // `__internal` and `version` are the engine's own.
      expect(Object.keys(provider?.inputs ?? {}).sort()).toStrictEqual([
        "__internal",
        "endpoint",
        "version",
      ]);
    } finally {
      await fromEnvironment.stack.destroy({ onOutput: fromEnvironment.onOutput });
      fromEnvironment.cleanup();
    }
  });

  it("keeps the rule when a resource moves to another provider with a replace: the old provider's delete sees the new one declare the bucket", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "SM4" });
    await test.stack.up({ onOutput: test.onOutput });
    await test.stack.setAllConfig({
      explicitEndpoint: { value: oss.endpoint },
      explicitRegion: { value: "cn-hangzhou" },
      explicitAccessKey: { value: DEFAULT_CREDENTIAL.accessKeyId, secret: true },
      explicitSecretKey: { value: DEFAULT_CREDENTIAL.accessKeySecret, secret: true },
    });
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "SM4", explicit: true });
    oss.clearRequests();
    const [resource] = await resources();
    const moved = await test.stack.up({ onOutput: test.onOutput, replace: [resource?.urn ?? ""] });
    expect(moved.summary.resourceChanges).toMatchObject({ replace: 1 });
    // The new provider's create finds the rule it declares; the old one's delete sends nothing.
    expect([oss.counts(), oss.bucket("logs")?.rule]).toStrictEqual([
      { GetBucketEncryption: 1 },
      { sseAlgorithm: "SM4" },
    ]);
    await expect(
      test.stack.previewRefresh({ expectNoChanges: true, onOutput: test.onOutput }),
    ).resolves.toBeDefined();
  });

  it("fails the preview on bad config, naming the key and what is allowed, before any request", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "AES256" });
    await test.stack.setAllConfig({
      "ossencryption:region": { value: "Hangzhou!" },
      "ossencryption:maxAttempts": { value: "50" },
    });
    const failure = await failureOf(test.stack.preview({ onOutput: test.onOutput }));
    expect(failure).toContain("region must be a region id such as cn-hangzhou or ap-southeast-1");
    expect(failure).toContain(
      "ossencryption:maxAttempts must be a whole number of attempts from 1 to 20",
    );
    expect(oss.counts()).toStrictEqual({});
  });
});
