/**
 * Storage in a data directory, for an emulator whose buckets must outlive it:
 *
 *   <dir>/emulator.sqlite    buckets, rules and object metadata (SQLite, WAL, synchronous=FULL)
 *   <dir>/objects/ab/<id>    each object's bytes, in a file of its own
 *
 * Metadata and bytes live apart so that a rule write touches one small row, whatever the objects
 * weigh. An object's file is written and synced before the row that names it is committed, and
 * every commit is synced, so that whatever was answered survives `kill -9`; files left by a write
 * that never committed are swept at the next start. The database is opened in SQLite's exclusive
 * locking mode: a second emulator on the same directory cannot open it. Columns added since the
 * first version are added to an older database when it opens, with the values its rows implied.
 */
import { createHash, type Hash, randomUUID } from "node:crypto";
import {
  closeSync,
  createReadStream,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { DatabaseSync } from "node:sqlite";
import type {
  BucketRecord,
  ByteRange,
  ObjectAcl,
  ObjectEncryption,
  ObjectType,
  ObjectUpload,
  Storage,
  StoredContent,
  StoredObject,
  StoredRule,
  VersioningStatus,
} from "./storage";

/** The database file's name in the data directory. */
export const DATABASE_FILE = "emulator.sqlite";
const OBJECTS_DIR = "objects";
const INCOMING_DIR = ".incoming";
/** The single JSON file of emulators before the SQLite storage; imported once, then renamed. */
const LEGACY_STATE_FILE = "oss-emulator-state.json";

/** A data directory that cannot be used, with what to do about it. */
export class DataDirError extends Error {
  override readonly name = "DataDirError";
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS buckets (
    name TEXT PRIMARY KEY,
    region TEXT NOT NULL,
    owner TEXT NOT NULL,
    created_at TEXT NOT NULL,
    default_kms_key_id TEXT NOT NULL,
    rule TEXT
  ) STRICT;
  CREATE TABLE IF NOT EXISTS objects (
    bucket TEXT NOT NULL REFERENCES buckets (name),
    key TEXT NOT NULL,
    size INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    etag TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    encryption TEXT,
    file TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
  ) STRICT;
`;

/**
 * Columns added to the tables since the first data directories, each with the value that the
 * rows of an older database take: their buckets predate Block Public Access by default, and
 * their objects have no user metadata, the default ACL and one PutObject behind them.
 */
const ADDED_COLUMNS: readonly (readonly [table: string, column: string, definition: string])[] = [
  ["buckets", "versioning", "TEXT"],
  ["buckets", "block_public_access", "INTEGER NOT NULL DEFAULT 0"],
  ["objects", "user_metadata", "TEXT NOT NULL DEFAULT '{}'"],
  ["objects", "acl", "TEXT NOT NULL DEFAULT 'default'"],
  ["objects", "object_type", "TEXT NOT NULL DEFAULT 'Normal'"],
];

interface BucketRow {
  name: string;
  region: string;
  owner: string;
  created_at: string;
  default_kms_key_id: string;
  rule: string | null;
  versioning: string | null;
  block_public_access: number;
}

interface ObjectRow {
  bucket: string;
  key: string;
  size: number;
  content_type: string;
  etag: string;
  last_modified: string;
  encryption: string | null;
  file: string;
  user_metadata: string;
  acl: string;
  object_type: string;
}

/** SQLite's result codes for a locked database and a damaged one. */
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;

function sqliteCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown }).errcode;
  return typeof code === "number" ? code & 0xff : undefined;
}

/** Receives bytes into a file of the data directory, hashing them as they come. */
class FileUpload implements ObjectUpload {
  readonly id = randomUUID();
  private readonly hash: Hash = createHash("md5");
  private fd: number | undefined;
  size = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "wx");
  }

  write(chunk: Buffer): void {
    if (this.fd === undefined) {
      throw new Error("the upload is closed");
    }
    writeSync(this.fd, chunk);
    this.hash.update(chunk);
    this.size += chunk.length;
  }

  digest(): Buffer {
    return this.hash.digest();
  }

  /** Syncs and closes the file, so that it can be moved into place. */
  seal(): void {
    if (this.fd !== undefined) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  discard(): void {
    this.finish();
    rmSync(this.path, { force: true });
  }

  finish(): void {
    // Not synced: a part of a multipart upload need not survive a crash, only the object.
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }

  read(): Readable {
    return openForReading(this.path);
  }
}

/**
 * A stream of a file's bytes (or of `range`), opened at once: a file deleted or replaced while
 * the stream is read stays readable to the end.
 */
function openForReading(path: string, range?: ByteRange): Readable {
  return createReadStream(path, {
    fd: openSync(path, "r"),
    ...(range === undefined ? {} : { start: range.start, end: range.end }),
  });
}

/** Syncs a directory, so that a rename into it survives a crash. */
function syncDirectory(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Buckets, rules and objects kept in a data directory. */
export class DataDirStorage implements Storage {
  private readonly db: DatabaseSync;
  private readonly objectsDir: string;
  private readonly incomingDir: string;

  /**
   * Opens (or creates) the data directory and takes its lock.
   *
   * @throws DataDirError when another emulator holds the directory, or its database is damaged.
   */
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.objectsDir = join(dir, OBJECTS_DIR);
    this.incomingDir = join(this.objectsDir, INCOMING_DIR);
    const file = join(dir, DATABASE_FILE);
    // Loaded on first use: an emulator without a data directory runs on any Node version.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DatabaseSync } = require("node:sqlite") as typeof import("node:sqlite");
    let db: DatabaseSync | undefined;
    try {
      db = new DatabaseSync(file);
      db.exec("PRAGMA locking_mode = EXCLUSIVE; PRAGMA busy_timeout = 0;");
      // The first write takes the lock, and exclusive mode keeps it until the database closes.
      db.exec("BEGIN EXCLUSIVE; COMMIT;");
      db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
      const check = db.prepare("PRAGMA quick_check").get() as { quick_check?: string } | undefined;
      if (check?.quick_check !== "ok") {
        throw new DataDirError(damaged(file, `quick_check reported ${String(check?.quick_check)}`));
      }
      db.exec(SCHEMA);
      addMissingColumns(db);
    } catch (error) {
      db?.close();
      throw openFailure(error, dir, file);
    }
    this.db = db;
    mkdirSync(this.incomingDir, { recursive: true });
    this.importLegacyState();
    this.sweepUncommittedFiles();
  }

  load(): StoredContent {
    const buckets = (this.db.prepare("SELECT * FROM buckets").all() as unknown as BucketRow[]).map(
      (row): BucketRecord => ({
        name: row.name,
        region: row.region,
        owner: row.owner,
        createdAt: new Date(row.created_at),
        defaultKmsKeyId: row.default_kms_key_id,
        rule: row.rule === null ? undefined : (JSON.parse(row.rule) as StoredRule),
        versioning: (row.versioning ?? undefined) as VersioningStatus | undefined,
        blockPublicAccess: row.block_public_access === 1,
      }),
    );
    const objects = (this.db.prepare("SELECT * FROM objects").all() as unknown as ObjectRow[]).map(
      (row) => ({
        bucket: row.bucket,
        key: row.key,
        size: row.size,
        contentType: row.content_type,
        etag: row.etag,
        lastModified: new Date(row.last_modified),
        type: row.object_type as ObjectType,
        userMetadata: JSON.parse(row.user_metadata) as Record<string, string>,
        acl: row.acl as ObjectAcl,
        ...(row.encryption === null
          ? {}
          : { encryption: JSON.parse(row.encryption) as ObjectEncryption }),
      }),
    );
    return { buckets, objects };
  }

  saveBucket(bucket: BucketRecord): void {
    this.db
      .prepare(
        `INSERT INTO buckets
           (name, region, owner, created_at, default_kms_key_id, rule, versioning,
            block_public_access)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET rule = excluded.rule, versioning = excluded.versioning`,
      )
      .run(
        bucket.name,
        bucket.region,
        bucket.owner,
        bucket.createdAt.toISOString(),
        bucket.defaultKmsKeyId,
        bucket.rule === undefined ? null : JSON.stringify(bucket.rule),
        bucket.versioning ?? null,
        bucket.blockPublicAccess ? 1 : 0,
      );
  }

  deleteBucket(name: string): void {
    this.db.prepare("DELETE FROM buckets WHERE name = ?").run(name);
  }

  newUpload(): ObjectUpload {
    return new FileUpload(join(this.incomingDir, randomUUID()));
  }

  saveObject(bucket: string, object: StoredObject, upload: ObjectUpload): void {
    if (!(upload instanceof FileUpload)) {
      throw new TypeError("the upload was not received by this storage");
    }
    const file = upload;
    file.seal();
    const name = join(file.id.slice(0, 2), file.id);
    const shard = join(this.objectsDir, file.id.slice(0, 2));
    mkdirSync(shard, { recursive: true });
    renameSync(file.path, join(this.objectsDir, name));
    syncDirectory(shard);
    const previous = this.fileOf(bucket, object.key);
    this.db
      .prepare(
        `INSERT OR REPLACE INTO objects
           (bucket, key, size, content_type, etag, last_modified, encryption, user_metadata, acl,
            object_type, file)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(bucket, object.key, ...metadataColumns(object), name);
    if (previous !== undefined) {
      rmSync(join(this.objectsDir, previous), { force: true });
    }
  }

  saveObjectMetadata(bucket: string, object: StoredObject): void {
    this.db
      .prepare(
        `UPDATE objects
         SET size = ?, content_type = ?, etag = ?, last_modified = ?, encryption = ?,
             user_metadata = ?, acl = ?, object_type = ?
         WHERE bucket = ? AND key = ?`,
      )
      .run(...metadataColumns(object), bucket, object.key);
  }

  deleteObject(bucket: string, key: string): void {
    const file = this.fileOf(bucket, key);
    this.db.prepare("DELETE FROM objects WHERE bucket = ? AND key = ?").run(bucket, key);
    if (file !== undefined) {
      rmSync(join(this.objectsDir, file), { force: true });
    }
  }

  readObject(bucket: string, key: string, range?: ByteRange): Readable {
    const file = this.fileOf(bucket, key);
    if (file === undefined) {
      throw new Error(`no object ${key} in bucket ${bucket}`);
    }
    return openForReading(join(this.objectsDir, file), range);
  }

  close(): void {
    this.db.close();
  }

  private fileOf(bucket: string, key: string): string | undefined {
    const row = this.db
      .prepare("SELECT file FROM objects WHERE bucket = ? AND key = ?")
      .get(bucket, key) as { file: string } | undefined;
    return row?.file;
  }

  /** Deletes object files that no committed row names: writes cut short by a crash. */
  private sweepUncommittedFiles(): void {
    rmSync(this.incomingDir, { recursive: true, force: true });
    mkdirSync(this.incomingDir);
    const named = new Set(
      (this.db.prepare("SELECT file FROM objects").all() as unknown as { file: string }[]).map(
        (row) => row.file,
      ),
    );
    for (const shard of readdirSync(this.objectsDir)) {
      if (shard === INCOMING_DIR) {
        continue;
      }
      for (const file of readdirSync(join(this.objectsDir, shard))) {
        if (!named.has(join(shard, file))) {
          unlinkSync(join(this.objectsDir, shard, file));
        }
      }
    }
  }

  /** Imports the JSON state file of an older emulator once, then renames it aside. */
  private importLegacyState(): void {
    const legacy = join(this.dir, LEGACY_STATE_FILE);
    if (!existsSync(legacy)) {
      return;
    }
    let buckets: LegacyBucket[];
    try {
      buckets = JSON.parse(readFileSync(legacy, "utf8")) as LegacyBucket[];
    } catch (error) {
      throw new DataDirError(
        `${legacy} (the state file of an older oss-emulator) cannot be read: ${(error as Error).message}; restore it from a backup, or delete it to start without its buckets.`,
      );
    }
    this.db.exec("BEGIN");
    try {
      for (const bucket of buckets) {
        this.saveBucket({
          name: bucket.name,
          region: bucket.region,
          owner: bucket.owner,
          createdAt: new Date(bucket.createdAt),
          defaultKmsKeyId: bucket.defaultKmsKeyId,
          rule: bucket.rule,
          versioning: undefined,
          blockPublicAccess: false,
        });
        for (const object of bucket.objects) {
          const upload = this.newUpload();
          upload.write(Buffer.from(object.body, "base64"));
          this.saveObject(
            bucket.name,
            {
              key: object.key,
              size: upload.size,
              contentType: object.contentType,
              etag: object.etag,
              lastModified: new Date(object.lastModified),
              type: "Normal",
              userMetadata: {},
              acl: "default",
              ...(object.encryption === undefined ? {} : { encryption: object.encryption }),
            },
            upload,
          );
        }
      }
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
    renameSync(legacy, `${legacy}.imported`);
  }
}

/** A bucket as the older emulator's JSON state file held it. */
interface LegacyBucket {
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

/** Adds the columns an older database lacks. */
function addMissingColumns(db: DatabaseSync): void {
  for (const [table, column, definition] of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all() as unknown as {
      name: string;
    }[];
    if (!columns.some((existing) => existing.name === column)) {
      db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    }
  }
}

/** An object's metadata columns, from `size` to `object_type`, in the order of the table. */
function metadataColumns(object: StoredObject) {
  return [
    object.size,
    object.contentType,
    object.etag,
    object.lastModified.toISOString(),
    object.encryption === undefined ? null : JSON.stringify(object.encryption),
    JSON.stringify(object.userMetadata),
    object.acl,
    object.type,
  ] as const;
}

function damaged(file: string, detail: string): string {
  return `${file} is damaged (${detail}); restore it from a backup, or move the data directory aside to start with an empty one.`;
}

/** The error to report when the database cannot be opened, with what to do about it. */
function openFailure(error: unknown, dir: string, file: string): Error {
  if (error instanceof DataDirError) {
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  switch (sqliteCode(error)) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return new DataDirError(
        `The data directory ${dir} is in use by another oss-emulator (${file} is locked); stop that one, or give this one another --data-dir.`,
      );
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return new DataDirError(damaged(file, `SQLite: ${message}`));
    default:
      return new DataDirError(`${file} cannot be opened: ${message}.`);
  }
}
