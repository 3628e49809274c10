/**
 * A typed in-memory stand-in for OSS at the adapter boundary: buckets with or without a rule,
 * every call recorded, failures injectable. Provider tests run against it instead of HTTP.
 */
import type { EncryptionRule } from "../../provider/core/encryptionRule";
import type { OssConnection } from "../../provider/oss/connection";
import type {
  BucketEncryptionState,
  EncryptionStore,
  EncryptionStoreFactory,
} from "../../provider/oss/encryptionStore";
import { type OssOperation, OssRequestError } from "../../provider/oss/errors";

/** One call the provider made through the store. */
export interface RecordedCall {
  readonly operation: OssOperation;
  readonly bucket: string;
  readonly endpoint: string;
  readonly region: string;
}

/** An OSS account in memory. */
export class InMemoryOss {
  /** Each bucket's rule; `undefined` means the bucket exists without a rule. */
  readonly buckets = new Map<string, EncryptionRule | undefined>();
  /** Every call, in order. */
  readonly calls: RecordedCall[] = [];
  /** The connections stores were opened with, in order. */
  readonly connections: OssConnection[] = [];
  private readonly failures: { operation: OssOperation; error: Error }[] = [];
  /** Each bucket's state as reads still see it until `staleReads` runs out. */
  private readonly staleStates = new Map<string, BucketEncryptionState>();
  private staleReads = 0;

  /** Adds buckets, each without a rule. */
  withBuckets(...names: string[]): this {
    for (const name of names) {
      this.buckets.set(name, undefined);
    }
    return this;
  }

  /**
   * Makes the next `reads` reads after a write still show the state before it, the way OSS can
   * right after a bucket is created.
   */
  lagReadsAfterWrites(reads: number): void {
    this.staleReads = reads;
  }

  /** Makes the next call of `operation` throw `error` (once). */
  failNext(operation: OssOperation, error: Error): void {
    this.failures.push({ operation, error });
  }

  /** The operations called so far, e.g. `["GetBucketEncryption", "PutBucketEncryption"]`. */
  operations(): OssOperation[] {
    return this.calls.map((call) => call.operation);
  }

  /** The store factory to give to `BucketEncryptionProvider`. */
  readonly openStore: EncryptionStoreFactory = (connection) => {
    this.connections.push(connection);
    const record = (operation: OssOperation, bucket: string) => {
      this.calls.push({
        operation,
        bucket,
        endpoint: connection.endpoint,
        region: connection.region,
      });
      const index = this.failures.findIndex((failure) => failure.operation === operation);
      const [failure] = index >= 0 ? this.failures.splice(index, 1) : [];
      if (failure !== undefined) {
        throw failure.error;
      }
    };
    const store: EncryptionStore = {
      read: (bucket) => {
        record("GetBucketEncryption", bucket);
        const stale = this.staleStates.get(bucket);
        if (stale !== undefined && this.staleReads > 0) {
          this.staleReads -= 1;
          return Promise.resolve(stale);
        }
        return Promise.resolve(this.stateOf(bucket));
      },
      write: (bucket, rule) => {
        record("PutBucketEncryption", bucket);
        if (!this.buckets.has(bucket)) {
          return Promise.reject(noSuchBucket("PutBucketEncryption", bucket));
        }
        this.staleStates.set(bucket, this.stateOf(bucket));
        this.buckets.set(bucket, rule);
        return Promise.resolve();
      },
      remove: (bucket) => {
        record("DeleteBucketEncryption", bucket);
        if (this.buckets.has(bucket)) {
          this.buckets.set(bucket, undefined);
        }
        return Promise.resolve();
      },
    };
    return store;
  };

  private stateOf(bucket: string): BucketEncryptionState {
    if (!this.buckets.has(bucket)) {
      return { kind: "noBucket" };
    }
    const rule = this.buckets.get(bucket);
    return rule === undefined ? { kind: "noRule" } : { kind: "rule", rule };
  }
}

/** The error the real store throws when a write finds no bucket. */
export function noSuchBucket(operation: OssOperation, bucket: string): OssRequestError {
  return new OssRequestError(
    operation,
    bucket,
    { status: 404, code: "NoSuchBucket", requestId: "5F0000000000000000000001" },
    1,
    "test credentials",
  );
}
