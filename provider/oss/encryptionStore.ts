/**
 * The OSS adapter's contract: the only three things the provider asks of OSS, in the project's
 * own types. The ali-oss implementation is `AliOssEncryptionStore`; tests use an in-memory one.
 */
import type { EncryptionRule } from "../core/encryptionRule";
import type { OssConnection } from "./connection";

/** What OSS holds for a bucket's default encryption. */
export type BucketEncryptionState =
  | { readonly kind: "rule"; readonly rule: EncryptionRule }
  | { readonly kind: "noRule" }
  | { readonly kind: "noBucket" };

/** Reads, writes and removes one region's bucket encryption rules. */
export interface EncryptionStore {
  /** What the bucket holds now: its rule, no rule, or no bucket at all. */
  read(bucket: string): Promise<BucketEncryptionState>;
  /**
   * Replaces the bucket's whole rule.
   *
   * @throws OssRequestError when OSS refuses, code `NoSuchBucket` when there is no bucket.
   */
  write(bucket: string, rule: EncryptionRule): Promise<void>;
  /**
   * Removes the bucket's rule; a rule or a bucket that is already gone is success, whichever way
   * OSS says so (204, or 404 `NoSuchServerSideEncryptionRule` or `NoSuchBucket`).
   */
  remove(bucket: string): Promise<void>;
}

/** Opens a store for a resolved connection; called once per provider operation. */
export type EncryptionStoreFactory = (connection: OssConnection) => EncryptionStore;
