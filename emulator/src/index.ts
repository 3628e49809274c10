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
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createAdmin } from "./admin";
import { DEFAULT_CREDENTIAL, type EmulatorCredential } from "./auth";
import { DataDirStorage } from "./dataDirStorage";
import { type FaultOptions, FaultPlan } from "./faults";
import { DEFAULT_JOURNAL_LIMIT, type RequestRecord, RequestJournal } from "./journal";
import { DEFAULT_REGION } from "./operations";
import { createOssServer } from "./server";
import { EmulatorState, type StoredBucket } from "./state";
import { MemoryStorage } from "./storage";

export { DEFAULT_CREDENTIAL, type EmulatorCredential } from "./auth";
export { DataDirError } from "./dataDirStorage";
export type { Fault, FaultOptions, FaultPlan, FaultSettings, RandomFaults } from "./faults";
export type { RequestRecord } from "./journal";
export { OPERATIONS, type OperationName } from "./operations";
export type {
  MultipartUpload,
  ObjectAcl,
  StoredBucket,
  StoredObject,
  StoredRule,
  UploadedPart,
  VersioningStatus,
} from "./state";

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
  /**
   * The largest PutObject or UploadPart body accepted, in bytes; default
   * `DEFAULT_MAX_OBJECT_SIZE` (5 GiB, OSS's limit for both).
   */
  readonly maxObjectSize?: number;
  /** How many requests the log keeps, newest first out last; default 10,000. */
  readonly requestLogLimit?: number;
  /** The admin API's token; default a random one, readable as `adminToken`. */
  readonly adminToken?: string;
}

/** The largest object OSS accepts in one PutObject, and the largest part: 5 GiB. */
export const DEFAULT_MAX_OBJECT_SIZE = 5 * 1024 ** 3;

/** The largest XML body (a rule, keys to delete): DeleteMultipleObjects' 1,000 keys fit. */
export const MAX_XML_BODY_SIZE = 2 * 1024 ** 2;

/** A running emulator. */
export interface OssEmulator {
  /** `http://<host>:<port>`, to give as the `endpoint`. */
  readonly endpoint: string;
  /** The region it serves. */
  readonly region: string;
  /** The token the admin API (`/_emulator/...`) needs as `Authorization: Bearer <token>`. */
  readonly adminToken: string;
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
  /** Stops listening, closes every connection and releases the data directory. */
  close(): Promise<void>;
}

/**
 * Starts an emulator on `host:port` (default 127.0.0.1 and a free port).
 *
 * @throws DataDirError when the data directory is held by another emulator or damaged.
 */
export async function startOssEmulator(options: OssEmulatorOptions = {}): Promise<OssEmulator> {
  const state = new EmulatorState(
    options.dataDir === undefined ? new MemoryStorage() : new DataDirStorage(options.dataDir),
  );
  const faults = new FaultPlan(options.faults);
  const journal = new RequestJournal(options.requestLogLimit ?? DEFAULT_JOURNAL_LIMIT);
  const adminToken = options.adminToken ?? randomBytes(16).toString("hex");
  let credentials = options.credentials ?? [DEFAULT_CREDENTIAL];
  const server = createOssServer({
    state,
    faults,
    journal,
    credentials: () => credentials,
    clockOffsetMs: options.clockOffsetMs ?? 0,
    region: options.region ?? DEFAULT_REGION,
    limits: {
      maxObjectSize: options.maxObjectSize ?? DEFAULT_MAX_OBJECT_SIZE,
      maxXmlSize: MAX_XML_BODY_SIZE,
    },
    admin: createAdmin(state, faults, journal),
    adminToken,
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error: unknown) => {
    state.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    region: options.region ?? DEFAULT_REGION,
    adminToken,
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
          state.close();
          if (error === undefined) {
            resolve();
          } else {
            reject(error);
          }
        });
      }),
  };
}
