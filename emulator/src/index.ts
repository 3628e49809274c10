/**
 * The local OSS endpoint: an OSS emulator for tests, demos and pipelines, started from code.
 *
 * ```ts
 * const oss = await startOssEmulator();
 * // oss.endpoint is http://127.0.0.1:<port>; sign with oss.credentials[0]
 * oss.faults.failNext("PutBucketEncryption", 2, "ServiceUnavailable");
 * // ... oss.counts(), oss.requests(), oss.bucket("logs")?.rule
 * await oss.close();
 * ```
 */
import type { AddressInfo } from "node:net";
import { createAdmin } from "./admin";
import { DEFAULT_CREDENTIAL, type EmulatorCredential } from "./auth";
import { type FaultOptions, FaultPlan } from "./faults";
import { type RequestRecord, RequestJournal } from "./journal";
import { DEFAULT_REGION } from "./operations";
import { createOssServer } from "./server";
import { EmulatorState, type StoredBucket } from "./state";

export { DEFAULT_CREDENTIAL, type EmulatorCredential } from "./auth";
export type { Fault, FaultOptions, FaultPlan, FaultSettings, RandomFaults } from "./faults";
export type { RequestRecord } from "./journal";
export { OPERATIONS, type OperationName } from "./operations";
export type { StoredBucket, StoredObject, StoredRule } from "./state";

/** How to start the emulator; every field is optional. */
export interface OssEmulatorOptions {
  /** The address to listen on; default `127.0.0.1`. */
  readonly host?: string;
  /** The port; default 0, any free port. */
  readonly port?: number;
  /** The key pairs accepted; default `[DEFAULT_CREDENTIAL]`. */
  readonly credentials?: readonly EmulatorCredential[];
  /** Keep the buckets in this directory across restarts; default in memory only. */
  readonly dataDir?: string;
  /** Faults in place from the first request. */
  readonly faults?: FaultOptions;
  /** Milliseconds added to the emulator's clock, to act as if clients were skewed. */
  readonly clockOffsetMs?: number;
  /** The region it serves, e.g. `cn-hangzhou` (the default): V4 signatures must be scoped to it. */
  readonly region?: string;
}

/** A running emulator. */
export interface OssEmulator {
  /** `http://<host>:<port>`, to give as the `endpoint`. */
  readonly endpoint: string;
  /** The region it serves. */
  readonly region: string;
  /** The key pairs accepted now. */
  readonly credentials: readonly EmulatorCredential[];
  /** Replaces the accepted key pairs (e.g. to expire an STS token). */
  setCredentials(credentials: readonly EmulatorCredential[]): void;
  /** The fault settings, changeable at run time. */
  readonly faults: FaultPlan;
  /** Requests received per operation since start or the last `clearRequests()`. */
  counts(): Record<string, number>;
  /** The request log since start or the last `clearRequests()`. */
  requests(): readonly RequestRecord[];
  /** Clears the request log and counts. */
  clearRequests(): void;
  /** A bucket as the emulator holds it, or undefined. */
  bucket(name: string): StoredBucket | undefined;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Starts an emulator on `host:port` (default 127.0.0.1 and a free port). */
export async function startOssEmulator(options: OssEmulatorOptions = {}): Promise<OssEmulator> {
  const state = new EmulatorState(options.dataDir);
  const faults = new FaultPlan(options.faults);
  const journal = new RequestJournal();
  let credentials = options.credentials ?? [DEFAULT_CREDENTIAL];
  const server = createOssServer({
    state,
    faults,
    journal,
    credentials: () => credentials,
    clockOffsetMs: options.clockOffsetMs ?? 0,
    region: options.region ?? DEFAULT_REGION,
    admin: createAdmin(state, faults, journal),
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    region: options.region ?? DEFAULT_REGION,
    get credentials() {
      return credentials;
    },
    setCredentials: (next) => {
      credentials = next;
    },
    faults,
    counts: () => journal.counts(),
    requests: () => journal.requests(),
    clearRequests: () => {
      journal.clear();
    },
    bucket: (name) => state.bucket(name),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error === undefined) {
            resolve();
          } else {
            reject(error);
          }
        });
      }),
  };
}
