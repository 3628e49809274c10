/**
 * The fault matrix through the real engine. Each retryable failure (every 503 throttling code,
 * 500, 502, 504, a reset connection, an answer slower than the client timeout), injected 1, 2 and
 * 3 times on reads, writes and deletes, is absorbed within the retry budget; each non-retryable
 * failure (403 AccessDenied, 400 InvalidArgument, 404 NoSuchBucket on write) fails at once with
 * its documented message. After every failure, refresh shows exactly what the emulator holds.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { EmulatorCredential, Fault, OssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import {
  createTestStack,
  emulatorConfig,
  resourcesConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "../support/pulumiStack";
import { expectNoSecretLeaked, expectStateMatchesEmulator, secretsOf } from "../support/stackState";

jest.setTimeout(600_000);

const CREDENTIAL: EmulatorCredential = {
  accessKeyId: "matrix-key",
  accessKeySecret: "matrix-secret-never-leaked",
};
const REQUEST_TIMEOUT_MS = 1_000;

/** Every retryable failure, by a short name usable in a bucket name. */
const RETRYABLE: Readonly<Record<string, Fault>> = {
  "meta-qps": { kind: "error", status: 503, code: "MetaOperationQpsLimitExceeded" },
  "total-qps": { kind: "error", status: 503, code: "TotalQpsLimitExceeded" },
  unavailable: { kind: "error", status: 503, code: "ServiceUnavailable" },
  "active-requests": { kind: "error", status: 503, code: "ActiveRequestLimitExceeded" },
  "download-rate": { kind: "error", status: 503, code: "DownloadTrafficRateLimitExceeded" },
  "upload-rate": { kind: "error", status: 503, code: "UploadTrafficRateLimitExceeded" },
  cpu: { kind: "error", status: 503, code: "CpuLimitExceeded" },
  internal: { kind: "error", status: 500, code: "InternalError" },
  "bad-gateway": { kind: "error", status: 502, code: "BadGateway" },
  "gateway-timeout": { kind: "error", status: 504, code: "GatewayTimeout" },
  reset: { kind: "reset" },
  slow: { kind: "delay", ms: REQUEST_TIMEOUT_MS + 500 },
};
const TIMES = [1, 2, 3];

const matrix = Object.entries(RETRYABLE).flatMap(([name, fault]) =>
  TIMES.map((times) => ({ bucket: `retry-${name}-${times}`, fault, times })),
);
const matrixBuckets = matrix.map((entry) => entry.bucket);

let oss: OssEmulator;
let test: TestStack;

async function stackFor(buckets: readonly string[]): Promise<TestStack> {
  return createTestStack({
    program: "tests/e2e/program",
    config: {
      ...emulatorConfig(oss, CREDENTIAL),
      ...resourcesConfig(
        buckets.map((bucket) => ({
          name: bucket,
          bucket,
          sseAlgorithm: "KMS",
          kmsMasterKeyId: "cmk",
        })),
      ),
      "bucketEncryption:requestTimeoutMs": { value: String(REQUEST_TIMEOUT_MS) },
    },
  });
}

/** Injects each bucket's fault `times` times on `operation`. */
function injectMatrix(operation: string): void {
  for (const { bucket, fault, times } of matrix) {
    oss.faults.schedule({ operation, bucket }, times, fault);
  }
}

/** Calls per bucket and operation, once delayed answers have landed. */
async function callsByBucket(): Promise<Record<string, Record<string, number>>> {
  await sleep(REQUEST_TIMEOUT_MS);
  const calls: Record<string, Record<string, number>> = {};
  for (const record of oss.requests()) {
    const bucket = (calls[record.bucket ?? ""] ??= {});
    bucket[record.operation] = (bucket[record.operation] ?? 0) + 1;
  }
  return calls;
}

describe("retryable failures, 1 to 3 times on every call of up, refresh and destroy", () => {
  beforeAll(async () => {
    oss = await startEmulatorWithBuckets(matrixBuckets, { credentials: [CREDENTIAL] });
    test = await stackFor(matrixBuckets);
  });

  afterAll(async () => {
    expectNoSecretLeaked(test, oss, secretsOf(CREDENTIAL));
    await oss.close();
    test.cleanup();
  });

  it("up succeeds, each failed read and write retried exactly as often as it failed", async () => {
    oss.clearRequests();
    injectMatrix("GetBucketEncryption");
    injectMatrix("PutBucketEncryption");
    const up = await test.stack.up({ parallel: 16, onOutput: test.onOutput });
    expect(up.summary.resourceChanges).toStrictEqual({ create: matrix.length + 1 });
    const calls = await callsByBucket();
    for (const { bucket, times } of matrix) {
      expect({ bucket, calls: calls[bucket] }).toStrictEqual({
        bucket,
        calls: { GetBucketEncryption: 2 + times, PutBucketEncryption: 1 + times },
      });
    }
    await expectStateMatchesEmulator(test, oss, matrixBuckets);
  });

  it("refresh succeeds and finds no drift", async () => {
    oss.clearRequests();
    injectMatrix("GetBucketEncryption");
    const refresh = await test.stack.refresh({ parallel: 16, onOutput: test.onOutput });
    expect(refresh.summary.resourceChanges).toStrictEqual({ same: matrix.length + 1 });
    await expectStateMatchesEmulator(test, oss, matrixBuckets);
  });

  it("destroy succeeds and removes every rule, reading each first", async () => {
    oss.clearRequests();
    injectMatrix("DeleteBucketEncryption");
    await test.stack.destroy({ parallel: 16, onOutput: test.onOutput });
    const calls = await callsByBucket();
    for (const { bucket, times } of matrix) {
      expect({ bucket, calls: calls[bucket] }).toStrictEqual({
        bucket,
        calls: { GetBucketEncryption: 1, DeleteBucketEncryption: 1 + times },
      });
    }
    expect(matrixBuckets.filter((bucket) => oss.bucket(bucket)?.rule !== undefined)).toStrictEqual(
      [],
    );
    expect(await test.bucketEncryptions()).toStrictEqual([]);
  });
});

describe("non-retryable failures fail at once with their message, and refresh shows the truth", () => {
  const buckets = ["denied", "invalid", "vanished", "unaffected"];

  beforeEach(async () => {
    oss = await startEmulatorWithBuckets(buckets, { credentials: [CREDENTIAL] });
    test = await stackFor(buckets);
  });

  afterEach(async () => {
    expectNoSecretLeaked(test, oss, secretsOf(CREDENTIAL));
    await oss.close();
    test.cleanup();
  });

  const SOURCE = "stack config alicloud:accessKey/alicloud:secretKey";

  it("on create: AccessDenied, InvalidArgument and NoSuchBucket on write", async () => {
    oss.faults.failNext("PutBucketEncryption", 1, "AccessDenied", {
      bucket: "denied",
      status: 403,
    });
    oss.faults.failNext("PutBucketEncryption", 1, "InvalidArgument", {
      bucket: "invalid",
      status: 400,
    });
    oss.faults.failNext("PutBucketEncryption", 1, "NoSuchBucket", {
      bucket: "vanished",
      status: 404,
    });
    oss.clearRequests();
    const failure = await test.stack
      .up({ continueOnError: true, onOutput: test.onOutput })
      .catch((error: unknown) => error);
    const output = String(failure);
    const request = "request id [0-9A-F]{24}";
    expect(output).toMatch(
      new RegExp(
        `PutBucketEncryption on bucket "denied" failed with AccessDenied \\(HTTP 403, ${request}\\): AccessDenied \\(injected by the local OSS endpoint\\); grant the RAM action oss:PutBucketEncryption on this bucket to the credentials from ${SOURCE}\\.`,
      ),
    );
    expect(output).toMatch(
      new RegExp(
        `PutBucketEncryption on bucket "invalid" failed with InvalidArgument \\(HTTP 400, ${request}\\): InvalidArgument \\(injected by the local OSS endpoint\\)\\.`,
      ),
    );
    expect(output).toMatch(
      new RegExp(
        `PutBucketEncryption on bucket "vanished" failed with NoSuchBucket \\(HTTP 404, ${request}\\): NoSuchBucket \\(injected by the local OSS endpoint\\); create the bucket first, or check the bucket name, region and endpoint\\.`,
      ),
    );
    const calls = await callsByBucket();
    for (const bucket of ["denied", "invalid", "vanished"]) {
      expect({ bucket, calls: calls[bucket] }).toStrictEqual({
        bucket,
        calls: { GetBucketEncryption: 1, PutBucketEncryption: 1 },
      });
    }
    expect(oss.bucket("unaffected")?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "cmk",
    });
    await expectStateMatchesEmulator(test, oss, buckets);
    await test.stack.refresh({ onOutput: test.onOutput });
    await expectStateMatchesEmulator(test, oss, buckets);
    expect((await test.bucketEncryptions()).map((resource) => resource.id)).toStrictEqual([
      "unaffected",
    ]);
  });

  it("on update: a bucket deleted out of band answers NoSuchBucket, and refresh drops it", async () => {
    await test.stack.up({ onOutput: test.onOutput });
    await aliOssClient(oss.endpoint, { credential: CREDENTIAL }).deleteBucket("vanished");
    await test.stack.setConfig("resources", {
      value: JSON.stringify(
        buckets.map((bucket) => ({ name: bucket, bucket, sseAlgorithm: "SM4" })),
      ),
    });
    oss.clearRequests();
    const failure = await test.stack
      .up({ continueOnError: true, onOutput: test.onOutput })
      .catch((error: unknown) => error);
    expect(String(failure)).toMatch(
      /PutBucketEncryption on bucket "vanished" failed with NoSuchBucket \(HTTP 404, request id [0-9A-F]{24}\): The specified bucket does not exist; create the bucket first, or check the bucket name, region and endpoint\./,
    );
    expect((await callsByBucket()).vanished).toStrictEqual({ PutBucketEncryption: 1 });
    await test.stack.refresh({ onOutput: test.onOutput });
    await expectStateMatchesEmulator(test, oss, buckets);
    expect((await test.bucketEncryptions()).map((resource) => resource.id).sort()).toStrictEqual([
      "denied",
      "invalid",
      "unaffected",
    ]);
  });

  it("on delete: AccessDenied keeps the resource, and refresh still shows its rule", async () => {
    await test.stack.up({ onOutput: test.onOutput });
    oss.faults.failNext("DeleteBucketEncryption", 1, "AccessDenied", {
      bucket: "denied",
      status: 403,
    });
    oss.clearRequests();
    const failure = await test.stack
      .destroy({ continueOnError: true, onOutput: test.onOutput })
      .catch((error: unknown) => error);
    expect(String(failure)).toMatch(
      /DeleteBucketEncryption on bucket "denied" failed with AccessDenied \(HTTP 403, request id [0-9A-F]{24}\): AccessDenied \(injected by the local OSS endpoint\); grant the RAM action oss:DeleteBucketEncryption on this bucket/,
    );
    expect((await callsByBucket()).denied).toStrictEqual({
      GetBucketEncryption: 1,
      DeleteBucketEncryption: 1,
    });
    await test.stack.refresh({ onOutput: test.onOutput });
    await expectStateMatchesEmulator(test, oss, buckets);
    expect((await test.bucketEncryptions()).map((resource) => resource.id)).toStrictEqual([
      "denied",
    ]);
    await test.stack.destroy({ onOutput: test.onOutput });
    expect(buckets.filter((bucket) => oss.bucket(bucket)?.rule !== undefined)).toStrictEqual([]);
  });
});
