/**
 * What the emulated OSS holds: buckets, their settings and objects, and the multipart uploads in
 * progress. An index in memory answers every read; every change to buckets and objects is written
 * through to the storage (memory, or a data directory) before it is acknowledged. Uploads in
 * progress live in memory only, their parts' bytes in the storage's scratch space: a restart
 * drops them, as an upload OSS forgets when it is aborted.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type {
  BucketRecord,
  ByteRange,
  ObjectSettings,
  ObjectUpload,
  Storage,
  StoredObject,
  StoredRule,
  VersioningStatus,
} from "./storage";

export {
  type Algorithm,
  ALGORITHMS,
  type ByteRange,
  OBJECT_ACLS,
  type ObjectAcl,
  type ObjectEncryption,
  type ObjectSettings,
  type StoredObject,
  type StoredRule,
  type VersioningStatus,
} from "./storage";

/** One part of a multipart upload: its bytes and what ListParts answers about it. */
export interface UploadedPart {
  readonly number: number;
  /** The MD5 of the part's bytes, hex. */
  readonly etag: string;
  readonly size: number;
  readonly lastModified: Date;
  readonly bytes: ObjectUpload;
}

/** A multipart upload in progress, from InitiateMultipartUpload to Complete or Abort. */
export interface MultipartUpload {
  /** The upload id: 32 upper-case hex digits, as OSS writes them. */
  readonly id: string;
  readonly key: string;
  readonly initiated: Date;
  /** What the object gets when the upload completes, as InitiateMultipartUpload asked. */
  readonly settings: ObjectSettings;
  /** The parts received so far, by part number. */
  readonly parts: ReadonlyMap<number, UploadedPart>;
}

/** One bucket: its settings, its objects' metadata by key, and its uploads in progress by id. */
export interface StoredBucket extends BucketRecord {
  readonly objects: ReadonlyMap<string, StoredObject>;
  readonly uploads: ReadonlyMap<string, MultipartUpload>;
}

interface UploadEntry extends MultipartUpload {
  readonly parts: Map<number, UploadedPart>;
}

interface BucketEntry {
  record: BucketRecord;
  readonly objects: Map<string, StoredObject>;
  readonly uploads: Map<string, UploadEntry>;
}

/** The buckets of every account, over a storage. */
export class EmulatorState {
  private readonly buckets = new Map<string, BucketEntry>();

  constructor(private readonly storage: Storage) {
    const { buckets, objects } = storage.load();
    for (const record of buckets) {
      this.buckets.set(record.name, { record, objects: new Map(), uploads: new Map() });
    }
    for (const { bucket, ...object } of objects) {
      this.buckets.get(bucket)?.objects.set(object.key, object);
    }
  }

  /** The bucket of that name, if any. */
  bucket(name: string): StoredBucket | undefined {
    const entry = this.buckets.get(name);
    return entry === undefined
      ? undefined
      : { ...entry.record, objects: entry.objects, uploads: entry.uploads };
  }

  /** Every bucket, by name. */
  allBuckets(): StoredBucket[] {
    return [...this.buckets.keys()]
      .sort()
      .map((name) => this.bucket(name))
      .filter((bucket) => bucket !== undefined);
  }

  /** Creates a bucket, with Block Public Access on, as OSS creates them now. */
  createBucket(
    name: string,
    region: string,
    owner: string,
    rule: StoredRule | undefined,
  ): StoredBucket {
    const record: BucketRecord = {
      name,
      region,
      owner,
      createdAt: new Date(),
      defaultKmsKeyId: randomUUID(),
      rule,
      versioning: undefined,
      blockPublicAccess: true,
    };
    this.storage.saveBucket(record);
    this.buckets.set(name, { record, objects: new Map(), uploads: new Map() });
    return { ...record, objects: new Map(), uploads: new Map() };
  }

  /** Deletes a bucket, which must have no objects and no uploads in progress. */
  deleteBucket(name: string): void {
    this.storage.deleteBucket(name);
    this.buckets.delete(name);
  }

  /** Sets or clears a bucket's default encryption rule. */
  setRule(bucket: string, rule: StoredRule | undefined): void {
    this.saveRecord(bucket, { rule });
  }

  /** Sets a bucket's versioning state. */
  setVersioning(bucket: string, versioning: VersioningStatus): void {
    this.saveRecord(bucket, { versioning });
  }

  /** Starts receiving an object's bytes, to store with `putObject` or drop with `discard`. */
  newUpload(): ObjectUpload {
    return this.storage.newUpload();
  }

  /**
   * Receives bytes from a stream (an object's, a part's) into a new upload, a chunk at a time;
   * drops them if the stream fails.
   */
  async receive(source: AsyncIterable<Buffer>): Promise<ObjectUpload> {
    const upload = this.storage.newUpload();
    try {
      for await (const chunk of source) {
        upload.write(chunk);
      }
    } catch (error) {
      upload.discard();
      throw error;
    }
    return upload;
  }

  /** Stores an object with the bytes received in `upload`. */
  putObject(bucket: string, object: StoredObject, upload: ObjectUpload): void {
    const entry = this.entry(bucket);
    this.storage.saveObject(bucket, object, upload);
    entry.objects.set(object.key, object);
  }

  /** Replaces the metadata of an object that exists, keeping its bytes. */
  updateObject(bucket: string, object: StoredObject): void {
    const entry = this.entry(bucket);
    this.storage.saveObjectMetadata(bucket, object);
    entry.objects.set(object.key, object);
  }

  /** Deletes an object, if present. */
  deleteObject(bucket: string, key: string): void {
    const entry = this.entry(bucket);
    if (entry.objects.has(key)) {
      this.storage.deleteObject(bucket, key);
      entry.objects.delete(key);
    }
  }

  /** An object's bytes, or those of `range`, as stored now. */
  readObject(bucket: string, key: string, range?: ByteRange): Readable {
    return this.storage.readObject(bucket, key, range);
  }

  /** Starts a multipart upload of `key`; the object gets `settings` when it completes. */
  initiateUpload(bucket: string, key: string, settings: ObjectSettings): MultipartUpload {
    const upload: UploadEntry = {
      id: randomBytes(16).toString("hex").toUpperCase(),
      key,
      initiated: new Date(),
      settings,
      parts: new Map(),
    };
    this.entry(bucket).uploads.set(upload.id, upload);
    return upload;
  }

  /**
   * Keeps a part of an upload, replacing (and dropping the bytes of) one with the same number.
   * Returns false, keeping nothing, when the upload has ended meanwhile.
   */
  putPart(bucket: string, uploadId: string, part: UploadedPart): boolean {
    const upload = this.buckets.get(bucket)?.uploads.get(uploadId);
    if (upload === undefined) {
      return false;
    }
    upload.parts.get(part.number)?.bytes.discard();
    upload.parts.set(part.number, part);
    return true;
  }

  /**
   * Ends an upload and hands it over, parts and all, to be completed: the caller stores the
   * object and then discards the parts' bytes.
   */
  takeUpload(bucket: string, uploadId: string): MultipartUpload | undefined {
    const uploads = this.buckets.get(bucket)?.uploads;
    const upload = uploads?.get(uploadId);
    uploads?.delete(uploadId);
    return upload;
  }

  /** Ends an upload and drops its parts. Returns false when there was no such upload. */
  abortUpload(bucket: string, uploadId: string): boolean {
    const upload = this.takeUpload(bucket, uploadId);
    discardParts(upload);
    return upload !== undefined;
  }

  /** Drops every upload in progress and releases the storage. */
  close(): void {
    for (const entry of this.buckets.values()) {
      for (const upload of entry.uploads.values()) {
        discardParts(upload);
      }
      entry.uploads.clear();
    }
    this.storage.close();
  }

  private saveRecord(bucket: string, change: Partial<BucketRecord>): void {
    const entry = this.entry(bucket);
    const record = { ...entry.record, ...change };
    this.storage.saveBucket(record);
    entry.record = record;
  }

  private entry(bucket: string): BucketEntry {
    const entry = this.buckets.get(bucket);
    if (entry === undefined) {
      throw new Error(`no bucket ${bucket}`);
    }
    return entry;
  }
}

/** Drops the bytes of an upload's parts. */
export function discardParts(upload: MultipartUpload | undefined): void {
  for (const part of upload?.parts.values() ?? []) {
    part.bytes.discard();
  }
}
