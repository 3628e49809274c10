/**
 * Load: one stack with 200 BucketEncryption resources on 200 buckets, parallelism 16, while the
 * emulator fails 5% of calls with throttling codes and cuts 1% of connections. Up, a no-change
 * preview, refresh and destroy all succeed, and nothing is left behind.
 */
import type { EmulatorCredential, OssEmulator } from "local-oss-endpoint";
import {
  createTestStack,
  emulatorConfig,
  resourcesConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "../support/pulumiStack";
import { expectNoSecretLeaked, expectStateMatchesEmulator, secretsOf } from "../support/stackState";

jest.setTimeout(600_000);

const RESOURCES = 200;
const PARALLELISM = 16;
const CREDENTIAL: EmulatorCredential = {
  accessKeyId: "load-key",
  accessKeySecret: "load-secret-never-leaked",
};
const ALGORITHMS = [
  { sseAlgorithm: "AES256" },
  { sseAlgorithm: "SM4" },
  { sseAlgorithm: "KMS" },
  { sseAlgorithm: "KMS", kmsMasterKeyId: "load-cmk" },
  { sseAlgorithm: "KMS", kmsDataEncryption: "SM4" },
];

const buckets = Array.from(
  { length: RESOURCES },
  (_, index) => `load-${String(index).padStart(3, "0")}`,
);

let oss: OssEmulator;
let test: TestStack;

beforeAll(async () => {
  oss = await startEmulatorWithBuckets(buckets, {
    credentials: [CREDENTIAL],
    faults: { seed: 20261126 },
  });
  test = await createTestStack({
    program: "tests/e2e/program",
    config: {
      ...emulatorConfig(oss, CREDENTIAL),
      ...resourcesConfig(
        buckets.map((bucket, index) => ({
          name: bucket,
          bucket,
          ...ALGORITHMS[index % ALGORITHMS.length],
        })),
      ),
    },
  });
  oss.faults.setRandom({ errorRate: 0.05, resetRate: 0.01 });
});

afterAll(async () => {
  await oss.close();
  test.cleanup();
});

function faultedCalls(): { throttled: number; reset: number; total: number } {
  const log = oss.requests();
  return {
    throttled: log.filter((record) => record.fault === "error").length,
    reset: log.filter((record) => record.fault === "reset").length,
    total: log.length,
  };
}

it(`up creates ${RESOURCES} rules at parallelism ${PARALLELISM} through throttling and resets`, async () => {
  oss.clearRequests();
  const result = await test.stack.up({ parallel: PARALLELISM, onOutput: test.onOutput });
  expect(result.summary.resourceChanges).toStrictEqual({ create: RESOURCES + 1 });
  const faults = faultedCalls();
  expect(faults.throttled).toBeGreaterThan(0);
  expect(faults.reset).toBeGreaterThan(0);
  expect(buckets.filter((bucket) => oss.bucket(bucket)?.rule === undefined)).toStrictEqual([]);
  await expectStateMatchesEmulator(test, oss, buckets);
});

it("a no-change preview proposes nothing and sends nothing", async () => {
  oss.clearRequests();
  const preview = await test.stack.preview({ parallel: PARALLELISM, onOutput: test.onOutput });
  expect(preview.changeSummary).toStrictEqual({ same: RESOURCES + 1 });
  expect(oss.counts()).toStrictEqual({});
});

it("refresh reads every rule, retries through faults, and finds no drift", async () => {
  oss.clearRequests();
  const refresh = await test.stack.refresh({ parallel: PARALLELISM, onOutput: test.onOutput });
  expect(refresh.summary.resourceChanges).toStrictEqual({ same: RESOURCES + 1 });
  const faults = faultedCalls();
  expect(oss.counts()).toStrictEqual({
    GetBucketEncryption: RESOURCES + faults.throttled + faults.reset,
  });
  await expectStateMatchesEmulator(test, oss, buckets);
});

it("destroy removes every rule through faults", async () => {
  oss.clearRequests();
  const destroy = await test.stack.destroy({ parallel: PARALLELISM, onOutput: test.onOutput });
  expect(destroy.summary.resourceChanges).toStrictEqual({ delete: RESOURCES + 1 });
  expect(buckets.filter((bucket) => oss.bucket(bucket)?.rule !== undefined)).toStrictEqual([]);
  expect(await test.bucketEncryptions()).toStrictEqual([]);
  expectNoSecretLeaked(test, oss, secretsOf(CREDENTIAL));
});
