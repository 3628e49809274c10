/**
 * The plugin's gRPC server driven by the generated client, as the engine drives it, against the
 * local OSS endpoint: provider config checked and its credentials stored as secrets, the detailed
 * diff, secrets kept across create and read, an import read, and the calls it does not serve.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as errorproto from "@pulumi/pulumi/proto/errors_pb";
import * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import { DEFAULT_CREDENTIAL, type OssEmulator } from "local-oss-endpoint";
import { bucketEncryptionPlugin } from "../../provider/plugin/bucketEncryptionPlugin";
import { serveProvider } from "../../provider/plugin/providerServer";
import { secret } from "../../provider/plugin/secrets";
import { aliOssClient } from "../../tooling/aliOssClient";
import { startEmulatorWithBuckets } from "../../tooling/localStack";
import { startFakeEngine } from "../support/fakeEngine";
import { providerClient, type ProviderClient } from "../support/providerClient";

const URN = "urn:pulumi:test::project::ossencryption:index:BucketEncryption::logs";
const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

let oss: OssEmulator;
let server: grpc.Server;
let rpc: ProviderClient;

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(["logs"]);
  const served = await serveProvider(bucketEncryptionPlugin("9.9.9"), undefined);
  server = served.server;
  rpc = providerClient(served.port);
});

afterEach(async () => {
  rpc.close();
  server.forceShutdown();
  await oss.close();
});

const struct = (values: Record<string, unknown>) =>
  structproto.Struct.fromJavaScript(values as Record<string, structproto.JavaScriptValue>);

function checkRequest(news: Record<string, unknown>, olds: Record<string, unknown> = {}) {
  const request = new provproto.CheckRequest();
  request.setUrn(URN);
  request.setName("logs");
  request.setOlds(struct(olds));
  request.setNews(struct(news));
  return request;
}

async function configure(): Promise<void> {
  const request = new provproto.ConfigureRequest();
  request.setArgs(
    struct({
      endpoint: oss.endpoint,
      region: "cn-hangzhou",
      accessKey: secret(DEFAULT_CREDENTIAL.accessKeyId),
      secretKey: secret(DEFAULT_CREDENTIAL.accessKeySecret),
    }),
  );
  await rpc.configure(request);
}

describe("the provider config", () => {
  it("is checked at once, each failure naming its key, and its credentials stored as secrets", async () => {
    const response = await rpc.checkConfig(
      checkRequest({
        accessKey: "id",
        region: "cn_hangzhou",
        maxAttempts: "21",
        endpoint: "http://user:pass@127.0.0.1:9000",
        colour: "blue",
      }),
    );
    expect(
      response.getFailuresList().map((failure) => [failure.getProperty(), failure.getReason()]),
    ).toStrictEqual([
      [
        "colour",
        'unknown provider config "colour"; allowed are accessKey, secretKey, securityToken, region, endpoint, requestTimeoutMs, retryDeadlineMs, maxAttempts',
      ],
      ["secretKey", "ossencryption:accessKey and ossencryption:secretKey must be set together"],
      ["region", "region must be a region id such as cn-hangzhou or ap-southeast-1"],
      [
        "",
        "endpoint must not contain a user name or password; give credentials through the environment (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET) or provider config (alicloud:accessKey and alicloud:secretKey, ossencryption:accessKey and ossencryption:secretKey)",
      ],
      ["maxAttempts", "ossencryption:maxAttempts must be a whole number of attempts from 1 to 20"],
    ]);
    expect(response.getInputs()?.toJavaScript().accessKey).toStrictEqual({
      ...SECRET_SIG,
      value: "id",
    });
  });

  it("says what a key takes, by its type, when given a value of another type", async () => {
    const response = await rpc.checkConfig(
      checkRequest({ securityToken: { token: "t" }, requestTimeoutMs: true, maxAttempts: [3] }),
    );
    expect(
      response.getFailuresList().map((failure) => [failure.getProperty(), failure.getReason()]),
    ).toStrictEqual([
      ["securityToken", "securityToken must be text; got object"],
      [
        "requestTimeoutMs",
        "requestTimeoutMs must be a whole number, as a number or as text; got boolean",
      ],
      ["maxAttempts", "maxAttempts must be a whole number, as a number or as text; got object"],
    ]);
  });

  it("accepts what the stack config holds, numbers as text", async () => {
    const response = await rpc.checkConfig(
      checkRequest({
        region: "cn-hangzhou",
        maxAttempts: "3",
        requestTimeoutMs: 500,
        version: "0.1.0",
      }),
    );
    expect(response.getFailuresList()).toStrictEqual([]);
  });
});

describe("resources", () => {
  it("keep a secret key id secret in kmsMasterKeyId and priorRule, created and read", async () => {
    await configure();
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", {
      SSEAlgorithm: "KMS",
      KMSMasterKeyID: "hidden-key",
    });
    const checked = await rpc.check(
      checkRequest({ bucket: "logs", sseAlgorithm: "kms", kmsMasterKeyId: secret("hidden-key") }),
    );
    expect(checked.getInputs()?.toJavaScript()).toStrictEqual({
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: { ...SECRET_SIG, value: "hidden-key" },
      signatureVersion: "v4",
      onExisting: "overwrite",
      onDelete: "remove",
    });
    const create = new provproto.CreateRequest();
    create.setUrn(URN);
    create.setProperties(checked.getInputs());
    const created = await rpc.create(create);
    const outputs = created.getProperties()?.toJavaScript();
    expect([created.getId(), outputs?.kmsMasterKeyId, outputs?.priorRule]).toStrictEqual([
      "logs",
      { ...SECRET_SIG, value: "hidden-key" },
      { ...SECRET_SIG, value: { sseAlgorithm: "KMS", kmsMasterKeyId: "hidden-key" } },
    ]);
    const read = new provproto.ReadRequest();
    read.setId("logs");
    read.setUrn(URN);
    read.setProperties(created.getProperties());
    const refreshed = await rpc.read(read);
    expect(refreshed.getProperties()?.toJavaScript().priorRule).toMatchObject(SECRET_SIG);
    expect(refreshed.getInputs()?.toJavaScript().kmsMasterKeyId).toMatchObject(SECRET_SIG);
  });

  it("diff in detail: how each property changed, and the bucket replaces", async () => {
    await configure();
    const olds = {
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
      signatureVersion: "v4",
      onExisting: "overwrite",
      onDelete: "remove",
    };
    const request = new provproto.DiffRequest();
    request.setUrn(URN);
    request.setId("logs");
    request.setOlds(struct(olds));
    request.setNews(
      struct({
        bucket: "audit",
        sseAlgorithm: "SM4",
        signatureVersion: "v4",
        onExisting: "overwrite",
        onDelete: "remove",
        region: "cn-hangzhou",
      }),
    );
    const response = await rpc.diff(request);
    const kinds: Record<string, number> = {};
    response.getDetaileddiffMap().forEach((diff, key) => {
      kinds[key] = diff.getKind();
    });
    const Kind = provproto.PropertyDiff.Kind;
    expect({
      changes: response.getChanges(),
      diffs: response.getDiffsList(),
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
      kinds,
    }).toStrictEqual({
      changes: provproto.DiffResponse.DiffChanges.DIFF_SOME,
      diffs: ["bucket", "sseAlgorithm", "kmsMasterKeyId", "region"],
      replaces: ["bucket"],
      deleteBeforeReplace: false,
      kinds: {
        bucket: Kind.UPDATE_REPLACE,
        sseAlgorithm: Kind.UPDATE,
        kmsMasterKeyId: Kind.DELETE,
        region: Kind.ADD,
      },
    });
  });

  it("import: a read without state adopts the bucket's rule, reading only", async () => {
    await configure();
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    oss.clearRequests();
    const read = new provproto.ReadRequest();
    read.setId("logs");
    read.setUrn(URN);
    const response = await rpc.read(read);
    expect([response.getId(), response.getInputs()?.toJavaScript()]).toStrictEqual([
      "logs",
      {
        bucket: "logs",
        sseAlgorithm: "SM4",
        signatureVersion: "v4",
        onExisting: "overwrite",
        onDelete: "remove",
      },
    ]);
    expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 1 });
  });
});

describe("the plugin", () => {
  it("reports its version and answers the calls it does not serve with UNIMPLEMENTED", async () => {
    const info = await rpc.getPluginInfo();
    expect(info.getVersion()).toBe("9.9.9");
    await expect(rpc.call(new provproto.CallRequest())).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      details:
        "The ossencryption provider does not serve Call: it has one custom resource, BucketEncryption, and one function, getBucketEncryptionAudit.",
    });
  });
});

describe("the function getBucketEncryptionAudit", () => {
  const TOKEN = "ossencryption:index:getBucketEncryptionAudit";

  function invokeRequest(args: Record<string, unknown>, token = TOKEN) {
    const request = new provproto.InvokeRequest();
    request.setTok(token);
    request.setArgs(struct(args));
    return request;
  }

  /** Writes `a` unencrypted, `b` with AES256 and `c` with KMS key k1 into a bucket whose rule is KMS k1. */
  async function mixedBucket(): Promise<void> {
    const client = aliOssClient(oss.endpoint, { bucket: "logs" });
    await client.put("a", Buffer.from("a"));
    await client.put("b", Buffer.from("b"), {
      headers: { "x-oss-server-side-encryption": "AES256" },
    });
    await client.put("c", Buffer.from("c"), {
      headers: {
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "k1",
      },
    });
    await client.putBucketEncryption("logs", { SSEAlgorithm: "KMS", KMSMasterKeyID: "k1" });
  }

  it("returns the audit, with the rule, the counts by encryption and the objects as secrets", async () => {
    await configure();
    await mixedBucket();
    oss.clearRequests();
    const response = await rpc.invoke(invokeRequest({ bucket: "logs", maxObjects: 10 }));
    expect(response.getFailuresList()).toStrictEqual([]);
    expect(response.getReturn()?.toJavaScript()).toStrictEqual({
      bucket: "logs",
      prefix: "",
      rule: { ...SECRET_SIG, value: { sseAlgorithm: "KMS", kmsMasterKeyId: "k1" } },
      scanned: 3,
      conforming: 1,
      nonConforming: 2,
      vanished: 0,
      complete: true,
      byEncryption: {
        ...SECRET_SIG,
        value: [
          { encryption: "AES256", objects: 1, conforms: false },
          { encryption: "KMS (key k1)", objects: 1, conforms: true },
          { encryption: "none", objects: 1, conforms: false },
        ],
      },
      objects: { ...SECRET_SIG, value: [{ key: "a" }, { key: "b", sseAlgorithm: "AES256" }] },
      truncated: false,
      errors: [],
    });
    expect(oss.counts()).toStrictEqual({ GetBucketEncryption: 1, ListObjectsV2: 1, HeadObject: 3 });
  });

  it("makes every output secret when an argument is", async () => {
    await configure();
    await mixedBucket();
    const response = await rpc.invoke(
      invokeRequest({ bucket: "logs", prefix: secret("b"), maxObjects: 10 }),
    );
    const outputs = response.getReturn()?.toJavaScript() ?? {};
    expect(Object.entries(outputs).filter(([, value]) => !isSecretValue(value))).toStrictEqual([]);
    expect(outputs.scanned).toStrictEqual({ ...SECRET_SIG, value: 1 });
  });

  it("answers invalid arguments with failures naming each, sending nothing", async () => {
    await configure();
    const response = await rpc.invoke(invokeRequest({ bucket: "Logs", maxObjects: 0 }));
    expect(
      response.getFailuresList().map((failure) => [failure.getProperty(), failure.getReason()]),
    ).toStrictEqual([
      ["bucket", "bucket may contain only lowercase letters, digits and hyphens"],
      ["maxObjects", "maxObjects must be a whole number of objects from 1 to 100000"],
    ]);
    expect(oss.counts()).toStrictEqual({});
  });

  it("fails the call, naming the bucket, when the bucket does not exist", async () => {
    await configure();
    await expect(
      rpc.invoke(invokeRequest({ bucket: "nope", maxObjects: 1 })),
    ).rejects.toMatchObject({
      code: grpc.status.UNKNOWN,
      details:
        'Bucket "nope" does not exist (GetBucketEncryption answered NoSuchBucket); check the bucket name, region and endpoint.',
    });
  });

  it("refuses a function it does not serve, naming the one it does", async () => {
    await expect(
      rpc.invoke(invokeRequest({}, "ossencryption:index:getOther")),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details:
        'unknown function "ossencryption:index:getOther"; the ossencryption provider serves ossencryption:index:getBucketEncryptionAudit.',
    });
  });
});

/** Whether a value is wrapped as a secret. */
function isSecretValue(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] ===
      SECRET_SIG["4dabf18193072939515e22adb298388d"]
  );
}

/** The properties a check of `{ bucket: "logs", sseAlgorithm }` gives. */
function checked(sseAlgorithm = "AES256", bucket = "logs"): Record<string, unknown> {
  return {
    bucket,
    sseAlgorithm,
    signatureVersion: "v4",
    onExisting: "overwrite",
    onDelete: "remove",
  };
}

/** A request of `Message` about the resource `urn`, its properties set by `fill`. */
function about<Message extends { setUrn(urn: string): unknown }>(
  message: Message,
  urn: string,
  fill: (message: Message) => void = () => undefined,
): Message {
  message.setUrn(urn);
  fill(message);
  return message;
}

/** The InputPropertiesError details of a gRPC error, as the engine reads them. */
function propertyErrors(error: unknown): [string, string][] {
  const metadata = (error as grpc.ServiceError).metadata;
  const [details] = metadata.get("grpc-status-details-bin") as Buffer[];
  const status = statusproto.Status.deserializeBinary(new Uint8Array(details ?? []));
  return status.getDetailsList().flatMap((detail) => {
    const errors = detail.unpack(
      (bytes) => errorproto.InputPropertiesError.deserializeBinary(bytes),
      "pulumirpc.InputPropertiesError",
    );
    return (errors?.getErrorsList() ?? []).map(
      (entry) => [entry.getPropertyPath(), entry.getReason()] as [string, string],
    );
  });
}

describe("what the plugin refuses", () => {
  const OTHER_TYPES = [
    "urn:pulumi:test::project::ossencryption:index:Nope::logs",
    "urn:pulumi:test::project::aws:s3/bucket:Bucket::logs",
  ];

  it.each(OTHER_TYPES)(
    "refuses a resource type it does not serve at every call, sending nothing: %s",
    async (urn) => {
      await configure();
      const type = urn.split("::")[2];
      const refusal = {
        code: grpc.status.INVALID_ARGUMENT,
        details: `The ossencryption provider has no resource type "${type}"; it serves ossencryption:index:BucketEncryption.`,
      };
      const properties = struct(checked());
      const calls = [
        rpc.check(about(new provproto.CheckRequest(), urn, (m) => m.setNews(properties))),
        rpc.diff(
          about(new provproto.DiffRequest(), urn, (m) => {
            m.setOlds(properties);
            m.setNews(properties);
          }),
        ),
        rpc.create(about(new provproto.CreateRequest(), urn, (m) => m.setProperties(properties))),
        rpc.read(about(new provproto.ReadRequest(), urn, (m) => m.setId("logs"))),
        rpc.update(
          about(new provproto.UpdateRequest(), urn, (m) => {
            m.setId("logs");
            m.setOlds(properties);
            m.setNews(properties);
          }),
        ),
        rpc.delete(
          about(new provproto.DeleteRequest(), urn, (m) => {
            m.setId("logs");
            m.setProperties(properties);
          }),
        ),
      ];
      for (const call of calls) {
        await expect(call).rejects.toMatchObject(refusal);
      }
      expect(oss.counts()).toStrictEqual({});
    },
  );

  it("refuses a create of properties no check produced, each invalid property named, sending nothing", async () => {
    await configure();
    const error = await rpc
      .create(
        about(new provproto.CreateRequest(), URN, (m) =>
          m.setProperties(
            struct({ ...checked("RSA"), bucket: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" }),
          ),
        ),
      )
      .catch((failure: unknown) => failure);
    expect(error).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details:
        "Create was given properties that are not valid: bucket is not known yet; only a preview may leave an input unknown.",
    });
    expect(propertyErrors(error)).toStrictEqual([
      ["bucket", "bucket is not known yet; only a preview may leave an input unknown"],
    ]);
    const invalid = await rpc
      .update(
        about(new provproto.UpdateRequest(), URN, (m) => {
          m.setId("logs");
          m.setOlds(struct(checked()));
          m.setNews(struct(checked("RSA")));
        }),
      )
      .catch((failure: unknown) => failure);
    expect(propertyErrors(invalid)).toStrictEqual([
      ["sseAlgorithm", "sseAlgorithm must be one of AES256, KMS, SM4 (any letter case)"],
    ]);
    expect(oss.counts()).toStrictEqual({});
  });

  it("answers a 100 KB bucket name with a short error instead of resetting the stream", async () => {
    await configure();
    const error = await rpc
      .create(
        about(new provproto.CreateRequest(), URN, (m) =>
          m.setProperties(struct(checked("AES256", "b".repeat(100_000)))),
        ),
      )
      .catch((failure: unknown) => failure as grpc.ServiceError);
    expect(error).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details:
        "Create was given properties that are not valid: bucket must be 3 to 63 characters long; got 100000.",
    });
    const read = await rpc
      .read(
        about(new provproto.ReadRequest(), `${URN.slice(0, -4)}${"x".repeat(100_000)}`, (m) =>
          m.setId("b".repeat(100_000)),
        ),
      )
      .then(
        () => ({ code: grpc.status.OK, details: "" }),
        (failure: unknown) => failure as grpc.ServiceError,
      );
    expect([read.code, read.details.length <= 4096]).toStrictEqual([grpc.status.UNKNOWN, true]);
  });

  it("validates config given to Configure without CheckConfig, naming each problem and no credential", async () => {
    const request = new provproto.ConfigureRequest();
    request.setArgs(
      struct({
        endpoint: "http://user:hunter2@127.0.0.1:9000",
        region: "cn-hangzhou",
        colour: "blue",
      }),
    );
    const error = await rpc.configure(request).catch((failure: unknown) => failure);
    expect(error).toMatchObject({
      details:
        'Invalid provider config: unknown provider config "colour"; allowed are accessKey, secretKey, securityToken, region, endpoint, requestTimeoutMs, retryDeadlineMs, maxAttempts; endpoint must not contain a user name or password; give credentials through the environment (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET) or provider config (alicloud:accessKey and alicloud:secretKey, ossencryption:accessKey and ossencryption:secretKey).',
    });
    request.setArgs(struct({ endpoint: "file:///etc/passwd", region: "cn-hangzhou" }));
    await expect(rpc.configure(request)).rejects.toMatchObject({
      details:
        "Invalid provider config: endpoint must be an http:// or https:// URL such as https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000.",
    });
  });

  it("refuses a message larger than a few MiB unread, and serves the next call", async () => {
    const huge = checkRequest({
      bucket: "logs",
      sseAlgorithm: "AES256",
      padding: "x".repeat(8 * 1024 * 1024),
    });
    await expect(rpc.check(huge)).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    await expect(rpc.getPluginInfo()).resolves.toBeDefined();
  });

  it("answers only schema version 0, as the SDK's server", async () => {
    const request = new provproto.GetSchemaRequest();
    request.setVersion(1);
    await expect(rpc.getSchema(request)).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: "unsupported schema version 1",
    });
  });
});

describe("secrets across an update", () => {
  it("keep priorRule secret when the update drops the secret key id, and keep location secret from a secret endpoint", async () => {
    await configure();
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", {
      SSEAlgorithm: "KMS",
      KMSMasterKeyID: "prior-key",
    });
    const created = await rpc.create(
      about(new provproto.CreateRequest(), URN, (m) =>
        m.setProperties(
          struct({
            ...checked("KMS"),
            kmsMasterKeyId: secret("new-key"),
            endpoint: secret(oss.endpoint),
          }),
        ),
      ),
    );
    const outputs = created.getProperties()?.toJavaScript() ?? {};
    expect([outputs.priorRule, outputs.location]).toStrictEqual([
      { ...SECRET_SIG, value: { sseAlgorithm: "KMS", kmsMasterKeyId: "prior-key" } },
      { ...SECRET_SIG, value: { region: "cn-hangzhou", endpoint: oss.endpoint } },
    ]);
    const updated = await rpc.update(
      about(new provproto.UpdateRequest(), URN, (m) => {
        m.setId("logs");
        m.setOlds(created.getProperties());
        m.setNews(struct(checked("AES256")));
      }),
    );
    const after = updated.getProperties()?.toJavaScript() ?? {};
    expect([after.sseAlgorithm, after.priorRule, after.location]).toStrictEqual([
      "AES256",
      { ...SECRET_SIG, value: { sseAlgorithm: "KMS", kmsMasterKeyId: "prior-key" } },
      { ...SECRET_SIG, value: { region: "cn-hangzhou", endpoint: oss.endpoint } },
    ]);
  });
});

describe("the engine the plugin reports to", () => {
  it("is the one that attaches (PULUMI_DEBUG_PROVIDERS): the plugin logs to it", async () => {
    const engine = await startFakeEngine();
    try {
      await configure();
      await aliOssClient(oss.endpoint).putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
      const attach = new pluginproto.PluginAttach();
      attach.setAddress(engine.address);
      await rpc.attach(attach);
      await rpc.create(
        about(new provproto.CreateRequest(), URN, (m) => m.setProperties(struct(checked()))),
      );
      expect(engine.messages).toStrictEqual([
        'info: Bucket "logs": replaced the default encryption rule SM4 with AES256; it is kept as priorRule.',
      ]);
    } finally {
      engine.close();
    }
  });
});

describe("hostile calls", () => {
  it("answers an error about characters outside the Basic Multilingual Plane, cut between code points", async () => {
    const request = new provproto.ConfigureRequest();
    request.setArgs(struct({ ["😀".repeat(100_000)]: "x" }));
    const error = await rpc.configure(request).then(
      () => ({ code: grpc.status.OK, details: "" }),
      (failure: unknown) => failure as grpc.ServiceError,
    );
    expect([error.code, Buffer.byteLength(error.details) <= 4096]).toStrictEqual([
      grpc.status.UNKNOWN,
      true,
    ]);
    await expect(rpc.getPluginInfo()).resolves.toBeDefined();
  });

  it("bounds the details of invalid properties, which travel in a header too", async () => {
    await configure();
    const error = await rpc
      .create(
        about(new provproto.CreateRequest(), URN, (m) =>
          m.setProperties(struct({ ...checked(), ["桶".repeat(20_000)]: "x" })),
        ),
      )
      .then(
        () => undefined,
        (failure: unknown) => failure as grpc.ServiceError,
      );
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    const [details] = (error?.metadata.get("grpc-status-details-bin") ?? []) as Buffer[];
    expect((details?.length ?? 0) <= 8192).toBe(true);
  });

  it("refuses an update that would move the resource to another bucket", async () => {
    await configure();
    const error = await rpc
      .update(
        about(new provproto.UpdateRequest(), URN, (m) => {
          m.setId("logs");
          m.setOlds(struct(checked()));
          m.setNews(struct(checked("KMS", "other")));
        }),
      )
      .catch((failure: unknown) => failure);
    expect(propertyErrors(error)).toStrictEqual([
      ["bucket", "an update cannot change the bucket; a new bucket replaces the resource"],
    ]);
    expect(oss.counts()).toStrictEqual({});
  });

  it("refuses a request whose type is not its URN's", async () => {
    const request = checkRequest(checked());
    request.setUrn("urn:pulumi:test::project::aws:s3/bucket:Bucket::logs");
    request.setType("ossencryption:index:BucketEncryption");
    await expect(rpc.check(request)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });

  it("takes a provider argument that an Output of undefined registered as a secret of nothing as left out", async () => {
    const response = await rpc.checkConfig(
      checkRequest({
        region: "cn-hangzhou",
        accessKey: { ...SECRET_SIG, value: null },
        secretKey: { ...SECRET_SIG },
      }),
    );
    expect(response.getFailuresList()).toStrictEqual([]);
  });

  it("refuses a bucket given as a secret: it is the resource's id, kept in plain text", async () => {
    await configure();
    const response = await rpc.check(
      checkRequest({ bucket: secret("logs"), sseAlgorithm: "AES256" }),
    );
    expect(
      response.getFailuresList().map((failure) => [failure.getProperty(), failure.getReason()]),
    ).toStrictEqual([
      [
        "bucket",
        "bucket must not be a secret: it is the resource's id, which Pulumi keeps in plain text in the state and shows in its output",
      ],
    ]);
  });
});

describe("a plugin the engine attaches to again", () => {
  it("serves the new deployment with nothing of the old one's buckets", async () => {
    const home = mkdtempSync(join(tmpdir(), "attach-home-"));
    const first = await startFakeEngine();
    const second = await startFakeEngine();
    const served = await serveProvider(
      bucketEncryptionPlugin("9.9.9", { declarationsOptions: { folder: join(home, "shared") } }),
      undefined,
    );
    const attached = providerClient(served.port);
    try {
      const attach = (address: string) => {
        const request = new pluginproto.PluginAttach();
        request.setAddress(address);
        return attached.attach(request);
      };
      const check = async (name: string) => {
        const request = checkRequest({ bucket: "logs", sseAlgorithm: "AES256" });
        request.setUrn(`${URN.slice(0, -"logs".length)}${name}`);
        request.setName(name);
        return (await attached.check(request)).getFailuresList().length;
      };
      await attach(first.address);
      expect(await check("x")).toBe(0);
      await attach(second.address);
      expect(await check("y")).toBe(0);
      await attach("not an address");
      expect(await check("z")).toBe(1);
    } finally {
      attached.close();
      served.server.forceShutdown();
      first.close();
      second.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
});
