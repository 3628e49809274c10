/**
 * `--fix` racing the bucket's owner: the copy's condition is on the ETag only, which an ACL change
 * leaves as it was, and a copy by parts gives the ACL back after the completion. An owner who makes
 * an object private while its parts are being copied must find it private after. (Between the ACL
 * read and a CopyObject there is one request's time in which a changed ACL is set back: OSS has no
 * condition on an ACL; the README says so.)
 */
import { type OssEmulator, startOssEmulator } from "local-oss-endpoint";
import { runAuditCommand } from "../../provider/audit/auditCommand";
import type { CopyLimits } from "../../provider/oss/aliOssObjectStore";
import { aliOssClient, type EncryptionClient } from "../../tooling/aliOssClient";
import { capturedIo, storesWith, waitFor } from "../support/auditCommand";

jest.setTimeout(120_000);

let oss: OssEmulator;
let client: EncryptionClient;

beforeEach(async () => {
  oss = await startOssEmulator();
  client = aliOssClient(oss.endpoint, { bucket: "logs" });
  await client.putBucket("logs");
});

afterEach(async () => {
  await oss.close();
});

/** Limits that copy the tests' small objects by parts, as OSS copies objects over 1 GB. */
const BY_PARTS: CopyLimits = { copyObjectMaxBytes: 256 * 1024, partBytes: 256 * 1024 };

describe("--fix and an ACL changed while it runs", () => {
  it("does not set back the ACL an owner changed while a large object was copied by parts", async () => {
    await client.put("big.bin", Buffer.alloc(700 * 1024, "x"), {
      headers: { "x-oss-object-acl": "public-read" },
    });
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    oss.clearRequests();
    oss.faults.delayNext("UploadPartCopy", 3, 500);
    const run = runAuditCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--fix", "--yes"],
      capturedIo().io,
      storesWith({ limits: BY_PARTS }),
    );
    await waitFor(() => (oss.counts().UploadPartCopy ?? 0) >= 1);
    await client.putACL("big.bin", "private");
    await run;
    // Observed: PutObjectACL after CompleteMultipartUpload writes public-read back.
    expect((await client.getACL("big.bin")).acl).toBe("private");
  });
});

describe("--fix and a lost answer", () => {
  it("takes a copy by parts as done when the answer to CompleteMultipartUpload was lost and the retry finds the upload completed, and gives the ACL back", async () => {
    const content = Buffer.alloc(700 * 1024, "y");
    await client.put("big.bin", content, { headers: { "x-oss-object-acl": "private" } });
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    oss.clearRequests();
    oss.faults.loseAnswerNext("CompleteMultipartUpload", 1);
    const code = await runAuditCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--fix", "--yes"],
      capturedIo().io,
      storesWith({ limits: BY_PARTS }),
    );
    expect(code).toBe(0);
    expect(
      oss
        .requests()
        .filter((record) => record.operation === "CompleteMultipartUpload")
        .map((record) => [record.status, record.code]),
    ).toStrictEqual([
      [200, undefined],
      [404, "NoSuchUpload"],
    ]);
    const stored = await client.get("big.bin");
    expect(stored.content).toStrictEqual(content);
    expect(stored.res.headers).toMatchObject({ "x-oss-server-side-encryption": "SM4" });
    expect((await client.getACL("big.bin")).acl).toBe("private");
  });

  it("fails a copy by parts whose upload was aborted before a retried completion, leaving the object and its ACL as they were", async () => {
    const content = Buffer.alloc(700 * 1024, "z");
    await client.put("big.bin", content, { headers: { "x-oss-object-acl": "private" } });
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    oss.clearRequests();
    // The first completion fails without being carried out; while the retry waits, another client
    // aborts the upload.
    oss.faults.failNext("CompleteMultipartUpload", 1, "ServiceUnavailable");
    oss.faults.delayNext("CompleteMultipartUpload", 1, 500);
    const run = runAuditCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--fix", "--yes"],
      capturedIo().io,
      storesWith({ limits: BY_PARTS }),
    );
    await waitFor(() => (oss.counts().CompleteMultipartUpload ?? 0) >= 2);
    for (const uploadId of oss.bucket("logs")?.uploads.keys() ?? []) {
      await client.abortMultipartUpload("big.bin", uploadId);
    }
    expect(await run).toBe(2);
    expect(oss.counts().PutObjectACL).toBeUndefined();
    const stored = await client.get("big.bin");
    expect(stored.content).toStrictEqual(content);
    expect(stored.res.headers).not.toHaveProperty("x-oss-server-side-encryption");
    expect((await client.getACL("big.bin")).acl).toBe("private");
  });
});
