/**
 * `--data-dir`: every acknowledged write survives `kill -9`, large objects are stored apart from
 * the metadata, one emulator at a time holds a directory, and a damaged directory is named in the
 * error with what to do. Driven through the `oss-emulator` command, as users run it.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aliOssClient, type EncryptionClient } from "../../tooling/aliOssClient";
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
