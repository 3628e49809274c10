/**
 * `oss-encryption-audit` against the local OSS endpoint: the built command run as users run it
 * (a process, its exit status, its output), and run in-process where a test must act between two
 * of its requests (a writer racing a fix, an object deleted after the listing) or give it a
 * terminal.
 */
import { execFile } from "node:child_process";
import {
  DEFAULT_CREDENTIAL,
  type EmulatorCredential,
  type OssEmulator,
  startOssEmulator,
} from "local-oss-endpoint";
import { runAuditCommand } from "../../provider/audit/auditCommand";
import type { EncryptionRule } from "../../provider/core/encryptionRule";
import { AliOssEncryptionStore } from "../../provider/oss/aliOssEncryptionStore";
import { AliOssObjectStore, type CopyLimits } from "../../provider/oss/aliOssObjectStore";
import { aliOssClient, type EncryptionClient } from "../../tooling/aliOssClient";
import { AUDIT_COMMAND, localAuditEnv, localConnection } from "../../tooling/localAudit";
import {
  capturedIo,
  type CommandRun,
  runCommand,
  storesWith,
  waitFor,
} from "../support/auditCommand";

jest.setTimeout(120_000);

/** The JSON document of a `--json` run. */
function documentOf(run: Pick<CommandRun, "stdout">): Record<string, unknown> {
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

let oss: OssEmulator;
let client: EncryptionClient;

beforeEach(async () => {
  oss = await startOssEmulator();
  client = aliOssClient(oss.endpoint, { bucket: "logs" });
  await client.putBucket("logs");
  oss.clearRequests();
});

afterEach(async () => {
  await oss.close();
});

const SSE = "x-oss-server-side-encryption";
const KEY_ID = "x-oss-server-side-encryption-key-id";
const DATA = "x-oss-server-side-data-encryption";

/** Writes an object with these request headers (its own encryption, metadata, ACL). */
async function put(key: string, headers: Record<string, string> = {}, body = key): Promise<void> {
  await client.put(key, Buffer.from(body), { headers });
}

/** An object's content, as text. */
async function contentOf(key: string): Promise<string> {
  return ((await client.get(key)).content as Buffer).toString();
}

/** Writes `count` unencrypted objects `<prefix>000000`, … in parallel batches. */
async function putMany(prefix: string, count: number): Promise<void> {
  for (let first = 0; first < count; first += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - first) }, (_, i) =>
        put(`${prefix}${String(first + i).padStart(6, "0")}`),
      ),
    );
  }
}

describe("the audit", () => {
  it("exits 0 and says every object conforms when they do", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
    await put("a");
    await put("b", { [SSE]: "AES256" });
    const run = await runCommand(["--bucket", "logs", "--endpoint", oss.endpoint]);
    expect(run).toStrictEqual({
      status: 0,
      signal: null,
      stdout: [
        "Bucket logs: default encryption AES256.",
        "",
        "encryption  objects  conforms",
        "AES256      2        yes",
        "",
        "2 objects checked: 2 conform, 0 do not.",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("reports every kind of non-conforming object against a KMS rule with a key and SM4 data, and exits 1", async () => {
    await put("written-with-no-rule");
    await setRule({ sseAlgorithm: "KMS", kmsMasterKeyId: "k1", kmsDataEncryption: "SM4" });
    await put("conforming", { [SSE]: "KMS", [KEY_ID]: "k1", [DATA]: "SM4" });
    await put("default-applies");
    await put("plain-aes", { [SSE]: "AES256" });
    await put("plain-sm4", { [SSE]: "SM4" });
    await put("kms-default-key", { [SSE]: "KMS" });
    await put("kms-other-key", { [SSE]: "KMS", [KEY_ID]: "k2", [DATA]: "SM4" });
    await put("kms-key-without-sm4", { [SSE]: "KMS", [KEY_ID]: "k1" });
    const run = await runCommand(["--bucket", "logs", "--endpoint", oss.endpoint, "--json"]);
    expect(run.status).toBe(1);
    const document = documentOf(run);
    const objects = document.objects as { key: string; kmsMasterKeyId?: string }[];
    const defaultKeyId = objects.find((object) => object.key === "kms-default-key")?.kmsMasterKeyId;
    expect(defaultKeyId).toMatch(/\S/);
    expect(document).toStrictEqual({
      bucket: "logs",
      prefix: "",
      rule: { sseAlgorithm: "KMS", kmsMasterKeyId: "k1", kmsDataEncryption: "SM4" },
      scanned: 8,
      conforming: 2,
      nonConforming: 6,
      vanished: 0,
      complete: true,
      byEncryption: [
        { encryption: "KMS (key k1, SM4 data)", objects: 2, conforms: true },
        { encryption: "AES256", objects: 1, conforms: false },
        { encryption: `KMS (key ${defaultKeyId})`, objects: 1, conforms: false },
        { encryption: "KMS (key k1)", objects: 1, conforms: false },
        { encryption: "KMS (key k2, SM4 data)", objects: 1, conforms: false },
        { encryption: "SM4", objects: 1, conforms: false },
        { encryption: "none", objects: 1, conforms: false },
      ].sort((a, b) => b.objects - a.objects || a.encryption.localeCompare(b.encryption)),
      objects: [
        { key: "kms-default-key", sseAlgorithm: "KMS", kmsMasterKeyId: defaultKeyId },
        { key: "kms-key-without-sm4", sseAlgorithm: "KMS", kmsMasterKeyId: "k1" },
        {
          key: "kms-other-key",
          sseAlgorithm: "KMS",
          kmsMasterKeyId: "k2",
          kmsDataEncryption: "SM4",
        },
        { key: "plain-aes", sseAlgorithm: "AES256" },
        { key: "plain-sm4", sseAlgorithm: "SM4" },
        { key: "written-with-no-rule", sseAlgorithm: null },
      ],
      truncated: false,
      errors: [],
    });
  });

  it("reports every object with what it has when the bucket has no rule, and exits 1", async () => {
    await put("a");
    await put("b", { [SSE]: "SM4" });
    const run = await runCommand(["--bucket", "logs", "--endpoint", oss.endpoint, "--json"]);
    expect(run.status).toBe(1);
    expect(documentOf(run)).toMatchObject({
      rule: null,
      scanned: 2,
      conforming: 0,
      nonConforming: 2,
      objects: [
        { key: "a", sseAlgorithm: null },
        { key: "b", sseAlgorithm: "SM4" },
      ],
    });
  });

  it("audits only the objects under --prefix", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
    await put("2025/old", { [SSE]: "SM4" });
    await put("2026/new");
    const run = await runCommand([
      "--bucket",
      "logs",
      "--endpoint",
      oss.endpoint,
      "--prefix",
      "2026/",
      "--json",
    ]);
    expect([run.status, documentOf(run)]).toMatchObject([
      0,
      { prefix: "2026/", scanned: 1, conforming: 1, nonConforming: 0 },
    ]);
    expect(oss.counts().HeadObject).toBe(1);
  });

  it("pages through a listing of 2,500 objects, listing each once and counting each once", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
    await putMany("k/", 2_500);
    oss.clearRequests();
    const run = await runCommand(["--bucket", "logs", "--endpoint", oss.endpoint, "--json"]);
    expect([run.status, documentOf(run)]).toMatchObject([
      0,
      { scanned: 2_500, conforming: 2_500, complete: true },
    ]);
    expect(oss.counts()).toStrictEqual({
      GetBucketEncryption: 1,
      ListObjectsV2: 3,
      HeadObject: 2_500,
    });
  });

  it("stops listing at --max-objects and says the listing was not complete", async () => {
    await putMany("k/", 30);
    const run = await runCommand([
      "--bucket",
      "logs",
      "--endpoint",
      oss.endpoint,
      "--max-objects",
      "10",
      "--json",
    ]);
    expect(documentOf(run)).toMatchObject({ scanned: 10, complete: false, nonConforming: 10 });
  });

  it("lists at most 1,000 non-conforming objects, the first in key order, and says more do not conform", async () => {
    await putMany("k/", 1_200);
    const run = await runCommand(["--bucket", "logs", "--endpoint", oss.endpoint, "--json"]);
    const document = documentOf(run);
    const keys = (document.objects as { key: string }[]).map((object) => object.key);
    expect([document.nonConforming, document.truncated, keys.length]).toStrictEqual([
      1_200,
      true,
      1_000,
    ]);
    expect(keys).toStrictEqual(
      Array.from({ length: 1_000 }, (_, i) => `k/${String(i).padStart(6, "0")}`),
    );
  });

  it("retries throttling in the middle of the run and reports as if there had been none", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
    await putMany("k/", 40);
    oss.faults.failNext("HeadObject", 5, "TotalQpsLimitExceeded");
    oss.faults.failNext("ListObjectsV2", 1, "ServiceUnavailable");
    const run = await runCommand(["--bucket", "logs", "--endpoint", oss.endpoint, "--json"]);
    expect([run.status, documentOf(run)]).toMatchObject([
      0,
      { scanned: 40, conforming: 40, errors: [] },
    ]);
    expect(oss.counts().HeadObject).toBe(45);
  });

  it("stops at the first access denied, exits 2 and names the RAM action, with no credential in its output", async () => {
    const denied: EmulatorCredential = {
      accessKeyId: "audit-key",
      accessKeySecret: "audit-secret-value",
      deniedOperations: ["HeadObject"],
    };
    oss.setCredentials([DEFAULT_CREDENTIAL, denied]);
    await putMany("k/", 200);
    oss.clearRequests();
    const run = await runCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--concurrency", "4"],
      localAuditEnv(denied),
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'HeadObject on object "k/000000" of bucket "logs" failed with AccessDenied',
    );
    expect(run.stderr).toContain(
      "grant the RAM action oss:GetObject on this bucket to the credentials from environment ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    );
    expect(oss.counts().HeadObject).toBeLessThanOrEqual(8);
    expect(`${run.stdout}${run.stderr}`).not.toContain("audit-secret-value");
  });

  it("exits 2 naming the bucket when it does not exist", async () => {
    const run = await runCommand(["--bucket", "nope", "--endpoint", oss.endpoint]);
    expect(run).toStrictEqual({
      status: 2,
      signal: null,
      stdout: "",
      stderr:
        'oss-encryption-audit: Bucket "nope" does not exist (GetBucketEncryption answered NoSuchBucket); check the bucket name, region and endpoint.\n',
    });
  });

  it("exits 2 on bad arguments, naming each problem and what is allowed, sending nothing", async () => {
    const run = await runCommand([
      "--concurrency",
      "0",
      "--region",
      "Hangzhou",
      "--endpoint",
      "ftp://x",
      "--yes",
    ]);
    expect(run).toStrictEqual({
      status: 2,
      signal: null,
      stdout: "",
      stderr: [
        "oss-encryption-audit: --bucket is required: the bucket to audit",
        "oss-encryption-audit: --yes confirms --fix, which is not given",
        "oss-encryption-audit: --concurrency must be a whole number from 1 to 256",
        "oss-encryption-audit: --region: region must be a region id such as cn-hangzhou or ap-southeast-1",
        "oss-encryption-audit: --endpoint: endpoint must be an http:// or https:// URL such as https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000",
        "oss-encryption-audit: see --help for the options.",
        "",
      ].join("\n"),
    });
    expect(oss.counts()).toStrictEqual({});
  });

  it("takes the region from the environment and lets --region win over it", async () => {
    await put("a");
    const env = { ...localAuditEnv(), ALIBABA_CLOUD_REGION: "not a region" };
    const fromFlag = await runCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--region", "cn-hangzhou"],
      env,
    );
    expect(fromFlag.status).toBe(1);
    const fromEnv = await runCommand(["--bucket", "logs", "--endpoint", oss.endpoint], env);
    expect([fromEnv.status, fromEnv.stderr]).toStrictEqual([
      2,
      "oss-encryption-audit: The region in the environment variable ALIBABA_CLOUD_REGION is not a region id such as cn-hangzhou or ap-southeast-1; fix it, or set --region.\n",
    ]);
  });
});

describe("--fix", () => {
  it("re-encrypts each non-conforming object in place, keeping its content, metadata, content type and ACL; the audit then exits 0", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "KMS", KMSMasterKeyID: "k1" });
    await put(
      "report.csv",
      {
        [SSE]: "AES256",
        "content-type": "text/csv",
        "x-oss-meta-owner": "finance",
        "x-oss-object-acl": "private",
      },
      "a,b\n1,2\n",
    );
    await put("notes", {}, "kept");
    await client.deleteBucketEncryption("logs");
    await put("plain", { "x-oss-object-acl": "public-read" }, "plain content");
    await client.putBucketEncryption("logs", { SSEAlgorithm: "KMS", KMSMasterKeyID: "k1" });
    const before = await client.head("report.csv");
    const fix = await runCommand([
      "--bucket",
      "logs",
      "--endpoint",
      oss.endpoint,
      "--fix",
      "--yes",
    ]);
    expect(fix.status).toBe(0);
    expect(
      fix.stdout
        .split("\n")
        .filter((line) => line.startsWith("re-encrypted"))
        .sort(),
    ).toStrictEqual([
      're-encrypted "plain": none -> KMS (key k1)',
      're-encrypted "report.csv": AES256 -> KMS (key k1)',
    ]);
    const after = await client.head("report.csv");
    expect(after.res.headers).toMatchObject({
      [SSE]: "KMS",
      [KEY_ID]: "k1",
      "content-type": "text/csv",
      "x-oss-meta-owner": "finance",
      etag: (before.res.headers as Record<string, string>).etag,
    });
    expect(await contentOf("report.csv")).toBe("a,b\n1,2\n");
    expect((await client.getACL("report.csv")).acl).toBe("private");
    expect((await client.getACL("plain")).acl).toBe("public-read");
    expect(await contentOf("plain")).toBe("plain content");
    const audit = await runCommand(["--bucket", "logs", "--endpoint", oss.endpoint, "--json"]);
    expect([audit.status, documentOf(audit)]).toMatchObject([
      0,
      { scanned: 3, conforming: 3, nonConforming: 0 },
    ]);
  });

  it("copies objects larger than CopyObject copies part by part, keeping content, metadata and ACL", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    const content = Buffer.alloc(700 * 1024, "x");
    content.write("first", 0);
    content.write("last", content.length - 4);
    await client.put("big.bin", content, {
      headers: {
        [SSE]: "AES256",
        "content-type": "application/x-big",
        "x-oss-meta-origin": "camera",
        "x-oss-object-acl": "public-read",
      },
    });
    const limits: CopyLimits = { copyObjectMaxBytes: 256 * 1024, partBytes: 256 * 1024 };
    const output = capturedIo();
    const status = await runAuditCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--fix", "--yes"],
      output.io,
      storesWith({ limits }),
    );
    expect(status).toBe(0);
    expect(oss.counts()).toMatchObject({
      InitiateMultipartUpload: 1,
      UploadPartCopy: 3,
      CompleteMultipartUpload: 1,
      PutObjectACL: 1,
    });
    expect(oss.counts().CopyObject).toBeUndefined();
    const head = await client.head("big.bin");
    expect(head.res.headers).toMatchObject({
      [SSE]: "SM4",
      "content-type": "application/x-big",
      "x-oss-meta-origin": "camera",
    });
    expect(Buffer.compare((await client.get("big.bin")).content as Buffer, content)).toBe(0);
    expect((await client.getACL("big.bin")).acl).toBe("public-read");
  });

  it("names the ACL to set again by hand when a copy by parts cannot give it back, and exits 2", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    await client.put("big.bin", Buffer.alloc(700 * 1024, "x"), {
      headers: { [SSE]: "AES256", "x-oss-object-acl": "private" },
    });
    oss.faults.failNext("PutObjectACL", 1, "InvalidArgument", { status: 400 });
    const limits: CopyLimits = { copyObjectMaxBytes: 256 * 1024, partBytes: 256 * 1024 };
    const output = capturedIo();
    const status = await runAuditCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--fix", "--yes", "--json"],
      output.io,
      storesWith({ limits }),
    );
    expect(status).toBe(2);
    // The copy is complete: no later run could tell that the object had an ACL of its own.
    expect((await client.getACL("big.bin")).acl).toBe("default");
    expect((await client.head("big.bin")).res.headers).toMatchObject({ [SSE]: "SM4" });
    expect(documentOf({ stdout: output.stdout() }).errors).toStrictEqual([
      {
        key: "big.bin",
        message: expect.stringMatching(
          /^Object "big\.bin" may now be re-encrypted with the default ACL instead of its own, "private": a copy by parts cannot carry an ACL, and giving it back failed \(PutObjectACL on object "big\.bin" of bucket "logs" failed with InvalidArgument .*\); set it to "private" again by hand \(PutObjectACL, or ossutil set-acl\)\.$/,
        ) as unknown,
      },
    ]);
    expect(oss.counts().AbortMultipartUpload).toBeUndefined();
  });

  it("never overwrites what a concurrent writer wrote between the HEAD and the copy: the copy's ETag condition fails and the object is judged again", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "KMS", KMSMasterKeyID: "k1" });
    await put("raced-conforming", { [SSE]: "AES256" }, "old");
    await put("raced-again", { [SSE]: "AES256" }, "old");
    const writes = new Map<string, Record<string, string>>([
      // The writer leaves encryption to the bucket's rule: the object then conforms.
      ["raced-conforming", {}],
      // The writer picks AES256 again: the object is re-encrypted, with the writer's content.
      ["raced-again", { [SSE]: "AES256" }],
    ]);
    const output = capturedIo();
    const status = await runAuditCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--fix", "--yes"],
      output.io,
      storesWith({
        beforeRewrite: async (key) => {
          const headers = writes.get(key);
          if (headers !== undefined) {
            writes.delete(key);
            await put(key, headers, `new ${key}`);
          }
        },
      }),
    );
    expect(status).toBe(0);
    expect(await contentOf("raced-conforming")).toBe("new raced-conforming");
    expect(await contentOf("raced-again")).toBe("new raced-again");
    expect((await client.head("raced-again")).res.headers).toMatchObject({ [SSE]: "KMS" });
    expect(oss.counts().CopyObject).toBe(3);
    expect(output.stdout()).toContain("1 conforms, 1 does not; 1 re-encrypted.");
  });

  it("never copies an object unconditionally: without an ETag from its HEAD it is left as it is", async () => {
    await put("a", { [SSE]: "AES256" }, "old");
    const store = new AliOssObjectStore(localConnection(oss.endpoint, "test"), "logs");
    await expect(
      store.rewrite("a", { etag: "", size: 3, headers: {} }, { sseAlgorithm: "SM4" }),
    ).rejects.toThrow(
      'HeadObject on object "a" of bucket "logs" answered no ETag, so a copy could not be made on the condition that the object is unchanged; left as it is.',
    );
    expect(oss.counts()).toStrictEqual({ PutObject: 1 });
  });

  it("counts an object deleted between the listing and its HEAD as gone, not as a failure", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
    await put("a");
    await put("b");
    await put("c");
    const output = capturedIo();
    const status = await runAuditCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--json"],
      output.io,
      storesWith({
        afterList: async () => {
          await client.delete("b");
        },
      }),
    );
    expect([status, JSON.parse(output.stdout())]).toMatchObject([
      0,
      { scanned: 2, conforming: 2, vanished: 1, errors: [] },
    ]);
  });

  it("is safe to kill in the middle and run again: the second run fixes only what is left, and every object keeps its content", async () => {
    await putMany("k/", 300);
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    const child = execFile(
      process.execPath,
      [
        AUDIT_COMMAND,
        "--bucket",
        "logs",
        "--endpoint",
        oss.endpoint,
        "--fix",
        "--yes",
        "--concurrency",
        "2",
      ],
      { env: localAuditEnv() },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) => {
      child.on("exit", (_code, signal) => {
        resolve(signal);
      });
    });
    await waitFor(() => (oss.counts().CopyObject ?? 0) >= 20);
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const fixedFirst = oss.counts().CopyObject ?? 0;
    expect(fixedFirst).toBeLessThan(300);
    oss.clearRequests();
    const again = await runCommand([
      "--bucket",
      "logs",
      "--endpoint",
      oss.endpoint,
      "--fix",
      "--yes",
      "--json",
    ]);
    expect([again.status, documentOf(again)]).toMatchObject([
      0,
      { scanned: 300, nonConforming: 300 - fixedFirst, fixed: 300 - fixedFirst },
    ]);
    expect(oss.counts().CopyObject).toBe(300 - fixedFirst);
    const contents = await Promise.all(
      ["k/000000", "k/000150", "k/000299"].map(async (key) => await contentOf(key)),
    );
    expect(contents).toStrictEqual(["k/000000", "k/000150", "k/000299"]);
  });

  it("stops after the objects in flight at Ctrl-C, printing what it found, and exits 2", async () => {
    await putMany("k/", 300);
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    oss.faults.setLatency(20);
    const child = execFile(
      process.execPath,
      [AUDIT_COMMAND, "--bucket", "logs", "--endpoint", oss.endpoint, "--fix", "--yes", "--json"],
      { env: localAuditEnv(), encoding: "utf8" },
    );
    let stdout = "";
    child.stdout?.on("data", (chunk: string) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => {
      child.on("exit", (code) => {
        resolve(code);
      });
    });
    await waitFor(() => (oss.counts().CopyObject ?? 0) >= 10);
    child.kill("SIGINT");
    expect(await exited).toBe(2);
    const document = JSON.parse(stdout) as {
      fixed: number;
      complete: boolean;
      errors: { message: string }[];
    };
    expect(document.complete).toBe(false);
    expect(document.errors.at(-1)?.message).toMatch(
      /^Interrupted after \d+ objects were checked; run again to go on\.$/,
    );
    expect(document.fixed).toBe(oss.counts().CopyObject);
  });

  it("refuses a bucket with versioning unless --yes, saying the old versions keep the old encryption", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    await client.putBucketVersioning("logs", "Enabled");
    await put("a");
    const output = capturedIo({ terminal: true });
    const status = await runAuditCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--fix"],
      output.io,
    );
    expect([status, output.stderr()]).toStrictEqual([
      2,
      'oss-encryption-audit: bucket "logs" has versioning Enabled: re-encrypting writes a new version of each object, and the earlier versions keep their old encryption until they are deleted (by hand or by a lifecycle rule). Run again with --yes to re-encrypt the current versions anyway.\n',
    ]);
    expect(oss.counts().CopyObject).toBeUndefined();
    const confirmed = await runCommand([
      "--bucket",
      "logs",
      "--endpoint",
      oss.endpoint,
      "--fix",
      "--yes",
    ]);
    expect(confirmed.status).toBe(0);
    expect(confirmed.stderr).toContain('bucket "logs" has versioning Enabled');
  });

  it("refuses to run without --yes when there is no terminal to ask on", async () => {
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    await put("a");
    const run = await runCommand(["--bucket", "logs", "--endpoint", oss.endpoint, "--fix"]);
    expect(run).toStrictEqual({
      status: 2,
      signal: null,
      stdout: "",
      stderr:
        "oss-encryption-audit: --fix rewrites objects and asks before it does on a terminal; with no terminal to ask on, add --yes to confirm.\n",
    });
    expect(oss.counts().CopyObject).toBeUndefined();
  });

  it.each([
    ["y", 0, 1],
    ["n", 2, 0],
  ])("asks on a terminal and goes on only on yes (answer %s)", async (answer, exit, copies) => {
    await put("a");
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    const output = capturedIo({ terminal: true, answer });
    const status = await runAuditCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--fix"],
      output.io,
    );
    expect(status).toBe(exit);
    expect(output.stderr()).toContain(
      'Re-encrypt every object of bucket "logs" that does not conform to its default rule, in place (content, metadata and ACL kept)? [y/N] ',
    );
    expect(oss.counts().CopyObject ?? 0).toBe(copies);
  });

  it("refuses a bucket with no rule: there is nothing to re-encrypt with", async () => {
    await put("a");
    const run = await runCommand([
      "--bucket",
      "logs",
      "--endpoint",
      oss.endpoint,
      "--fix",
      "--yes",
    ]);
    expect([run.status, run.stderr]).toStrictEqual([
      2,
      'oss-encryption-audit: bucket "logs" has no default encryption rule, so there is nothing to re-encrypt its objects with; set a rule first.\n',
    ]);
  });

  it("shows a progress line on a terminal, and keeps stdout for the report", async () => {
    await putMany("k/", 50);
    await client.putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    oss.faults.setLatency(150);
    const output = capturedIo({ terminal: true });
    const status = await runAuditCommand(
      ["--bucket", "logs", "--endpoint", oss.endpoint, "--json"],
      output.io,
    );
    expect(status).toBe(1);
    expect(output.stderr()).toMatch(/\rlisted 50 · checked \d+ · not conforming \d+ · \d+\/s/);
    expect(JSON.parse(output.stdout())).toMatchObject({ scanned: 50 });
  });
});

/** Sets the bucket's rule through the provider's own adapter (ali-oss's call drops SM4 data). */
async function setRule(rule: EncryptionRule): Promise<void> {
  await new AliOssEncryptionStore(localConnection(oss.endpoint, "test")).write("logs", rule);
}
