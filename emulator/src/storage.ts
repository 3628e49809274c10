/**
 * Where the emulator keeps what it holds: the `Storage` contract that `EmulatorState` writes
 * through, and the in-memory storage (the default). `DataDirStorage` keeps the same in a folder.
 */
import { createHash, type Hash } from "node:crypto";
import { Readable } from "node:stream";

/** The server-side encryption algorithms OSS knows. */
export const ALGORITHMS = ["AES256", "KMS", "SM4"] as const;
/** A server-side encryption algorithm. */
export type Algorithm = (typeof ALGORITHMS)[number];

/** A bucket's default encryption rule as OSS stores it (only the elements that are set). */
export interface StoredRule {
  readonly sseAlgorithm: Algorithm;
  readonly kmsMasterKeyId?: string;
  readonly kmsDataEncryption?: "SM4";
}

/** How one object is encrypted at rest. */
export interface ObjectEncryption {
  readonly algorithm: Algorithm;
  readonly keyId?: string;
  readonly dataEncryption?: "SM4";
}

/** The access control lists an object can have; `default` follows the bucket's. */
export const OBJECT_ACLS = ["default", "private", "public-read", "public-read-write"] as const;
/** An object's access control list. */
export type ObjectAcl = (typeof OBJECT_ACLS)[number];

/** How an object was written: in one request, or by a multipart upload. */
export type ObjectType = "Normal" | "Multipart";

/** What a writer sets on an object besides its bytes. */
export interface ObjectSettings {
  readonly contentType: string;
  /** User metadata: the `x-oss-meta-*` headers, by name after the prefix, lower case. */
  readonly userMetadata: Readonly<Record<string, string>>;
  readonly acl: ObjectAcl;
  readonly encryption?: ObjectEncryption;
}

/** One stored object's metadata; its bytes are read through the state. */
export interface StoredObject extends ObjectSettings {
  readonly key: string;
  /** The size in bytes. */
  readonly size: number;
  /**
   * OSS's ETag, hex (upper case and quoted on the wire): the MD5 of the bytes, or for a multipart
   * upload the MD5 of its parts' MD5s and `-` and the number of parts.
   */
  readonly etag: string;
  readonly lastModified: Date;
  readonly type: ObjectType;
}

/** A bucket's versioning state once set; a bucket that never had one has none. */
export type VersioningStatus = "Enabled" | "Suspended";

/** The bytes `start` to `end` of an object, both included. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** A bucket's own settings, without its objects. */
export interface BucketRecord {
  readonly name: string;
  /** The region id it was created in, e.g. `cn-hangzhou`. */
  readonly region: string;
  /** The account that owns it: another account creating the same name gets a conflict. */
  readonly owner: string;
  readonly createdAt: Date;
  /** The KMS key OSS generates for the bucket when a KMS rule names none. */
  readonly defaultKmsKeyId: string;
  readonly rule: StoredRule | undefined;
  readonly versioning: VersioningStatus | undefined;
  /**
   * Whether Block Public Access is on: OSS turns it on for every bucket created since it made
   * that the default; buckets created before (in a data directory of an older emulator) have it
   * off.
   */
  readonly blockPublicAccess: boolean;
}

/** Everything a storage holds, as loaded when it opens. */
export interface StoredContent {
  readonly buckets: readonly BucketRecord[];
  readonly objects: readonly (StoredObject & { readonly bucket: string })[];
}

/** The bytes of an object being received, before the object is stored. */
export interface ObjectUpload {
  /** Adds the next bytes. */
  write(chunk: Buffer): void;
  /** The bytes received so far. */
  readonly size: number;
  /** The MD5 of all the bytes; call once, after the last write. */
  digest(): Buffer;
  /** Drops the bytes: the object will not be stored. */
  discard(): void;
  /** Ends the writes and keeps the bytes, to be read with `read` (a multipart upload's part). */
  finish(): void;
  /** The bytes received, once finished; they stay readable until the stream ends. */
  read(): Readable;
}

/**
 * A place to keep buckets, rules and objects. Every change is complete when its method returns
 * (for a data directory: on disk), so that an answered request survives a crash.
 */
export interface Storage {
  /** What the storage holds now, metadata only. */
  load(): StoredContent;
  saveBucket(bucket: BucketRecord): void;
  /** Removes a bucket; it has no objects. */
  deleteBucket(name: string): void;
  /** Starts receiving an object's bytes. */
  newUpload(): ObjectUpload;
  /** Stores an object with the bytes of `upload`, replacing one with the same key. */
  saveObject(bucket: string, object: StoredObject, upload: ObjectUpload): void;
  /** Replaces the metadata of a stored object, keeping its bytes. */
  saveObjectMetadata(bucket: string, object: StoredObject): void;
  deleteObject(bucket: string, key: string): void;
  /**
   * An object's bytes, or those of `range`. The bytes are those stored when it is called: a
   * later write of the same key does not change what the stream gives.
   */
  readObject(bucket: string, key: string, range?: ByteRange): Readable;
  /** Releases what the storage holds open (files, locks). */
  close(): void;
}

/** Receives bytes into memory, hashing them as they come. */
class MemoryUpload implements ObjectUpload {
  private readonly chunks: Buffer[] = [];
  private readonly hash: Hash = createHash("md5");
  size = 0;

  write(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  digest(): Buffer {
    return this.hash.digest();
  }

  /** The bytes, once received. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  discard(): void {
    this.chunks.length = 0;
  }

  finish(): void {
    // The chunks are already kept.
  }

  read(): Readable {
    // A copy of the list, so that a discard while it is read does not cut the stream short.
    return Readable.from([...this.chunks]);
  }
}

/** Storage in process memory: gone when the process ends. */
export class MemoryStorage implements Storage {
  private readonly bodies = new Map<string, Buffer>();

  load(): StoredContent {
    return { buckets: [], objects: [] };
  }

  saveBucket(): void {
    // The state's own index is the memory storage.
  }

  deleteBucket(): void {
    // As saveBucket.
  }

  newUpload(): ObjectUpload {
    return new MemoryUpload();
  }

  saveObject(bucket: string, object: StoredObject, upload: ObjectUpload): void {
    if (!(upload instanceof MemoryUpload)) {
      throw new TypeError("the upload was not received by this storage");
    }
    this.bodies.set(bodyKey(bucket, object.key), upload.bytes());
  }

  saveObjectMetadata(): void {
    // As saveBucket: the bytes stay where they are.
  }

  deleteObject(bucket: string, key: string): void {
    this.bodies.delete(bodyKey(bucket, key));
  }

  readObject(bucket: string, key: string, range?: ByteRange): Readable {
    const body = this.bodies.get(bodyKey(bucket, key)) ?? Buffer.alloc(0);
    return Readable.from([range === undefined ? body : body.subarray(range.start, range.end + 1)]);
  }

  close(): void {
    this.bodies.clear();
  }
}

function bodyKey(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}
