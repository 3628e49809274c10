/**
 * The local OSS endpoint's controls: injected faults, counters and request log, the admin API,
 * and state kept in a data directory across restarts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CREDENTIAL, type OssEmulator, startOssEmulator } from "local-oss-endpoint";
import { aliOssClient } from "../../tooling/aliOssClient";
import { failureOf } from "../support/failures";
import { rawRequest } from "../support/rawOss";

let oss: OssEmulator;

beforeEach(async () => {
  oss = await startOssEmulator({ faults: { seed: 42 } });
  await aliOssClient(oss.endpoint).putBucket("logs");
  oss.clearRequests();
});

afterEach(async () => {
  await oss.close();
});

const client = (timeoutMs?: number) =>
  aliOssClient(oss.endpoint, timeoutMs === undefined ? {} : { timeoutMs });

describe("injected faults", () => {
  it("fail the next N calls of an operation with the status and code given, then stop", async () => {
    oss.faults.failNext("GetBucketEncryption", 2, "MetaOperationQpsLimitExceeded");
    for (let call = 0; call < 2; call++) {
      await expect(failureOf(client().getBucketEncryption("logs"))).resolves.toStrictEqual({
        status: 503,
        code: "MetaOperationQpsLimitExceeded",
        message: "MetaOperationQpsLimitExceeded (injected by the local OSS endpoint).",
      });
    }
    await expect(failureOf(client().getBucketEncryption("logs"))).resolves.toMatchObject({
      code: "NoSuchServerSideEncryptionRule",
    });
  });

  it("leave other operations alone", async () => {
    oss.faults.failNext("PutBucketEncryption", 1, "InternalError");
    await expect(failureOf(client().getBucketEncryption("logs"))).resolves.toMatchObject({
      status: 404,
    });
    await expect(
      failureOf(client().putBucketEncryption("logs", { SSEAlgorithm: "AES256" })),
    ).resolves.toMatchObject({
      status: 500,
      code: "InternalError",
    });
  });

  it("cut the connection, and the log still names the bucket", async () => {
    oss.faults.resetNext("DeleteBucketEncryption", 1);
    await expect(failureOf(client().deleteBucketEncryption("logs"))).resolves.toMatchObject({
      status: -1,
      code: "ResponseError",
    });
    expect(
      oss
        .requests()
        .map((record) => [record.operation, record.bucket, record.status, record.fault]),
    ).toStrictEqual([["DeleteBucketEncryption", "logs", 0, "reset"]]);
  });

  it("carry out a call and then cut its connection, losing the answer", async () => {
    oss.faults.loseAnswerNext("PutBucketEncryption", 1);
    await expect(
      failureOf(client().putBucketEncryption("logs", { SSEAlgorithm: "SM4" })),
    ).resolves.toMatchObject({ status: -1, code: "ResponseError" });
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "SM4" });
    expect(
      oss
        .requests()
        .map((record) => [record.operation, record.bucket, record.status, record.fault]),
    ).toStrictEqual([["PutBucketEncryption", "logs", 200, "lose"]]);
  });

  it("delay an answer past a client's timeout", async () => {
    oss.faults.delayNext("GetBucketEncryption", 1, 700);
    const failure = await failureOf(client(200).getBucketEncryption("logs"));
    expect(failure.code ?? failure.message).toMatch(/ResponseTimeoutError|Response timeout/);
  });

  it("add latency to every call", async () => {
    oss.faults.setLatency(150);
    const started = Date.now();
    await client().deleteBucketEncryption("logs");
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it("fail a random share of calls with throttling codes", async () => {
    oss.faults.setRandom({ errorRate: 0.5 });
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, () =>
        client()
          .deleteBucketEncryption("logs")
          .then(
            () => "ok",
            (error: unknown) => String((error as { code?: unknown }).code),
          ),
      ),
    );
    const failed = outcomes.filter((outcome) => outcome !== "ok");
    expect(failed.length).toBeGreaterThan(5);
    expect(failed.length).toBeLessThan(35);
    for (const code of failed) {
      expect(code).toMatch(/LimitExceeded|ServiceUnavailable/);
    }
  });
});

describe("counters and the request log", () => {
  it("count each operation and log every request, faulted ones included", async () => {
    oss.faults.failNext("PutBucketEncryption", 1, "ServiceUnavailable");
    await failureOf(client().putBucketEncryption("logs", { SSEAlgorithm: "SM4" }));
    await client().putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    await client().getBucketEncryption("logs");
    expect(oss.counts()).toStrictEqual({ PutBucketEncryption: 2, GetBucketEncryption: 1 });
    const log = oss.requests();
    expect(
      log.map((record) => [
        record.sequence,
        record.operation,
        record.method,
        record.status,
        record.code ?? null,
      ]),
    ).toStrictEqual([
      [1, "PutBucketEncryption", "PUT", 503, "ServiceUnavailable"],
      [2, "PutBucketEncryption", "PUT", 200, null],
      [3, "GetBucketEncryption", "GET", 200, null],
    ]);
    expect(log[1]).toMatchObject({
      bucket: "logs",
      url: "/?encryption=",
      accessKeyId: DEFAULT_CREDENTIAL.accessKeyId,
      body: expect.stringContaining("<SSEAlgorithm>SM4</SSEAlgorithm>") as unknown,
    });
    expect(log[1]?.requestId).toMatch(/^[0-9A-F]{24}$/);
    oss.clearRequests();
    expect([oss.counts(), oss.requests()]).toStrictEqual([{}, []]);
  });

  it("keep no object bodies and no secrets", async () => {
    await aliOssClient(oss.endpoint, { bucket: "logs" }).put(
      "secret.txt",
      Buffer.from("object body"),
    );
    const logged = JSON.stringify(oss.requests());
    expect(logged).not.toContain("object body");
    expect(logged).not.toContain(DEFAULT_CREDENTIAL.accessKeySecret);
  });

  it("name requests the emulator does not serve", async () => {
    const answer = await rawRequest(oss.endpoint, {
      method: "GET",
      path: "/logs/?lifecycle",
      resource: "/logs/?lifecycle",
      signWith: DEFAULT_CREDENTIAL,
    });
    expect(answer.status).toBe(501);
    expect(oss.counts()).toStrictEqual({ Unsupported: 1 });
  });
});

describe("the admin API", () => {
  const admin = (method: string, path: string, body?: unknown, token = oss.adminToken) =>
    rawRequest(oss.endpoint, {
      method,
      path: `/_emulator/${path}`,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }).then((answer) => ({
      status: answer.status,
      json: answer.body === "" ? undefined : (JSON.parse(answer.body) as unknown),
    }));

  it("reads counts, the log and buckets, and clears the log", async () => {
    await client().putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
    await expect(admin("GET", "stats")).resolves.toStrictEqual({
      status: 200,
      json: { counts: { PutBucketEncryption: 1 } },
    });
    await expect(admin("GET", "buckets")).resolves.toStrictEqual({
      status: 200,
      json: [
        {
          name: "logs",
          region: "cn-hangzhou",
          rule: { sseAlgorithm: "AES256" },
          objects: 0,
          uploads: 0,
        },
      ],
    });
    const log = await admin("GET", "requests");
    expect((log.json as unknown[]).length).toBe(1);
    await expect(admin("DELETE", "requests")).resolves.toStrictEqual({
      status: 204,
      json: undefined,
    });
    expect(oss.requests()).toStrictEqual([]);
  });

  it("counts each bucket's uploads in progress", async () => {
    const upload = await aliOssClient(oss.endpoint, { bucket: "logs" }).initMultipartUpload(
      "a.bin",
    );
    await expect(admin("GET", "buckets")).resolves.toMatchObject({
      json: [{ name: "logs", objects: 0, uploads: 1 }],
    });
    await aliOssClient(oss.endpoint, { bucket: "logs" }).abortMultipartUpload(
      "a.bin",
      upload.uploadId,
    );
    await expect(admin("GET", "buckets")).resolves.toMatchObject({
      json: [{ name: "logs", objects: 0, uploads: 0 }],
    });
  });

  it("loses the answer of a call it carries out, when told at run time", async () => {
    await expect(
      admin("POST", "faults", {
        operation: "PutBucketEncryption",
        count: 1,
        fault: { kind: "lose" },
      }),
    ).resolves.toMatchObject({ status: 200 });
    await expect(
      failureOf(client().putBucketEncryption("logs", { SSEAlgorithm: "KMS" })),
    ).resolves.toMatchObject({ status: -1 });
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "KMS" });
  });

  it("changes faults at run time", async () => {
    await expect(
      admin("POST", "faults", {
        operation: "GetBucketEncryption",
        count: 1,
        fault: { kind: "error", code: "TotalQpsLimitExceeded" },
      }),
    ).resolves.toMatchObject({ status: 200 });
    await expect(failureOf(client().getBucketEncryption("logs"))).resolves.toMatchObject({
      status: 503,
      code: "TotalQpsLimitExceeded",
    });
    await expect(admin("PUT", "latency", { ms: 5 })).resolves.toMatchObject({ status: 200 });
    await expect(admin("PUT", "random", { errorRate: 0.25 })).resolves.toMatchObject({
      status: 200,
      json: { latencyMs: 5, random: { errorRate: 0.25, resetRate: 0 } },
    });
    await expect(admin("DELETE", "faults")).resolves.toMatchObject({ status: 204 });
    expect(oss.faults.settings()).toMatchObject({ latencyMs: 0, random: { errorRate: 0 } });
  });

  it("names what is wrong with a bad request", async () => {
    await expect(admin("PUT", "random", { errorRate: 2 })).resolves.toMatchObject({ status: 400 });
    await expect(admin("GET", "nothing")).resolves.toStrictEqual({
      status: 404,
      json: { error: "no admin route GET nothing" },
    });
  });
});

describe("a data directory", () => {
  it("keeps buckets, rules and objects across a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "oss-emulator-data-"));
    try {
      const first = await startOssEmulator({ dataDir });
      const firstClient = aliOssClient(first.endpoint, { bucket: "kept" });
      await firstClient.putBucket("kept");
      await firstClient.putBucketEncryption("kept", { SSEAlgorithm: "KMS", KMSMasterKeyID: "k" });
      await firstClient.put("a.txt", Buffer.from("kept body"));
      await first.close();

      const second = await startOssEmulator({ dataDir });
      const secondClient = aliOssClient(second.endpoint, { bucket: "kept" });
      await expect(secondClient.getBucketEncryption("kept")).resolves.toMatchObject({
        encryption: { SSEAlgorithm: "KMS", KMSMasterKeyID: "k" },
      });
      const object = await secondClient.get("a.txt");
      expect((object.content as Buffer).toString()).toBe("kept body");
      expect((object.res.headers as Record<string, string>)["x-oss-server-side-encryption"]).toBe(
        "KMS",
      );
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("credentials changed at run time", () => {
  it("take effect on the next request", async () => {
    oss.setCredentials([
      { ...DEFAULT_CREDENTIAL, securityToken: "t", tokenExpiresAt: new Date(0) },
    ]);
    await expect(
      failureOf(aliOssClient(oss.endpoint, { stsToken: "t" }).getBucketEncryption("logs")),
    ).resolves.toMatchObject({
      code: "SecurityTokenExpired",
    });
  });
});
