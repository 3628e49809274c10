/**
 * What the emulated OSS account holds: buckets, their default encryption rules and objects. In
 * memory, and optionally written to a data directory after every change so that it survives a
 * restart.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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

/** One stored object. */
export interface StoredObject {
  readonly body: Buffer;
  readonly contentType: string;
  /** The MD5 of the body, hex, as OSS's ETag (quoted on the wire). */
  readonly etag: string;
  readonly lastModified: Date;
  readonly encryption?: ObjectEncryption;
}

/** One bucket. */
export interface StoredBucket {
  readonly name: string;
  /** The region id it was created in, e.g. `cn-hangzhou`. */
  readonly region: string;
  /** The AccessKey id that created it: another key creating the same name gets a conflict. */
  readonly owner: string;
  readonly createdAt: Date;
  /** The KMS key OSS generates for the bucket when a KMS rule names none. */
  readonly defaultKmsKeyId: string;
  rule: StoredRule | undefined;
  readonly objects: Map<string, StoredObject>;
}

interface SerializedBucket {
  name: string;
  region: string;
  owner: string;
  createdAt: string;
  defaultKmsKeyId: string;
  rule?: StoredRule;
  objects: {
    key: string;
    body: string;
    contentType: string;
    etag: string;
    lastModified: string;
    encryption?: ObjectEncryption;
  }[];
}

const STATE_FILE = "oss-emulator-state.json";

/** The account's buckets, persisted to `dataDir` when one is given. */
export class EmulatorState {
  private readonly buckets = new Map<string, StoredBucket>();

  constructor(private readonly dataDir?: string) {
    if (dataDir !== undefined) {
      mkdirSync(dataDir, { recursive: true });
      const file = join(dataDir, STATE_FILE);
      if (existsSync(file)) {
        for (const bucket of JSON.parse(readFileSync(file, "utf8")) as SerializedBucket[]) {
          this.buckets.set(bucket.name, revive(bucket));
        }
      }
    }
  }

  /** The bucket of that name, if any. */
  bucket(name: string): StoredBucket | undefined {
    return this.buckets.get(name);
  }

  /** Every bucket, by name. */
  allBuckets(): StoredBucket[] {
    return [...this.buckets.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Creates a bucket. */
  createBucket(
    name: string,
    region: string,
    owner: string,
    rule: StoredRule | undefined,
  ): StoredBucket {
    const bucket: StoredBucket = {
      name,
      region,
      owner,
      createdAt: new Date(),
      defaultKmsKeyId: randomUUID(),
      rule,
      objects: new Map(),
    };
    this.buckets.set(name, bucket);
    this.save();
    return bucket;
  }

  /** Deletes a bucket. */
  deleteBucket(name: string): void {
    this.buckets.delete(name);
    this.save();
  }

  /** Sets or clears a bucket's default encryption rule. */
  setRule(bucket: StoredBucket, rule: StoredRule | undefined): void {
    bucket.rule = rule;
    this.save();
  }

  /** Stores an object. */
  putObject(bucket: StoredBucket, key: string, object: StoredObject): void {
    bucket.objects.set(key, object);
    this.save();
  }

  /** Deletes an object, if present. */
  deleteObject(bucket: StoredBucket, key: string): void {
    bucket.objects.delete(key);
    this.save();
  }

  /** Writes the state to the data directory, atomically, when there is one. */
  private save(): void {
    if (this.dataDir === undefined) {
      return;
    }
    const file = join(this.dataDir, STATE_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(this.allBuckets().map(serialize)));
    renameSync(`${file}.tmp`, file);
  }
}

function serialize(bucket: StoredBucket): SerializedBucket {
  return {
    name: bucket.name,
    region: bucket.region,
    owner: bucket.owner,
    createdAt: bucket.createdAt.toISOString(),
    defaultKmsKeyId: bucket.defaultKmsKeyId,
    ...(bucket.rule === undefined ? {} : { rule: bucket.rule }),
    objects: [...bucket.objects].map(([key, object]) => ({
      key,
      body: object.body.toString("base64"),
      contentType: object.contentType,
      etag: object.etag,
      lastModified: object.lastModified.toISOString(),
      ...(object.encryption === undefined ? {} : { encryption: object.encryption }),
    })),
  };
}

function revive(bucket: SerializedBucket): StoredBucket {
  return {
    name: bucket.name,
    region: bucket.region,
    owner: bucket.owner,
    createdAt: new Date(bucket.createdAt),
    defaultKmsKeyId: bucket.defaultKmsKeyId,
    rule: bucket.rule,
    objects: new Map(
      bucket.objects.map((object) => [
        object.key,
        {
          body: Buffer.from(object.body, "base64"),
          contentType: object.contentType,
          etag: object.etag,
          lastModified: new Date(object.lastModified),
          ...(object.encryption === undefined ? {} : { encryption: object.encryption }),
        },
      ]),
    ),
  };
}
