/**
 * `npm run bench -- audit`: the encryption audit's throughput and memory, on the local OSS
 * endpoint (its own process, so that it is not measured with the audit).
 *
 * - Objects per second of the audit (in-process, and the command `oss-encryption-audit` end to
 *   end, start-up included) beside the floor: a bare loop of HEAD requests over the same keys
 *   with the same client and concurrency, with no listing and no judgement. Alternated, 3 runs
 *   each, at 100,000 objects of which a fifth do not conform.
 * - The command's peak RSS at 10,000 and at 100,000 objects.
 * - `--fix` objects per second over 10,000 small non-conforming objects, and MB/s of a 2 GiB
 *   object re-encrypted by multipart copy (the endpoint on a data directory).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditObjects, DEFAULT_AUDIT_CONCURRENCY } from "../provider/audit/bucketAudit";
import type { EncryptionRule } from "../provider/core/encryptionRule";
import { AliOssEncryptionStore } from "../provider/oss/aliOssEncryptionStore";
import { AliOssObjectStore } from "../provider/oss/aliOssObjectStore";
import type { OssConnection } from "../provider/oss/connection";
import { DEFAULT_RETRY_POLICY } from "../provider/oss/retry";
import { aliOssClient, type EncryptionClient } from "../tooling/aliOssClient";
import { AUDIT_COMMAND, localAuditEnv, localConnection } from "../tooling/localAudit";
import { REPOSITORY } from "../tooling/localStack";
import { log, type Summary, summarize, timed } from "./stats";

const RUNS = 3;
const LARGE = 100_000;
const SMALL = 10_000;
const FIX_OBJECTS = 10_000;
const BIG_OBJECT_BYTES = 2 * 1024 ** 3;
const PUTS_AT_ONCE = 32;
const RULE: EncryptionRule = { sseAlgorithm: "KMS", kmsMasterKeyId: "bench-cmk" };

/** What the audit benchmark found. */
export interface AuditFigures {
  /** Objects per second at 100,000 objects. */
  readonly rates: {
    readonly floor: Summary;
    readonly audit: Summary;
    readonly command: Summary;
  };
  /** The command's peak RSS in MiB, by bucket size. */
  readonly peakRssMiB: Readonly<Record<number, Summary>>;
  /** The same with V8's old generation capped at `HEAP_CAP_MIB`, by bucket size. */
  readonly cappedPeakRssMiB: Readonly<Record<number, Summary>>;
  /** `--fix` objects per second over small objects. */
  readonly fixRate: number;
  /** MB/s (MiB/s) of re-encrypting one 2 GiB object by multipart copy. */
  readonly bigObjectMiBps: number;
}

/** An emulator in a process of its own, optionally on a data directory. */
async function startEndpoint(dataDir?: string): Promise<{ endpoint: string; stop: () => void }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(REPOSITORY, "emulator/dist/cli.js"),
      "--port",
      "0",
      ...(dataDir === undefined ? [] : ["--data-dir", dataDir]),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) => {
      resolve(chunk.toString().split("\n")[0] ?? "");
    });
    child.once("exit", (code) => {
      reject(new Error(`oss-emulator exited with ${code}`));
    });
  });
  return {
    endpoint,
    stop: () => {
      child.kill("SIGTERM");
    },
  };
}

/** The key of object `index`. */
const keyOf = (index: number) => `objects/${String(index).padStart(7, "0")}`;

/**
 * A bucket of `count` small objects under `RULE`, every fifth written with AES256 of its own
 * (so not conforming), or every one when `allNonConforming`.
 */
async function fillBucket(
  client: EncryptionClient,
  connection: OssConnection,
  bucket: string,
  count: number,
  allNonConforming = false,
): Promise<void> {
  await client.putBucket(bucket);
  await new AliOssEncryptionStore(connection).write(bucket, RULE);
  const writer = aliOssClient(connection.endpoint, { bucket });
  let next = 0;
  const put = async () => {
    for (let index = next++; index < count; index = next++) {
      await writer.put(keyOf(index), Buffer.from("x"), {
        headers:
          allNonConforming || index % 5 === 0 ? { "x-oss-server-side-encryption": "AES256" } : {},
      });
    }
  };
  await Promise.all(Array.from({ length: PUTS_AT_ONCE }, put));
}

/** Objects per second of `count` bare HEAD requests, `DEFAULT_AUDIT_CONCURRENCY` at once. */
async function floorRate(store: AliOssObjectStore, count: number): Promise<number> {
  let next = 0;
  const head = async () => {
    for (let index = next++; index < count; index = next++) {
      await store.head(keyOf(index));
    }
  };
  const ms = await timed(() =>
    Promise.all(Array.from({ length: DEFAULT_AUDIT_CONCURRENCY }, head)),
  );
  return count / (ms / 1000);
}

/** Objects per second of the in-process audit of `bucket`. */
async function auditRate(store: AliOssObjectStore, bucket: string, count: number): Promise<number> {
  let scanned = 0;
  const ms = await timed(async () => {
    ({ scanned } = await auditObjects(store, RULE, {
      bucket,
      prefix: "",
      concurrency: DEFAULT_AUDIT_CONCURRENCY,
      fix: false,
    }));
  });
  if (scanned !== count) {
    throw new Error(`the audit checked ${scanned} objects of ${count}`);
  }
  return count / (ms / 1000);
}

/**
 * V8's old generation, capped (MiB): a command that completes within it keeps no more than this
 * alive, whatever its peak RSS under V8's defaults, which let garbage pile up while memory allows.
 */
const HEAP_CAP_MIB = 64;

/**
 * Runs the built command with `args` (and Node.js `nodeFlags`): its wall time, peak RSS (MiB) and
 * JSON document.
 */
async function runCommand(
  endpoint: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): Promise<{ ms: number; peakRssMiB: number; document: Record<string, unknown> }> {
  let output = { stdout: "", stderr: "" };
  const ms = await timed(
    () =>
      new Promise<void>((resolve, reject) => {
        execFile(
          process.execPath,
          [
            ...nodeFlags,
            "--require",
            join(REPOSITORY, "dist/bench/peakRss.js"),
            AUDIT_COMMAND,
            "--endpoint",
            endpoint,
            "--json",
            ...args,
          ],
          {
            env: localAuditEnv(),
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
          },
          (error, stdout, stderr) => {
            output = { stdout, stderr };
            if (error !== null && error.code === 2) {
              reject(new Error(`oss-encryption-audit failed: ${stderr}`));
            } else {
              resolve();
            }
          },
        );
      }),
  );
  const rss = /peak-rss (\d+)/.exec(output.stderr)?.[1];
  return {
    ms,
    peakRssMiB: Number(rss) / 1024,
    document: JSON.parse(output.stdout) as Record<string, unknown>,
  };
}

/** Writes a file of `bytes` bytes (a repeating pattern) and returns its path. */
function bigFile(dir: string, bytes: number): string {
  const path = join(dir, "big.bin");
  const chunk = Buffer.alloc(8 * 1024 * 1024, "oss-encryption-audit ");
  const fd = openSync(path, "w");
  try {
    for (let written = 0; written < bytes; written += chunk.length) {
      writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

/** MiB/s of re-encrypting one 2 GiB object in place, by multipart copy, on a data directory. */
async function bigObjectRate(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "bench-audit-"));
  const { endpoint, stop } = await startEndpoint(join(dir, "data"));
  try {
    const connection = localConnection(endpoint, "benchmark");
    const client = aliOssClient(endpoint, { bucket: "big", timeoutMs: 600_000 });
    await client.putBucket("big");
    await new AliOssEncryptionStore(connection).write("big", RULE);
    log("Uploading a 2 GiB object");
    await client.multipartUpload("big.bin", bigFile(dir, BIG_OBJECT_BYTES), {
      partSize: 64 * 1024 * 1024,
      parallel: 4,
      headers: { "x-oss-server-side-encryption": "AES256" },
    });
    // The local endpoint writes the whole object to its data directory at the completion, which
    // takes longer than OSS's one request timeout.
    const store = new AliOssObjectStore(connection, "big", {
      retry: { ...DEFAULT_RETRY_POLICY, deadlineMs: 600_000 },
      requestTimeoutMs: 300_000,
    });
    const head = await store.head("big.bin");
    if (head === undefined) {
      throw new Error("the 2 GiB object is not there");
    }
    log("Re-encrypting it by multipart copy");
    const ms = await timed(async () => {
      const outcome = await store.rewrite("big.bin", head, RULE);
      if (outcome !== "rewritten") {
        throw new Error(`the rewrite ended ${outcome}`);
      }
    });
    return BIG_OBJECT_BYTES / 1024 ** 2 / (ms / 1000);
  } finally {
    stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Measures everything above. */
export async function measureAudit(): Promise<AuditFigures> {
  const { endpoint, stop } = await startEndpoint();
  try {
    const connection = localConnection(endpoint, "benchmark");
    const client = aliOssClient(endpoint);
    const buckets = { [SMALL]: "audit-small", [LARGE]: "audit-large" } as const;
    for (const [count, bucket] of Object.entries(buckets)) {
      log(`Writing ${count} objects into ${bucket}`);
      await fillBucket(client, connection, bucket, Number(count));
    }
    const store = new AliOssObjectStore(connection, buckets[LARGE]);
    const rates = { floor: [] as number[], audit: [] as number[], command: [] as number[] };
    const peakRss: Record<number, number[]> = { [SMALL]: [], [LARGE]: [] };
    const cappedPeakRss: Record<number, number[]> = { [SMALL]: [], [LARGE]: [] };
    const capped = [`--max-old-space-size=${HEAP_CAP_MIB}`];
    for (let run = 1; run <= RUNS; run++) {
      log(`Run ${run} of ${RUNS}: floor, audit, command at ${LARGE} objects; command at ${SMALL}`);
      rates.floor.push(await floorRate(store, LARGE));
      rates.audit.push(await auditRate(store, buckets[LARGE], LARGE));
      const large = await runCommand(endpoint, ["--bucket", buckets[LARGE]]);
      rates.command.push(LARGE / (large.ms / 1000));
      peakRss[LARGE]?.push(large.peakRssMiB);
      peakRss[SMALL]?.push((await runCommand(endpoint, ["--bucket", buckets[SMALL]])).peakRssMiB);
      for (const count of [SMALL, LARGE] as const) {
        const bucket = ["--bucket", buckets[count]];
        cappedPeakRss[count]?.push((await runCommand(endpoint, bucket, capped)).peakRssMiB);
      }
    }
    log(`Writing ${FIX_OBJECTS} non-conforming objects to fix`);
    await fillBucket(client, connection, "fix-small", FIX_OBJECTS, true);
    const fix = await runCommand(endpoint, ["--bucket", "fix-small", "--fix", "--yes"]);
    if (fix.document.fixed !== FIX_OBJECTS) {
      throw new Error(`--fix re-encrypted ${String(fix.document.fixed)} of ${FIX_OBJECTS}`);
    }
    return {
      rates: {
        floor: summarize(rates.floor),
        audit: summarize(rates.audit),
        command: summarize(rates.command),
      },
      peakRssMiB: {
        [SMALL]: summarize(peakRss[SMALL] ?? []),
        [LARGE]: summarize(peakRss[LARGE] ?? []),
      },
      cappedPeakRssMiB: {
        [SMALL]: summarize(cappedPeakRss[SMALL] ?? []),
        [LARGE]: summarize(cappedPeakRss[LARGE] ?? []),
      },
      fixRate: FIX_OBJECTS / (fix.ms / 1000),
      bigObjectMiBps: await bigObjectRate(),
    };
  } finally {
    stop();
  }
}

const rate = (summary: Summary) =>
  `${Math.round(summary.median)} objects/s (${Math.round(summary.min)}-${Math.round(summary.max)})`;

/** The report, as markdown. */
export function auditReport(figures: AuditFigures): string[] {
  const { floor, audit, command } = figures.rates;
  const mib = (summary: Summary | undefined) =>
    summary === undefined
      ? "-"
      : `${summary.median.toFixed(0)} MiB (${summary.min.toFixed(0)}-${summary.max.toFixed(0)})`;
  return [
    "## The encryption audit (`npm run bench -- audit`)",
    "",
    `${LARGE.toLocaleString("en-US")} objects, a fifth not conforming, on the local endpoint in its own process; concurrency ${DEFAULT_AUDIT_CONCURRENCY}; median of ${RUNS} alternated runs (min-max):`,
    "",
    "| what | rate | ratio to the floor |",
    "| --- | --- | --- |",
    `| floor: bare HEAD loop, same client and concurrency | ${rate(floor)} | 1.00 |`,
    `| audit (listing, HEAD, judgement, report), in-process | ${rate(audit)} | ${(audit.median / floor.median).toFixed(2)} |`,
    `| \`oss-encryption-audit --json\`, its own process, start-up included | ${rate(command)} | ${(command.median / floor.median).toFixed(2)} |`,
    "",
    `Peak RSS of \`oss-encryption-audit --json\`: ${mib(figures.peakRssMiB[SMALL])} at ${SMALL.toLocaleString("en-US")} objects, ${mib(figures.peakRssMiB[LARGE])} at ${LARGE.toLocaleString("en-US")}. With V8's old generation capped at ${HEAP_CAP_MIB} MiB (\`node --max-old-space-size=${HEAP_CAP_MIB}\`) it completes both: ${mib(figures.cappedPeakRssMiB[SMALL])} and ${mib(figures.cappedPeakRssMiB[LARGE])} (what it keeps alive is bounded; under V8's defaults garbage waits longer for collection the more there is).`,
    "",
    `\`--fix\`: ${Math.round(figures.fixRate)} objects/s over ${FIX_OBJECTS.toLocaleString("en-US")} small non-conforming objects (HEAD, GetObjectACL, CopyObject each); ${figures.bigObjectMiBps.toFixed(0)} MiB/s re-encrypting one 2 GiB object by multipart copy (UploadPartCopy, 64 MiB parts, 4 at once; the endpoint on a data directory).`,
  ];
}
