import {
  ossError,
  type ScriptedHttpServer,
  startScriptedHttpServer,
} from "../../tests/support/scriptedHttpServer";
import { AliOssEncryptionStore } from "./aliOssEncryptionStore";
import { Credentials, type OssConnection } from "./connection";
import { OssRequestError } from "./errors";
import { type Clock, SYSTEM_CLOCK } from "./retry";
import type { StoreTimings } from "./storeTimings";

const SECRET = "test-secret-value";
const TOKEN = "test-sts-token";

const FAST: StoreTimings = {
  requestTimeoutMs: 300,
  retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2, deadlineMs: 10_000 },
};

const NO_WAIT: Clock = { now: () => 0, sleep: () => Promise.resolve(), random: () => 0 };

const RULE_BODY = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault>${inner}</ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>`;

let server: ScriptedHttpServer;

beforeEach(async () => {
  server = await startScriptedHttpServer();
});

afterEach(async () => {
  await server.close();
});

function storeFor(overrides: Partial<OssConnection> = {}, token?: string) {
  const connection: OssConnection = {
    endpoint: server.endpoint,
    region: "cn-hangzhou",
    signatureVersion: "v4",
    credentials: new Credentials("test-id", SECRET, token, "test credentials"),
    ...overrides,
  };
  return new AliOssEncryptionStore(connection, FAST, NO_WAIT);
}

describe("AliOssEncryptionStore on the wire", () => {
  it("sends KMSDataEncryption, which ali-oss's putBucketEncryption drops, in a signed V4 PUT", async () => {
    await storeFor().write("logs", {
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
      kmsDataEncryption: "SM4",
    });
    const [request] = server.requests;
    expect(request?.method).toBe("PUT");
    expect(request?.url).toBe("/?encryption=");
    expect(request?.headers.host).toBe("logs.oss-cn-hangzhou.aliyuncs.com");
    expect(request?.headers["content-md5"]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(request?.headers.authorization).toMatch(
      /^OSS4-HMAC-SHA256 Credential=test-id\/\d{8}\/cn-hangzhou\/oss\/aliyun_v4_request,Signature=[0-9a-f]{64}$/,
    );
    expect(request?.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>key-1</KMSMasterKeyID><KMSDataEncryption>SM4</KMSDataEncryption></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>',
    );
  });

  it("signs with V1 when asked, and sends the STS token", async () => {
    await storeFor({ signatureVersion: "v1" }, TOKEN).remove("logs");
    const [request] = server.requests;
    expect(request?.method).toBe("DELETE");
    expect(request?.headers.authorization).toMatch(/^OSS test-id:[A-Za-z0-9+/]{27}=$/);
    expect(request?.headers["x-oss-security-token"]).toBe(TOKEN);
  });

  it("never sends the secret itself", async () => {
    await storeFor({}, TOKEN).remove("logs");
    expect(JSON.stringify(server.requests)).not.toContain(SECRET);
  });
});

describe("AliOssEncryptionStore.read", () => {
  it("reads the rule", async () => {
    server.answer({
      status: 200,
      headers: { "content-type": "application/xml" },
      body: RULE_BODY(
        "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>key-1</KMSMasterKeyID><KMSDataEncryption>SM4</KMSDataEncryption>",
      ),
    });
    await expect(storeFor().read("logs")).resolves.toStrictEqual({
      kind: "rule",
      rule: { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1", kmsDataEncryption: "SM4" },
    });
    expect(server.requests.map((request) => `${request.method} ${request.url}`)).toStrictEqual([
      "GET /?encryption=",
    ]);
  });

  it("reads NoSuchServerSideEncryptionRule as no rule", async () => {
    server.answer(ossError(404, "NoSuchServerSideEncryptionRule"));
    await expect(storeFor().read("logs")).resolves.toStrictEqual({ kind: "noRule" });
  });

  it("reads NoSuchBucket as no bucket", async () => {
    server.answer(ossError(404, "NoSuchBucket"));
    await expect(storeFor().read("logs")).resolves.toStrictEqual({ kind: "noBucket" });
  });
});

describe("AliOssEncryptionStore.write and remove", () => {
  it("treats a missing bucket as done when removing", async () => {
    server.answer(ossError(404, "NoSuchBucket"));
    await expect(storeFor().remove("logs")).resolves.toBeUndefined();
  });

  it("treats NoSuchServerSideEncryptionRule on removal as done, as OSS may answer for a bucket without a rule", async () => {
    server.answer(ossError(404, "NoSuchServerSideEncryptionRule"));
    await expect(storeFor().remove("logs")).resolves.toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it("accepts OSS's 204 for a removal", async () => {
    server.answer({ status: 204 });
    await expect(storeFor().remove("logs")).resolves.toBeUndefined();
  });

  it("reports a missing bucket on write as NoSuchBucket", async () => {
    server.answer(ossError(404, "NoSuchBucket", "The specified bucket does not exist."));
    await expect(storeFor().write("logs", { sseAlgorithm: "AES256" })).rejects.toThrow(
      new OssRequestError(
        "PutBucketEncryption",
        "logs",
        {
          status: 404,
          code: "NoSuchBucket",
          requestId: "5F0000000000000000000ABC",
          detail: "The specified bucket does not exist.",
        },
        1,
        "test credentials",
      ),
    );
  });
});

describe("AliOssEncryptionStore retries", () => {
  it("retries throttling until OSS answers", async () => {
    server.answer(ossError(503, "MetaOperationQpsLimitExceeded"), ossError(500, "InternalError"));
    await expect(storeFor().write("logs", { sseAlgorithm: "AES256" })).resolves.toBeUndefined();
    expect(server.requests).toHaveLength(3);
  });

  it("retries a reset connection", async () => {
    server.answer({ reset: true });
    await expect(storeFor().remove("logs")).resolves.toBeUndefined();
    expect(server.requests).toHaveLength(2);
  });

  it("retries a response slower than the timeout, then names the timeout", async () => {
    server.answer(...Array.from({ length: 4 }, () => ({ delayMs: 600, status: 200 })));
    await expect(storeFor().read("logs")).rejects.toThrow(
      'GetBucketEncryption on bucket "logs" failed with ResponseTimeoutError (after 4 attempts): Response timeout for 300ms.',
    );
  });

  it("bounds the last attempt by the time left before the deadline, not a whole request timeout", async () => {
    server.answer(...Array.from({ length: 4 }, () => ({ delayMs: 1_000, status: 200 })));
    const timings: StoreTimings = {
      requestTimeoutMs: 300,
      retry: { maxAttempts: 10, baseDelayMs: 1, maxDelayMs: 2, deadlineMs: 450 },
    };
    const connection: OssConnection = {
      endpoint: server.endpoint,
      region: "cn-hangzhou",
      signatureVersion: "v4",
      credentials: new Credentials("test-id", SECRET, undefined, "test credentials"),
    };
    const error = await new AliOssEncryptionStore(connection, timings, SYSTEM_CLOCK)
      .read("logs")
      .catch((caught: unknown) => caught);
    const [, secondTimeout] =
      /after 2 attempts\): Response timeout for (\d+)ms\.$/.exec(String(error)) ?? [];
    // The first attempt takes its 300 ms; the second gets what is left of the 450 ms.
    expect(Number(secondTimeout)).toBeGreaterThan(0);
    expect(Number(secondTimeout)).toBeLessThan(160);
  });

  it("fails at once on AccessDenied with the RAM action to grant, never with the secret", async () => {
    server.answer(ossError(403, "AccessDenied", "You have no right to access this object."));
    const error = await storeFor({}, TOKEN)
      .write("logs", { sseAlgorithm: "SM4" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OssRequestError);
    expect((error as Error).message).toBe(
      'PutBucketEncryption on bucket "logs" failed with AccessDenied (HTTP 403, request id 5F0000000000000000000ABC): You have no right to access this object; grant the RAM action oss:PutBucketEncryption on this bucket to the credentials from test credentials.',
    );
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it("gives up after the most attempts, saying how many", async () => {
    server.answer(
      ...Array.from({ length: 4 }, () =>
        ossError(503, "ServiceUnavailable", "Please reduce your request rate."),
      ),
    );
    await expect(storeFor().remove("logs")).rejects.toThrow(
      'DeleteBucketEncryption on bucket "logs" failed with ServiceUnavailable (HTTP 503, request id 5F0000000000000000000ABC, after 4 attempts): Please reduce your request rate.',
    );
  });
});
