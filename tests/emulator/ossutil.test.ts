/**
 * The local OSS endpoint driven by a real OSS client the project did not write: ossutil v1.7.19
 * (on the OSS Go SDK v1, which signs V4 with only a `Date` header), built from the Go module
 * proxy. In each signing mode, V1, V4 and STS: bucket creation, bucket encryption put, get and
 * delete, bucket info, object upload, download, stat and removal, the multipart upload and ranged
 * download of a file over ossutil's multipart threshold, and the cleanup of a bucket.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type EmulatorCredential, type OssEmulator, startOssEmulator } from "local-oss-endpoint";
import { OSSUTIL_VERSION, requireOssutil } from "../../tooling/ossutil";

jest.setTimeout(120_000);

const run = promisify(execFile);

const MIB = 1024 * 1024;

const KEY: EmulatorCredential = { accessKeyId: "ossutil-key", accessKeySecret: "ossutil-secret" };
const STS: EmulatorCredential = {
  accessKeyId: "STS.ossutil-key",
  accessKeySecret: "ossutil-sts-secret",
  securityToken: "ossutil-sts-token",
};

const MODES: readonly (readonly [string, (endpoint: string) => string[]])[] = [
  ["V1", (endpoint) => ["-e", endpoint, "-i", KEY.accessKeyId, "-k", KEY.accessKeySecret]],
  [
    "V4",
    (endpoint) => [
      "-e",
      endpoint,
      "-i",
      KEY.accessKeyId,
      "-k",
      KEY.accessKeySecret,
      "--sign-version",
      "v4",
      "--region",
      "cn-hangzhou",
    ],
  ],
  [
    "STS",
    (endpoint) => [
      "-e",
      endpoint,
      "-i",
      STS.accessKeyId,
      "-k",
      STS.accessKeySecret,
      "-t",
      STS.securityToken ?? "",
    ],
  ],
];

let oss: OssEmulator;
let home: string;

beforeAll(async () => {
  oss = await startOssEmulator({ credentials: [KEY, STS] });
});

afterAll(async () => {
  await oss.close();
});

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "ossutil-home-"));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

/** Runs ossutil in a home of its own (no ~/.ossutilconfig); its standard output. */
async function ossutil(args: readonly string[]): Promise<string> {
  const { stdout } = await run(requireOssutil(), [...args], {
    cwd: home,
    env: { PATH: process.env.PATH ?? "", HOME: home },
  });
  return stdout;
}

it(`drives ossutil v${OSSUTIL_VERSION}`, async () => {
  await expect(ossutil(["--version"])).resolves.toContain(`ossutil version: v${OSSUTIL_VERSION}`);
});

describe.each(MODES)("ossutil signing with %s", (mode, connection) => {
  const bucket = `ossutil-${mode.toLowerCase()}`;
  const args = (...command: string[]) => [...command, ...connection(oss.endpoint)];

  it("creates a bucket and puts, gets and deletes its encryption rule", async () => {
    await ossutil(args("mb", `oss://${bucket}`));
    await ossutil(
      args(
        "bucket-encryption",
        "--method",
        "put",
        `oss://${bucket}`,
        "--sse-algorithm",
        "KMS",
        "--kms-masterkey-id",
        "key-1",
        "--kms-data-encryption",
        "SM4",
      ),
    );
    expect(oss.bucket(bucket)?.rule).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
      kmsDataEncryption: "SM4",
    });
    const rule = await ossutil(args("bucket-encryption", "--method", "get", `oss://${bucket}`));
    expect(rule).toContain("SSEAlgorithm:KMS\nKMSMasterKeyID:key-1\nKMSDataEncryption:SM4\n");
    const info = await ossutil(args("stat", `oss://${bucket}`));
    expect(info).toMatch(/Name\s+: ossutil-/);
    expect(info).toMatch(/SSEAlgorithm\s+: KMS/);
    await ossutil(args("bucket-encryption", "--method", "delete", `oss://${bucket}`));
    expect(oss.bucket(bucket)?.rule).toBeUndefined();
  });

  it("uploads, stats, downloads and removes an object encrypted by the bucket's rule", async () => {
    await ossutil(
      args("bucket-encryption", "--method", "put", `oss://${bucket}`, "--sse-algorithm", "SM4"),
    );
    const local = join(home, "upload.txt");
    writeFileSync(local, "bytes uploaded by ossutil");
    await ossutil(args("cp", local, `oss://${bucket}/dir/object.txt`));
    const stat = await ossutil(args("stat", `oss://${bucket}/dir/object.txt`));
    expect(stat).toMatch(/Content-Length\s+: 25/);
    expect(stat).toMatch(/X-Oss-Server-Side-Encryption\s+: SM4/);
    const downloaded = join(home, "download.txt");
    await ossutil(args("cp", `oss://${bucket}/dir/object.txt`, downloaded));
    expect(readFileSync(downloaded, "utf8")).toBe("bytes uploaded by ossutil");
    await ossutil(args("rm", `oss://${bucket}/dir/object.txt`));
    expect(oss.bucket(bucket)?.objects.size).toBe(0);
  });

  it("uploads a file over its multipart threshold in parts and downloads it in ranges, byte for byte", async () => {
    const size = 5 * MIB + 12_345;
    const bytes = Buffer.from(Array.from({ length: size }, (_, index) => (index * 31) % 251));
    const local = join(home, "large.bin");
    writeFileSync(local, bytes);
    const multipart = ["--bigfile-threshold", String(MIB), "--part-size", String(MIB)];
    oss.clearRequests();
    await ossutil(args("cp", local, `oss://${bucket}/large.bin`, ...multipart));
    // ossutil looks for the object first (GetObjectMeta), then uploads six parts of 1 MiB.
    expect(oss.counts()).toStrictEqual({
      GetObjectMeta: 1,
      InitiateMultipartUpload: 1,
      UploadPart: 6,
      CompleteMultipartUpload: 1,
    });
    const stat = await ossutil(args("stat", `oss://${bucket}/large.bin`));
    expect(stat).toMatch(/X-Oss-Object-Type\s+: Multipart/);
    expect(stat).toMatch(new RegExp(`Content-Length\\s+: ${size}\\n`));
    oss.clearRequests();
    const downloaded = join(home, "large.download");
    await ossutil(args("cp", `oss://${bucket}/large.bin`, downloaded, ...multipart));
    expect(readFileSync(downloaded).equals(bytes)).toBe(true);
    expect(oss.counts()).toStrictEqual({ HeadObject: 3, GetObject: 6 });
    expect(
      oss
        .requests()
        .filter((record) => record.operation === "GetObject")
        .map((record) => record.status),
    ).toStrictEqual([206, 206, 206, 206, 206, 206]);
    await ossutil(args("rm", `oss://${bucket}/large.bin`));
    expect(oss.requests().filter((record) => record.status >= 500)).toStrictEqual([]);
  });

  it("cleans a bucket up: removes every object, then the bucket", async () => {
    for (const key of ["a.txt", "dir/b.txt", "dir/sub/c.txt"]) {
      const local = join(home, "object.txt");
      writeFileSync(local, key);
      await ossutil(args("cp", local, `oss://${bucket}/${key}`));
    }
    oss.clearRequests();
    await ossutil(args("rm", "-r", "-f", `oss://${bucket}`));
    expect(oss.bucket(bucket)?.objects.size).toBe(0);
    expect(oss.counts()).toMatchObject({ ListObjects: 3, DeleteMultipleObjects: 1 });
    await ossutil(args("rm", "-b", "-f", `oss://${bucket}`));
    expect(oss.bucket(bucket)).toBeUndefined();
    expect(oss.requests().filter((record) => record.status === 501)).toStrictEqual([]);
  });
});
