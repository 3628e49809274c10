/**
 * The real Pulumi engine end to end: up, preview, update, replace, refresh drift and destroy of
 * BucketEncryption resources against the local OSS endpoint, asserting on the emulator's stored
 * rules and request counters and on the exported state.
 */
import type { OssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import {
  createTestStack,
  emulatorConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "../support/pulumiStack";
import { secretOutput } from "../support/stackState";

jest.setTimeout(180_000);

let oss: OssEmulator;
let test: TestStack;

interface Spec {
  name: string;
  bucket: string;
  sseAlgorithm: string;
  kmsMasterKeyId?: string;
  kmsDataEncryption?: string;
  onExisting?: string;
  onDelete?: string;
  retainOnDelete?: boolean;
}

async function declare(...resources: Spec[]): Promise<void> {
  await test.stack.setConfig("resources", { value: JSON.stringify(resources) });
}

const WRITES = ["PutBucketEncryption", "DeleteBucketEncryption"];

function writes(): Record<string, number> {
  return Object.fromEntries(
    Object.entries(oss.counts()).filter(([operation]) => WRITES.includes(operation)),
  );
}

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(["logs", "audit"]);
  test = await createTestStack({ program: "tests/e2e/program", config: emulatorConfig(oss) });
});

afterEach(async () => {
  await oss.close();
  test.cleanup();
});

describe("pulumi up", () => {
  it("creates the rule, and the outputs equal what OSS holds", async () => {
    await declare({
      name: "logs",
      bucket: "logs",
      sseAlgorithm: "kms",
      kmsMasterKeyId: "key-1",
      kmsDataEncryption: "SM4",
    });
    const result = await test.stack.up({ onOutput: test.onOutput });
    expect(result.summary.resourceChanges).toMatchObject({ create: 2 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
      kmsDataEncryption: "SM4",
    });
    expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 2, PutBucketEncryption: 1 });
    const [resource] = await test.bucketEncryptions();
    expect(resource?.id).toBe("logs");
    expect(resource?.outputs).toMatchObject({
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
      kmsDataEncryption: "SM4",
    });
    expect(result.outputs.algorithms?.value).toStrictEqual({ logs: "KMS" });
  });

  it("makes no write on a second up or a preview", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "AES256" });
    await test.stack.up({ onOutput: test.onOutput });
    oss.clearRequests();
    const second = await test.stack.up({ onOutput: test.onOutput });
    expect(second.summary.resourceChanges).toStrictEqual({ same: 2 });
    const preview = await test.stack.preview({ onOutput: test.onOutput });
    expect(preview.changeSummary).toStrictEqual({ same: 2 });
    expect(oss.counts()).toStrictEqual({});
  });
});

describe("changes to the declared rule", () => {
  it("update the algorithm or the CMK in place, without replacing", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "AES256" });
    await test.stack.up({ onOutput: test.onOutput });
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    oss.clearRequests();
    const toKms = await test.stack.up({ onOutput: test.onOutput });
    expect(toKms.summary.resourceChanges).toStrictEqual({ same: 1, update: 1 });
    expect(oss.counts()).toStrictEqual({ PutBucketEncryption: 1, GetBucketEncryption: 1 });
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "key-2" });
    const newKey = await test.stack.up({ onOutput: test.onOutput });
    expect(newKey.summary.resourceChanges).toStrictEqual({ same: 1, update: 1 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-2",
    });
  });

  it("replace the resource when the bucket changes, moving the rule", async () => {
    await declare({ name: "encryption", bucket: "logs", sseAlgorithm: "SM4" });
    await test.stack.up({ onOutput: test.onOutput });
    await declare({ name: "encryption", bucket: "audit", sseAlgorithm: "SM4" });
    const result = await test.stack.up({ onOutput: test.onOutput });
    expect(result.summary.resourceChanges).toStrictEqual({ same: 1, replace: 1 });
    expect(oss.bucket("audit")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
    expect(oss.bucket("logs")?.rule).toBeUndefined();
    expect((await test.bucketEncryptions()).map((resource) => resource.id)).toStrictEqual([
      "audit",
    ]);
  });
});

describe("drift", () => {
  beforeEach(async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
    await test.stack.up({ onOutput: test.onOutput });
  });

  it("a rule changed out of band fails refresh --expect-no-changes naming the change; refresh then up restores it", async () => {
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
    const failure = await test.stack
      .previewRefresh({ expectNoChanges: true, onOutput: test.onOutput })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expect(String(failure)).toContain(
      "error: no changes were expected for refresh but changes were proposed",
    );
    expect(String(failure)).toContain(
      "pulumi-nodejs:dynamic/oss:BucketEncryption logs update [diff: -kmsMasterKeyId~sseAlgorithm]",
    );
    const refreshed = await test.stack.refresh({ onOutput: test.onOutput });
    expect(refreshed.summary.resourceChanges).toMatchObject({ update: 1 });
    const [drifted] = await test.bucketEncryptions();
    expect(drifted?.outputs).toMatchObject({ sseAlgorithm: "AES256" });
    expect(drifted?.outputs).not.toHaveProperty("kmsMasterKeyId");
    const repaired = await test.stack.up({ onOutput: test.onOutput });
    expect(repaired.summary.resourceChanges).toStrictEqual({ same: 1, update: 1 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
    });
  });

  it("a rule deleted out of band is dropped by refresh and recreated by up", async () => {
    await aliOssClient(oss.endpoint).deleteBucketEncryption("logs");
    const refreshed = await test.stack.refresh({ onOutput: test.onOutput });
    expect(refreshed.summary.resourceChanges).toMatchObject({ delete: 1 });
    expect(await test.bucketEncryptions()).toStrictEqual([]);
    const recreated = await test.stack.up({ onOutput: test.onOutput });
    expect(recreated.summary.resourceChanges).toStrictEqual({ same: 1, create: 1 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
    });
  });

  it("a bucket deleted out of band is dropped by refresh", async () => {
    await aliOssClient(oss.endpoint).deleteBucket("logs");
    const refreshed = await test.stack.refresh({ onOutput: test.onOutput });
    expect(refreshed.summary.resourceChanges).toMatchObject({ delete: 1 });
    expect(await test.bucketEncryptions()).toStrictEqual([]);
  });

  it("refresh with no drift makes one read per resource and no write", async () => {
    oss.clearRequests();
    await test.stack.refresh({ expectNoChanges: true, onOutput: test.onOutput });
    expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 1 });
  });
});

describe("what create and delete do with an existing rule", () => {
  it("onExisting fail stops up with the found rule named, and writes nothing", async () => {
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "AES256", onExisting: "fail" });
    oss.clearRequests();
    const failure = await test.stack
      .up({ onOutput: test.onOutput })
      .catch((error: unknown) => error);
    expect(String(failure)).toContain(
      'Bucket "logs" already has a default encryption rule (SM4) that differs from the declared one (AES256) and onExisting is "fail"',
    );
    expect(writes()).toStrictEqual({});
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
    expect(await test.bucketEncryptions()).toStrictEqual([]);
  });

  it("onDelete restore puts the rule found at create back on destroy", async () => {
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "KMS", onDelete: "restore" });
    await test.stack.up({ onOutput: test.onOutput });
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "KMS" });
    const [resource] = await test.bucketEncryptions();
    expect(secretOutput(resource?.outputs.priorRule)).toStrictEqual({
      secret: { sseAlgorithm: "SM4" },
    });
    await test.stack.destroy({ onOutput: test.onOutput });
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
  });

  it("retainOnDelete leaves the rule in place on destroy", async () => {
    await declare({ name: "logs", bucket: "logs", sseAlgorithm: "SM4", retainOnDelete: true });
    await test.stack.up({ onOutput: test.onOutput });
    oss.clearRequests();
    await test.stack.destroy({ onOutput: test.onOutput });
    expect(oss.counts()).toStrictEqual({});
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
  });
});

describe("pulumi destroy", () => {
  it("removes every rule, with one read and one delete each", async () => {
    await declare(
      { name: "logs", bucket: "logs", sseAlgorithm: "AES256" },
      { name: "audit", bucket: "audit", sseAlgorithm: "KMS", kmsDataEncryption: "SM4" },
    );
    await test.stack.up({ onOutput: test.onOutput });
    oss.clearRequests();
    const result = await test.stack.destroy({ onOutput: test.onOutput });
    expect(result.summary.resourceChanges).toStrictEqual({ delete: 3 });
    expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 2, DeleteBucketEncryption: 2 });
    expect([oss.bucket("logs")?.rule, oss.bucket("audit")?.rule]).toStrictEqual([
      undefined,
      undefined,
    ]);
  });
});

describe("bad inputs", () => {
  it.each([
    [
      { name: "x", bucket: "Bad_Bucket", sseAlgorithm: "AES256" },
      "bucket",
      "bucket may contain only lowercase letters, digits and hyphens",
    ],
    [
      { name: "x", bucket: "logs", sseAlgorithm: "DES" },
      "sseAlgorithm",
      "sseAlgorithm must be one of AES256, KMS, SM4 (any letter case)",
    ],
    [
      { name: "x", bucket: "logs", sseAlgorithm: "SM4", kmsMasterKeyId: "key-1" },
      "kmsMasterKeyId",
      "kmsMasterKeyId applies only when sseAlgorithm is KMS; remove it or set sseAlgorithm to KMS",
    ],
  ])(
    "fail the preview with the property named and no request sent: %j",
    async (spec, property, reason) => {
      await declare(spec);
      const failure = await test.stack
        .preview({ onOutput: test.onOutput })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect(String(failure)).toContain(
        `pulumi-nodejs:dynamic/oss:BucketEncryption resource 'x': property ${property} value {${spec[property as keyof typeof spec]}} has a problem: ${reason}`,
      );
      expect(oss.counts()).toStrictEqual({});
    },
  );
});
