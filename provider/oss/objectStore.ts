/**
 * What the encryption audit asks of OSS about a bucket's objects, in the project's own types:
 * list them, read one's encryption, and rewrite one in place with the bucket's rule. The ali-oss
 * implementation is `AliOssObjectStore`.
 */
import type { EncryptionRule } from "../core/encryptionRule";

/** One object as a listing names it. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
}

/** One page of a listing, and where the next starts (absent on the last). */
export interface ObjectPage {
  readonly objects: readonly ListedObject[];
  readonly next?: string;
}

/** What HEAD answered for one object. */
export interface ObjectHead {
  /** The ETag, quoted as OSS sends it. */
  readonly etag: string;
  readonly size: number;
  /** The response headers, by lower-case name: the encryption, content type and user metadata. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** A bucket's versioning: absent when it was never set. */
export type VersioningStatus = "Enabled" | "Suspended" | undefined;

/** How a rewrite in place ended. */
export type RewriteOutcome =
  /** The object now holds the same bytes, metadata and ACL, encrypted by the rule. */
  | "rewritten"
  /** The object changed since its HEAD (its ETag no longer matches), or is gone: left alone. */
  | "changed";

/** Lists, reads and rewrites one bucket's objects. */
export interface ObjectStore {
  /**
   * One page of up to `maxKeys` objects whose keys start with `prefix`, from `from` (a page's
   * `next`) on.
   *
   * @throws OssRequestError (`NoSuchBucket`, `AccessDenied`, …).
   */
  list(prefix: string, from: string | undefined, maxKeys: number): Promise<ObjectPage>;
  /** What HEAD answers for `key`; undefined when the object is gone. */
  head(key: string): Promise<ObjectHead | undefined>;
  /** The bucket's versioning status. */
  versioning(): Promise<VersioningStatus>;
  /**
   * Rewrites the object in place, encrypted by `rule`, keeping its bytes, user metadata, content
   * type and ACL — only if it still is the object `head` described (a conditional copy on its
   * ETag). Objects larger than CopyObject copies are copied part by part.
   */
  rewrite(key: string, head: ObjectHead, rule: EncryptionRule): Promise<RewriteOutcome>;
}
