/**
 * What the emulated OSS holds: buckets, their default encryption rules and objects. An index in
 * memory answers every read; every change is written through to the storage (memory, or a data
 * directory) before it is acknowledged.
 */
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type { BucketRecord, ObjectUpload, Storage, StoredObject, StoredRule } from "./storage";

export {
  type Algorithm,
  ALGORITHMS,
  type ObjectEncryption,
  type StoredObject,
  type StoredRule,
} from "./storage";

/** One bucket: its settings and its objects' metadata, by key. */
export interface StoredBucket extends BucketRecord {
  readonly objects: ReadonlyMap<string, StoredObject>;
}

interface BucketEntry {
  record: BucketRecord;
  readonly objects: Map<string, StoredObject>;
}

/** The buckets of every account, over a storage. */
export class EmulatorState {
  private readonly buckets = new Map<string, BucketEntry>();

  constructor(private readonly storage: Storage) {
    const { buckets, objects } = storage.load();
    for (const record of buckets) {
      this.buckets.set(record.name, { record, objects: new Map() });
    }
    for (const { bucket, ...object } of objects) {
      this.buckets.get(bucket)?.objects.set(object.key, object);
    }
  }

  /** The bucket of that name, if any. */
  bucket(name: string): StoredBucket | undefined {
    const entry = this.buckets.get(name);
    return entry === undefined ? undefined : { ...entry.record, objects: entry.objects };
  }

  /** Every bucket, by name. */
  allBuckets(): StoredBucket[] {
    return [...this.buckets.keys()]
      .sort()
      .map((name) => this.bucket(name))
      .filter((bucket) => bucket !== undefined);
  }

  /** Creates a bucket. */
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
    };
    this.storage.saveBucket(record);
    this.buckets.set(name, { record, objects: new Map() });
    return { ...record, objects: new Map() };
  }

  /** Deletes a bucket, which must have no objects. */
  deleteBucket(name: string): void {
    this.storage.deleteBucket(name);
    this.buckets.delete(name);
  }

  /** Sets or clears a bucket's default encryption rule. */
  setRule(bucket: string, rule: StoredRule | undefined): void {
    const entry = this.entry(bucket);
    const record = { ...entry.record, rule };
    this.storage.saveBucket(record);
    entry.record = record;
  }

  /** Starts receiving an object's bytes, to store with `putObject` or drop with `discard`. */
  newUpload(): ObjectUpload {
    return this.storage.newUpload();
  }

  /** Stores an object with the bytes received in `upload`. */
  putObject(bucket: string, object: StoredObject, upload: ObjectUpload): void {
    const entry = this.entry(bucket);
    this.storage.saveObject(bucket, object, upload);
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

  /** An object's bytes. */
  readObject(bucket: string, key: string): Readable {
    return this.storage.readObject(bucket, key);
  }

  /** Releases the storage. */
  close(): void {
    this.storage.close();
  }

  private entry(bucket: string): BucketEntry {
    const entry = this.buckets.get(bucket);
    if (entry === undefined) {
      throw new Error(`no bucket ${bucket}`);
    }
    return entry;
  }
}
