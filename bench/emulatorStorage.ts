/**
 * The local OSS endpoint's data directory under load: the latency of a small rule write with
 * 1 GiB of objects stored beside it, against an empty directory, in one run; and the start-up
 * time of `oss-emulator --data-dir` over 10,000 objects, against an empty directory.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startOssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../tooling/aliOssClient";
import { REPOSITORY } from "../tooling/localStack";
import { log, percentile, summarize, timed } from "./stats";

const LARGE_OBJECTS = 8;
const LARGE_OBJECT_BYTES = 128 * 1024 * 1024;
const RULE_SAMPLES = 200;
const STARTUP_OBJECTS = 10_000;
const STARTUP_SAMPLES = 5;

/** What the data directory measurements found, in milliseconds. */
export interface DataDirFigures {
  /** PutBucketEncryption latency: with no objects, and beside 1 GiB of objects. */
  readonly ruleWrite: { readonly empty: number[]; readonly loaded: number[] };
  /** Start-up time to the endpoint line: empty directory, and 10,000 objects. */
  readonly startup: { readonly empty: number[]; readonly loaded: number[] };
}

/** A fresh data directory, removed when `use` ends. */
async function withDataDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "bench-data-dir-"));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Milliseconds from spawning `oss-emulator --data-dir dir` to its endpoint line. */
async function startupMs(dir: string): Promise<number> {
  const cli = join(REPOSITORY, "emulator/dist/cli.js");
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [cli, "--data-dir", dir]);
  await new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => {
      resolve();
    });
    child.once("exit", (code) => {
      reject(new Error(`oss-emulator exited with ${code}`));
    });
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
  return elapsed;
}

/** Rule-write latency beside 1 GiB of objects and beside none, interleaved in one run. */
async function ruleWrites(): Promise<DataDirFigures["ruleWrite"]> {
  return withDataDir((emptyDir) =>
    withDataDir(async (loadedDir) => {
      const empty = await startOssEmulator({ dataDir: emptyDir });
      const loaded = await startOssEmulator({ dataDir: loadedDir });
      try {
        const clients = {
          empty: aliOssClient(empty.endpoint),
          loaded: aliOssClient(loaded.endpoint),
        };
        await clients.empty.putBucket("rules");
        await clients.loaded.putBucket("rules");
        log(`Storing ${LARGE_OBJECTS} × 128 MiB objects in a data directory`);
        const objects = aliOssClient(loaded.endpoint, { bucket: "rules", timeoutMs: 600_000 });
        const bytes = Buffer.alloc(LARGE_OBJECT_BYTES, 7);
        for (let index = 0; index < LARGE_OBJECTS; index++) {
          await objects.put(`large-${index}.bin`, bytes);
        }
        log(`Timing ${RULE_SAMPLES} rule writes beside 1 GiB of objects and beside none`);
        const samples = { empty: [] as number[], loaded: [] as number[] };
        for (let sample = 0; sample < RULE_SAMPLES; sample++) {
          // Interleaved, so that drift in the machine's load touches both alike.
          for (const variant of sample % 2 === 0
            ? (["empty", "loaded"] as const)
            : (["loaded", "empty"] as const)) {
            samples[variant].push(
              await timed(() =>
                clients[variant].putBucketEncryption("rules", {
                  SSEAlgorithm: sample % 2 === 0 ? "AES256" : "SM4",
                }),
              ),
            );
          }
        }
        return samples;
      } finally {
        await empty.close();
        await loaded.close();
      }
    }),
  );
}

/** Start-up time over 10,000 objects and over none. */
async function startups(): Promise<DataDirFigures["startup"]> {
  return withDataDir((emptyDir) =>
    withDataDir(async (loadedDir) => {
      log(`Storing ${STARTUP_OBJECTS} objects in a data directory`);
      const filling = await startOssEmulator({ dataDir: loadedDir });
      try {
        await aliOssClient(filling.endpoint).putBucket("many");
        const client = aliOssClient(filling.endpoint, { bucket: "many" });
        const body = Buffer.alloc(1024, 1);
        for (let index = 0; index < STARTUP_OBJECTS; index += 50) {
          await Promise.all(
            Array.from({ length: 50 }, (_, offset) => client.put(`object-${index + offset}`, body)),
          );
        }
      } finally {
        await filling.close();
      }
      log(`Timing ${STARTUP_SAMPLES} start-ups over ${STARTUP_OBJECTS} objects and over none`);
      const samples = { empty: [] as number[], loaded: [] as number[] };
      for (let sample = 0; sample < STARTUP_SAMPLES; sample++) {
        samples.empty.push(await startupMs(emptyDir));
        samples.loaded.push(await startupMs(loadedDir));
      }
      return samples;
    }),
  );
}

/** Runs both measurements. */
export async function measureDataDir(): Promise<DataDirFigures> {
  return { ruleWrite: await ruleWrites(), startup: await startups() };
}

/** The report section of the measurements. */
export function dataDirReport(figures: DataDirFigures): string[] {
  const cell = (samples: number[]) =>
    `${summarize(samples).median.toFixed(2)} (${percentile(samples, 0.1).toFixed(2)}-${percentile(samples, 0.9).toFixed(2)})`;
  const ruleRatio =
    summarize(figures.ruleWrite.loaded).median / summarize(figures.ruleWrite.empty).median;
  const startupRange = (samples: number[]) => {
    const summary = summarize(samples);
    return `${summary.median.toFixed(0)} (${summary.min.toFixed(0)}-${summary.max.toFixed(0)})`;
  };
  return [
    "## The local OSS endpoint's data directory",
    "",
    `PutBucketEncryption against \`--data-dir\` emulators, ${RULE_SAMPLES} interleaved samples each: one`,
    `directory holds ${LARGE_OBJECTS} objects of 128 MiB (1 GiB), the other none. A rule write commits one`,
    "small SQLite row; object bytes live in files of their own.",
    "",
    "| data directory | PutBucketEncryption median ms (p10-p90) |",
    "|---|---|",
    `| no objects | ${cell(figures.ruleWrite.empty)} |`,
    `| 1 GiB of objects | ${cell(figures.ruleWrite.loaded)} |`,
    "",
    `Ratio with 1 GiB to without: ${ruleRatio.toFixed(2)} (target ≤ 1.5: ${ruleRatio <= 1.5 ? "met" : "missed"}).`,
    "",
    `Start-up of \`oss-emulator --data-dir\` (a new process, until it prints its endpoint), ${STARTUP_SAMPLES} runs each:`,
    "",
    "| data directory | start-up median ms (min-max) |",
    "|---|---|",
    `| empty | ${startupRange(figures.startup.empty)} |`,
    `| ${STARTUP_OBJECTS.toLocaleString("en-US")} objects | ${startupRange(figures.startup.loaded)} |`,
    "",
  ];
}
