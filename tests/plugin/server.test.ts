/**
 * The plugin's gRPC server driven by the generated client, as the engine drives it, against the
 * local OSS endpoint: provider config checked and its credentials stored as secrets, the detailed
 * diff, secrets kept across create and read, an import read, and the calls it does not serve.
 */
import * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { DEFAULT_CREDENTIAL, type OssEmulator } from "local-oss-endpoint";
import { bucketEncryptionPlugin } from "../../provider/plugin/bucketEncryptionPlugin";
import { serveProvider } from "../../provider/plugin/providerServer";
import { secret } from "../../provider/plugin/secrets";
import { aliOssClient } from "../../tooling/aliOssClient";
import { startEmulatorWithBuckets } from "../../tooling/localStack";
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
      [
        "region",
        'region must be a region id such as cn-hangzhou or ap-southeast-1; got "cn_hangzhou"',
      ],
      [
        "",
        "endpoint must not contain a user name or password; give credentials through alicloud:accessKey and alicloud:secretKey or the environment",
      ],
      [
        "maxAttempts",
        'ossencryption:maxAttempts must be a whole number of attempts from 1 to 20; got "21"',
      ],
    ]);
    expect(response.getInputs()?.toJavaScript().accessKey).toStrictEqual({
      ...SECRET_SIG,
      value: "id",
    });
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
    await expect(rpc.invoke(new provproto.InvokeRequest())).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
      details:
        "The ossencryption provider does not serve Invoke: it has one custom resource, BucketEncryption.",
    });
  });
});
