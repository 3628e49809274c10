/**
 * Where one read's time goes in a provider process: the CPU time the client side spends per
 * GetBucketEncryption, against a local OSS endpoint in another process (so that its own work is
 * not counted), for ali-oss used in different ways beside the provider's own read. The steps
 * between the rows are the costs of a client built per call, of V4 signing over V1, and of
 * parsing the XML answer.
 */
import { spawn } from "node:child_process";
import { DEFAULT_CREDENTIAL } from "local-oss-endpoint";
import type { BucketEncryptionOutputs } from "../provider/core/inputs";
import { BucketEncryptionProvider } from "../provider/dynamic/provider";
import { aliOssClient, type EncryptionClient } from "../tooling/aliOssClient";
import { REPOSITORY } from "../tooling/localStack";
import { summarize } from "./stats";

const CALLS_PER_ROUND = 1000;
const ROUNDS = 7;
const BUCKET = "bench-read";

/** The figures: client CPU milliseconds per call, one sample per round, by way of reading. */
export type PerReadFigures = Record<string, number[]>;

/** ali-oss's signed request path, which the provider uses (missing from its type definitions). */
interface SignedRequestClient {
  request(params: object): Promise<unknown>;
}

/** Starts `oss-emulator` in its own process; resolves with its endpoint and a stop function. */
async function emulatorProcess(): Promise<{ endpoint: string; stop: () => void }> {
  const child = spawn(process.execPath, ["emulator/dist/cli.js", "--port", "0"], {
    cwd: REPOSITORY,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (found !== null) {
        resolve(found[0]);
      }
    });
    child.once("exit", () => {
      reject(new Error(`oss-emulator exited: ${output}`));
    });
  });
  return { endpoint, stop: () => child.kill() };
}

/** Client CPU milliseconds per call of `read`, over one round. */
async function cpuPerCall(read: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  for (let call = 0; call < CALLS_PER_ROUND; call++) {
    await read();
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / CALLS_PER_ROUND;
}

/** Measures each way of reading a rule, the ways interleaved round by round. */
export async function measurePerRead(): Promise<PerReadFigures> {
  const oss = await emulatorProcess();
  try {
    const client = (v4: boolean) =>
      aliOssClient(oss.endpoint, { v4 }) as EncryptionClient & SignedRequestClient;
    const v4 = client(true);
    const v1 = client(false);
    await v4.putBucket(BUCKET);
    await v4.putBucketEncryption(BUCKET, { SSEAlgorithm: "AES256" });
    const provider = new BucketEncryptionProvider({
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: DEFAULT_CREDENTIAL.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: DEFAULT_CREDENTIAL.accessKeySecret,
      },
    });
    const stored = (
      await provider.check(
        {} as never,
        {
          bucket: BUCKET,
          sseAlgorithm: "AES256",
          region: "cn-hangzhou",
          endpoint: oss.endpoint,
        } as never,
      )
    ).inputs as BucketEncryptionOutputs;
    const get = (on: SignedRequestClient, xmlResponse: boolean) =>
      on.request({
        method: "GET",
        bucket: BUCKET,
        subres: "encryption",
        successStatuses: [200],
        timeout: 10_000,
        ...(xmlResponse ? { xmlResponse } : {}),
      });
    const ways: Record<string, () => Promise<unknown>> = {
      "ali-oss, one client, V1 signature, answer not parsed": () => get(v1, false),
      "ali-oss, one client, V4 signature, answer not parsed": () => get(v4, false),
      "ali-oss, one client, V4 signature, XML answer parsed": () => get(v4, true),
      "ali-oss, a client built per call, V4, XML parsed": () => get(client(true), true),
      "the provider's read (a store and client per call, V4, XML parsed and validated)": () =>
        provider.read(BUCKET, stored),
    };
    const figures: PerReadFigures = Object.fromEntries(
      Object.keys(ways).map((way) => [way, [] as number[]]),
    );
    for (const read of Object.values(ways)) {
      await cpuPerCall(read); // warm-up: JIT, keep-alive connections
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [way, read] of Object.entries(ways)) {
        figures[way]?.push(await cpuPerCall(read));
      }
    }
    return figures;
  } finally {
    oss.stop();
  }
}

/** The report's section on the cost of one read. */
export function perReadReport(figures: PerReadFigures): string[] {
  const medians = Object.values(figures).map((samples) => summarize(samples).median);
  const step = (from: number, to: number) => {
    const difference = (medians[to] ?? NaN) - (medians[from] ?? NaN);
    return `${difference >= 0 ? "+" : ""}${difference.toFixed(3)} ms`;
  };
  return [
    "## Where one read's time goes",
    "",
    `Client CPU per GetBucketEncryption against the local OSS endpoint in another process (its own work not counted): ${ROUNDS} rounds of ${CALLS_PER_ROUND} calls per way, interleaved; median of the rounds (min-max).`,
    "",
    "| way of reading | CPU ms per call |",
    "|---|---|",
    ...Object.entries(figures).map(([way, samples]) => {
      const summary = summarize(samples);
      return `| ${way} | ${summary.median.toFixed(3)} (${summary.min.toFixed(3)}-${summary.max.toFixed(3)}) |`;
    }),
    "",
    `Step by step: V4 signing over V1 ${step(0, 1)}, parsing the XML answer ${step(1, 2)}, a client built per call ${step(2, 3)}, and the provider's own work around the call (its store, the connection settings, validating the answer) ${step(3, 4)}. A read costs what ali-oss's request path costs (urllib, signing, xml2js); the provider adds little to it, so keeping clients between calls would not pay (ali-oss's clients already share one keep-alive agent).`,
    "",
  ];
}
