/**
 * `--data-dir`: every acknowledged write survives `kill -9` (objects' metadata, ACL and
 * encryption, bucket versioning, objects completed from multipart uploads), large objects are
 * stored apart from the metadata and copied in parts within bounded memory, one emulator at a
 * time holds a directory, the data directory of the previous version is read, and a damaged
 * directory is named in the error with what to do. Driven through the `oss-emulator` command, as
 * users run it.
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { aliOssClient, type EncryptionClient } from "../../tooling/aliOssClient";
import { failureOf } from "../support/failures";
import {
  type EmulatorProcess,
  killEmulatorProcesses,
  runEmulatorToExit,
  startEmulatorProcess,
} from "../support/emulatorProcess";

jest.setTimeout(120_000);

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "oss-emulator-data-"));
});

afterEach(() => {
  killEmulatorProcesses();
  rmSync(dataDir, { recursive: true, force: true });
});

function start(): Promise<EmulatorProcess> {
  return startEmulatorProcess(["--data-dir", dataDir]);
}

function md5(bytes: Buffer): string {
  return createHash("md5").update(bytes).digest("hex");
}

describe("--data-dir", () => {
  it("keeps every acknowledged bucket, rule and object across kill -9", async () => {
    const first = await start();
    const client = aliOssClient(first.endpoint);
    const buckets = Array.from({ length: 39 }, (_, index) => `bucket-${index}`);
    for (const bucket of buckets) {
      await client.putBucket(bucket);
      await client.putBucketEncryption(bucket, { SSEAlgorithm: "KMS", KMSMasterKeyID: bucket });
      await aliOssClient(first.endpoint, { bucket }).put("object.txt", Buffer.from(bucket));
    }
    await first.stop("SIGKILL");

    const second = await start();
    const reader = aliOssClient(second.endpoint);
    for (const bucket of buckets) {
      await expect(reader.getBucketEncryption(bucket)).resolves.toMatchObject({
        encryption: { SSEAlgorithm: "KMS", KMSMasterKeyID: bucket },
      });
      const object = await aliOssClient(second.endpoint, { bucket }).get("object.txt");
      expect(object.content).toStrictEqual(Buffer.from(bucket));
    }
  });

  it("stores each large object in a file of its own, and keeps every acknowledged one across kill -9", async () => {
    const first = await start();
    const client = aliOssClient(first.endpoint);
    await client.putBucket("large");
    const bucket = aliOssClient(first.endpoint, { bucket: "large", timeoutMs: 120_000 });
    const sizes = [140, 140, 140].map((mebibytes, index) => mebibytes * 1024 * 1024 + index);
    const digests: string[] = [];
    for (const [index, size] of sizes.entries()) {
      const bytes = Buffer.alloc(size, index + 1);
      digests.push(md5(bytes));
      await expect(bucket.put(`object-${index}.bin`, bytes)).resolves.toMatchObject({
        res: { status: 200 },
      });
    }
    await client.putBucketEncryption("large", { SSEAlgorithm: "SM4" });
    await first.stop("SIGKILL");

    const second = await start();
    const reader = aliOssClient(second.endpoint, { bucket: "large", timeoutMs: 120_000 });
    for (const [index, size] of sizes.entries()) {
      const head = await reader.head(`object-${index}.bin`);
      expect((head.res.headers as Record<string, string>)["content-length"]).toBe(String(size));
      const object = await reader.get(`object-${index}.bin`);
      expect(md5(object.content as Buffer)).toBe(digests[index]);
    }
    await expect(aliOssClient(second.endpoint).getBucketEncryption("large")).resolves.toMatchObject(
      { encryption: { SSEAlgorithm: "SM4" } },
    );
    // The database holds metadata only; the bytes are in one file per object.
    const files = readdirSync(join(dataDir, "objects"), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
    expect(files).toHaveLength(3);
  });

  it("keeps objects' metadata, ACL and encryption, bucket versioning and a completed multipart object across kill -9, and forgets uploads in progress", async () => {
    const first = await start();
    const admin = aliOssClient(first.endpoint);
    await admin.putBucket("audited");
    await admin.putBucketVersioning("audited", "Enabled");
    const client = aliOssClient(first.endpoint, { bucket: "audited" });
    await client.put("report.csv", Buffer.from("a,b"), {
      mime: "text/csv",
      meta: { owner: "finance" },
      headers: { "x-oss-server-side-encryption": "SM4", "x-oss-object-acl": "private" },
    } as object);
    await client.copy("report.csv", "report.csv", {
      headers: {
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "audit-key",
        "x-oss-object-acl": "private",
      },
    });
    const init = await client.initMultipartUpload("joined.bin", {
      headers: { "x-oss-server-side-encryption": "AES256", "x-oss-object-acl": "public-read" },
    });
    const parts = [Buffer.alloc(100 * 1024, 1), Buffer.alloc(10, 2)];
    const etags: string[] = [];
    for (const [index, part] of parts.entries()) {
      const { etag } = await client.uploadPart(
        "joined.bin",
        init.uploadId,
        index + 1,
        part,
        0,
        part.length,
      );
      etags.push(etag);
    }
    const done = await client.completeMultipartUpload(
      "joined.bin",
      init.uploadId,
      etags.map((etag, index) => ({ number: index + 1, etag })),
    );
    const unfinished = await client.initMultipartUpload("unfinished.bin");
    await client.uploadPart("unfinished.bin", unfinished.uploadId, 1, parts[0], 0, 100 * 1024);
    await first.stop("SIGKILL");

    const second = await start();
    const reader = aliOssClient(second.endpoint, { bucket: "audited" });
    const report = (await reader.head("report.csv")).res.headers as Record<string, string>;
    expect([
      report["content-type"],
      report["x-oss-meta-owner"],
      report["x-oss-server-side-encryption"],
      report["x-oss-server-side-encryption-key-id"],
    ]).toStrictEqual(["text/csv", "finance", "KMS", "audit-key"]);
    await expect(reader.getACL("report.csv")).resolves.toMatchObject({ acl: "private" });
    await expect(reader.get("report.csv")).resolves.toMatchObject({ content: Buffer.from("a,b") });
    const joined = await reader.get("joined.bin");
    const headers = joined.res.headers as Record<string, string>;
    expect([
      joined.content,
      headers.etag,
      headers["x-oss-object-type"],
      headers["x-oss-server-side-encryption"],
    ]).toStrictEqual([Buffer.concat(parts), done.etag, "Multipart", "AES256"]);
    await expect(reader.getACL("joined.bin")).resolves.toMatchObject({ acl: "public-read" });
    await expect(reader.getBucketVersioning("audited")).resolves.toMatchObject({
      versionStatus: "Enabled",
    });
    await expect(reader.listUploads({})).resolves.toMatchObject({ uploads: [] });
    // The unfinished upload's part went with the process; only the objects' files remain.
    const files = readdirSync(join(dataDir, "objects"), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name);
    expect(files).toHaveLength(2);
  });

  it("reads the data directory of the previous version, whose tables lack the newer columns, and writes to it", async () => {
    // The database as the emulator before user metadata, ACLs, multipart and versioning wrote it.
    const file = "ab/ab000000-0000-4000-8000-000000000000";
    mkdirSync(join(dataDir, "objects", "ab"), { recursive: true });
    writeFileSync(join(dataDir, "objects", file), "old bytes");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { DatabaseSync } = require("node:sqlite") as {
      DatabaseSync: new (path: string) => DatabaseSync;
    };
    const db = new DatabaseSync(join(dataDir, "emulator.sqlite"));
    db.exec(`
      CREATE TABLE buckets (
        name TEXT PRIMARY KEY, region TEXT NOT NULL, owner TEXT NOT NULL,
        created_at TEXT NOT NULL, default_kms_key_id TEXT NOT NULL, rule TEXT
      ) STRICT;
      CREATE TABLE objects (
        bucket TEXT NOT NULL REFERENCES buckets (name), key TEXT NOT NULL,
        size INTEGER NOT NULL, content_type TEXT NOT NULL, etag TEXT NOT NULL,
        last_modified TEXT NOT NULL, encryption TEXT, file TEXT NOT NULL,
        PRIMARY KEY (bucket, key)
      ) STRICT;
      INSERT INTO buckets VALUES
        ('old-bucket', 'cn-hangzhou', 'default', '2026-01-01T00:00:00.000Z', 'key', '{"sseAlgorithm":"SM4"}');
      INSERT INTO objects VALUES
        ('old-bucket', 'a.txt', 9, 'text/plain', '${md5(Buffer.from("old bytes"))}',
         '2026-01-01T00:00:00.000Z', '{"algorithm":"SM4"}', '${file}');
    `);
    db.close();

    const first = await start();
    const client = aliOssClient(first.endpoint, { bucket: "old-bucket" });
    const head = (await client.head("a.txt")).res.headers as Record<string, string>;
    expect([
      head["x-oss-object-type"],
      head["x-oss-server-side-encryption"],
      Object.keys(head).filter((name) => name.startsWith("x-oss-meta-")),
    ]).toStrictEqual(["Normal", "SM4", []]);
    await expect(client.getACL("a.txt")).resolves.toMatchObject({ acl: "default" });
    await expect(client.getBucketVersioning("old-bucket")).resolves.toMatchObject({
      versionStatus: undefined,
    });
    // Created before OSS made Block Public Access the default.
    const info = (await client.getBucketInfo("old-bucket")) as {
      bucket: { BlockPublicAccess: string };
    };
    expect(info.bucket.BlockPublicAccess).toBe("false");
    await client.putACL("a.txt", "private");
    await first.stop("SIGKILL");

    const second = await start();
    const reader = aliOssClient(second.endpoint, { bucket: "old-bucket" });
    await expect(reader.getACL("a.txt")).resolves.toMatchObject({ acl: "private" });
    await expect(reader.get("a.txt")).resolves.toMatchObject({ content: Buffer.from("old bytes") });
  });

  it("copies a 2 GiB object onto itself with multipart copy, re-encrypted, within bounded memory, after refusing CopyObject over 1 GB", async () => {
    const GIB = 1024 ** 3;
    const MIB = 1024 ** 2;
    // The source, written to disk a chunk at a time: each 8 MiB chunk filled with its number.
    const local = join(dataDir, "..", `${basename(dataDir)}-source.bin`);
    const hash = createHash("md5");
    const fd = openSync(local, "w");
    try {
      for (let chunk = 0; chunk < (2 * GIB) / (8 * MIB); chunk++) {
        const bytes = Buffer.alloc(8 * MIB, chunk % 251);
        writeSync(fd, bytes);
        hash.update(bytes);
      }
    } finally {
      closeSync(fd);
    }
    const digest = hash.digest("hex");
    try {
      const first = await start();
      await aliOssClient(first.endpoint).putBucket("large");
      const client = aliOssClient(first.endpoint, { bucket: "large", timeoutMs: 600_000 });
      const upload = await client.initMultipartUpload("big.bin");
      const uploaded = [];
      for (let part = 0; part < 4; part++) {
        const start = part * 512 * MIB;
        const { etag } = await client.uploadPart(
          "big.bin",
          upload.uploadId,
          part + 1,
          local,
          start,
          start + 512 * MIB,
        );
        uploaded.push({ number: part + 1, etag });
      }
      await client.completeMultipartUpload("big.bin", upload.uploadId, uploaded);
      await expect(failureOf(client.copy("big.bin", "big.bin"))).resolves.toStrictEqual({
        status: 400,
        code: "EntityTooLarge",
        message: "Source object Length exceeds the maximum allowed size.",
      });

      // The audit's copy of an object over 1 GB: the parts copied from the object itself.
      const copy = await client.initMultipartUpload("big.bin", {
        headers: {
          "x-oss-server-side-encryption": "KMS",
          "x-oss-server-side-encryption-key-id": "audit-key",
        },
      });
      const ranges = [
        [0, 700 * MIB - 1],
        [700 * MIB, 1400 * MIB - 1],
        [1400 * MIB, 2 * GIB - 1],
      ];
      const copied = [];
      for (const [index, [from, to]] of ranges.entries()) {
        const { etag } = await client.uploadPartCopy(
          "big.bin",
          copy.uploadId,
          index + 1,
          `${from}-${to}`,
          { sourceKey: "big.bin", sourceBucketName: "large" },
          {},
        );
        copied.push({ number: index + 1, etag });
      }
      await client.completeMultipartUpload("big.bin", copy.uploadId, copied);
      const peakKib = Number(
        /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${first.child.pid}/status`, "utf8"))?.[1],
      );
      await first.stop("SIGKILL");
      expect(peakKib * 1024).toBeLessThan(256 * MIB);

      const second = await start();
      const reader = aliOssClient(second.endpoint, { bucket: "large", timeoutMs: 600_000 });
      const head = (await reader.head("big.bin")).res.headers as Record<string, string>;
      expect([
        head["content-length"],
        head["x-oss-object-type"],
        head["x-oss-server-side-encryption"],
        head["x-oss-server-side-encryption-key-id"],
      ]).toStrictEqual([String(2 * GIB), "Multipart", "KMS", "audit-key"]);
      const { stream } = (await reader.getStream("big.bin")) as { stream: AsyncIterable<Buffer> };
      const read = createHash("md5");
      for await (const chunk of stream) {
        read.update(chunk);
      }
      expect(read.digest("hex")).toBe(digest);
    } finally {
      rmSync(local, { force: true });
    }
  }, 600_000);

  it("drops the file of an object whose write never committed", async () => {
    const first = await start();
    await aliOssClient(first.endpoint).putBucket("logs");
    await first.stop("SIGTERM");
    // As a crash leaves them: bytes still arriving, and bytes moved into place but not committed.
    writeFileSync(join(dataDir, "objects", ".incoming", "partial"), "half an upload");
    mkdirSync(join(dataDir, "objects", "ab"), { recursive: true });
    const orphan = join(dataDir, "objects", "ab", "ab-never-committed");
    writeFileSync(orphan, "x");
    await start();
    expect([existsSync(orphan), readdirSync(join(dataDir, "objects", ".incoming"))]).toStrictEqual([
      false,
      [],
    ]);
  });

  it("is held by one emulator: a second exits with a clear error and the first keeps serving", async () => {
    const first = await start();
    const { code, errors } = await runEmulatorToExit(["--data-dir", dataDir]);
    expect(code).toBe(2);
    expect(errors).toBe(
      `oss-emulator: The data directory ${dataDir} is in use by another oss-emulator (${join(dataDir, "emulator.sqlite")} is locked); stop that one, or give this one another --data-dir.\n`,
    );
    await expect(aliOssClient(first.endpoint).putBucket("still-served")).resolves.toMatchObject({
      res: { status: 200 },
    });
  });

  it.each([
    [
      "a truncated database",
      (file: string) => {
        truncateSync(file, 100);
      },
    ],
    [
      "an overwritten database",
      (file: string) => {
        writeFileSync(file, "not a database".repeat(500));
      },
    ],
  ])("names %s and says what to do", async (_case, damage) => {
    const first = await start();
    const client: EncryptionClient = aliOssClient(first.endpoint);
    for (let index = 0; index < 50; index++) {
      await client.putBucket(`bucket-${index}`);
    }
    await first.stop("SIGTERM");
    const file = join(dataDir, "emulator.sqlite");
    damage(file);
    const { code, errors } = await runEmulatorToExit(["--data-dir", dataDir]);
    expect(code).toBe(2);
    expect(errors).toMatch(
      new RegExp(
        `^oss-emulator: ${file.replace(/[.]/g, "\\.")} is damaged \\(.+\\); restore it from a backup, or move the data directory aside to start with an empty one\\.\\n$`,
      ),
    );
  });

  it("imports the JSON state file of an older emulator once, and names it when it is truncated", async () => {
    const legacy = join(dataDir, "oss-emulator-state.json");
    const state = [
      {
        name: "old-bucket",
        region: "cn-hangzhou",
        owner: "default",
        createdAt: "2026-01-01T00:00:00.000Z",
        defaultKmsKeyId: "key",
        rule: { sseAlgorithm: "SM4" },
        objects: [
          {
            key: "a.txt",
            body: Buffer.from("old bytes").toString("base64"),
            contentType: "text/plain",
            etag: md5(Buffer.from("old bytes")),
            lastModified: "2026-01-01T00:00:00.000Z",
          },
        ],
      },
    ];
    writeFileSync(legacy, JSON.stringify(state).slice(0, 40));
    const broken = await runEmulatorToExit(["--data-dir", dataDir]);
    expect(broken.errors).toContain(
      `oss-emulator: ${legacy} (the state file of an older oss-emulator) cannot be read:`,
    );
    writeFileSync(legacy, JSON.stringify(state));
    const started = await start();
    await expect(
      aliOssClient(started.endpoint).getBucketEncryption("old-bucket"),
    ).resolves.toMatchObject({ encryption: { SSEAlgorithm: "SM4" } });
    const object = await aliOssClient(started.endpoint, { bucket: "old-bucket" }).get("a.txt");
    expect(object.content).toStrictEqual(Buffer.from("old bytes"));
    expect(existsSync(`${legacy}.imported`)).toBe(true);
  });
});
