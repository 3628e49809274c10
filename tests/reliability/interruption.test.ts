/**
 * Interruption: a `pulumi up` of the 200-resource stack killed midway, with SIGINT and separately
 * with SIGKILL of the whole process tree. The recovery the README documents (after SIGKILL:
 * empty backend sidecars removed, the stale lock cancelled, pending creates cleared; then refresh
 * and up) converges to the declared rules, and destroy leaves nothing behind.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
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
/** Interrupt once this many rules have been written: about a third of the way. */
const INTERRUPT_AFTER_WRITES = 70;
const CREDENTIAL: EmulatorCredential = {
  accessKeyId: "interrupt-key",
  accessKeySecret: "interrupt-secret-never-leaked",
};

const buckets = Array.from(
  { length: RESOURCES },
  (_, index) => `interrupted-${String(index).padStart(3, "0")}`,
);

let oss: OssEmulator;
let test: TestStack;

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(buckets, { credentials: [CREDENTIAL] });
  // Latency stretches the up over seconds, so that the signal lands while calls are in flight.
  oss.faults.setLatency(40);
  test = await createTestStack({
    program: "tests/e2e/program",
    config: {
      ...emulatorConfig(oss, CREDENTIAL),
      ...resourcesConfig(
        buckets.map((bucket) => ({
          name: bucket,
          bucket,
          sseAlgorithm: "KMS",
          kmsMasterKeyId: "cmk-1",
        })),
      ),
    },
  });
});

afterEach(async () => {
  await oss.close();
  test.cleanup();
});

/** Runs `pulumi up` as its own process group and kills it once enough rules were written. */
async function interruptedUp(
  signal: "SIGINT" | "SIGKILL",
): Promise<{ code: number | null; output: string }> {
  const cli = spawn(
    "pulumi",
    [
      "up",
      "--yes",
      "--skip-preview",
      "--non-interactive",
      "--parallel",
      String(PARALLELISM),
      "--stack",
      "test",
    ],
    { cwd: test.workDir, env: { ...process.env, ...test.env }, detached: true },
  );
  let output = "";
  cli.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  cli.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(cli, "exit");
  const pid = cli.pid ?? 0;
  const timer = setInterval(() => {
    if ((oss.counts().PutBucketEncryption ?? 0) >= INTERRUPT_AFTER_WRITES) {
      clearInterval(timer);
      // SIGINT goes to the CLI alone, as a pipeline's cancel does; SIGKILL takes the whole tree.
      process.kill(signal === "SIGINT" ? pid : -pid, signal);
    }
  }, 20);
  const [code] = (await exited) as [number | null];
  clearInterval(timer);
  test.output.push(output);
  return { code, output };
}

/** Deletes the empty `*.attrs` files under a file backend's `.pulumi` folder. */
function removeEmptySidecars(stateDir: string): void {
  const pending = [join(stateDir, ".pulumi")];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        pending.push(path);
      } else if (entry.name.endsWith(".attrs") && statSync(path).size === 0) {
        rmSync(path);
      }
    }
  }
}

function written(): number {
  return buckets.filter((bucket) => oss.bucket(bucket)?.rule !== undefined).length;
}

describe.each(["SIGINT", "SIGKILL"] as const)("a pulumi up killed with %s", (signal) => {
  it("recovers with refresh and up, then destroys everything", async () => {
    const interrupted = await interruptedUp(signal);
    expect(interrupted.code).not.toBe(0);
    // Calls in flight when the signal landed may still complete: count written rules afterwards.
    const writtenWhenKilled = written();
    expect(writtenWhenKilled).toBeGreaterThan(0);
    expect(writtenWhenKilled).toBeLessThan(RESOURCES);

    // The recovery the README documents.
    if (signal === "SIGKILL") {
      // A write cut short can leave an empty metadata sidecar in the file backend (the checkpoint
      // itself is replaced atomically): remove it, or Pulumi fails with "failed to load checkpoint: EOF".
      removeEmptySidecars(test.stateDir);
      // The killed CLI could not release the stack lock: remove it, the process being gone.
      await test.stack.cancel();
    }
    await test.stack.refresh({
      clearPendingCreates: signal === "SIGKILL",
      onOutput: test.onOutput,
    });
    // After SIGINT the state knows every rule written. After SIGKILL, creates that were pending
    // are cleared: their rules exist but are not recorded until up adopts them. Either way,
    // nothing in the state is phantom.
    const recorded = (await test.bucketEncryptions()).map((resource) => resource.id);
    await expectStateMatchesEmulator(test, oss, signal === "SIGINT" ? buckets : recorded);
    const up = await test.stack.up({ parallel: PARALLELISM, onOutput: test.onOutput });
    expect(up.summary.resourceChanges?.create).toBeGreaterThan(0);
    expect(
      buckets.filter((bucket) => oss.bucket(bucket)?.rule?.kmsMasterKeyId !== "cmk-1"),
    ).toStrictEqual([]);
    await expectStateMatchesEmulator(test, oss, buckets);
    expect(await test.bucketEncryptions()).toHaveLength(RESOURCES);

    await test.stack.destroy({ parallel: PARALLELISM, onOutput: test.onOutput });
    expect(written()).toBe(0);
    expect(await test.bucketEncryptions()).toStrictEqual([]);
    expectNoSecretLeaked(test, oss, secretsOf(CREDENTIAL));
  });
});
