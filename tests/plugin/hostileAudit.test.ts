/**
 * The plugin's function `getBucketEncryptionAudit` attacked with secret arguments: every output is
 * secret when an argument is, but a failed call answers with an error message, which the engine
 * prints as it is. That message must not carry the secret bucket name, nor keys that start with a
 * secret prefix.
 */
import type * as grpc from "@grpc/grpc-js";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { DEFAULT_CREDENTIAL, type OssEmulator } from "local-oss-endpoint";
import { bucketEncryptionPlugin } from "../../provider/plugin/bucketEncryptionPlugin";
import { serveProvider } from "../../provider/plugin/providerServer";
import { secret } from "../../provider/plugin/secrets";
import { aliOssClient } from "../../tooling/aliOssClient";
import { startEmulatorWithBuckets } from "../../tooling/localStack";
import { providerClient, type ProviderClient } from "../support/providerClient";

const TOKEN = "ossencryption:index:getBucketEncryptionAudit";

let oss: OssEmulator;
let server: grpc.Server;
let rpc: ProviderClient;

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(["logs"]);
  const served = await serveProvider(bucketEncryptionPlugin("9.9.9"), undefined);
  server = served.server;
  rpc = providerClient(served.port);
  const request = new provproto.ConfigureRequest();
  request.setArgs(
    structproto.Struct.fromJavaScript({
      endpoint: oss.endpoint,
      region: "cn-hangzhou",
      accessKey: secret(DEFAULT_CREDENTIAL.accessKeyId),
      secretKey: secret(DEFAULT_CREDENTIAL.accessKeySecret),
    }),
  );
  await rpc.configure(request);
});

afterEach(async () => {
  rpc.close();
  server.forceShutdown();
  await oss.close();
});

function invokeRequest(args: Record<string, unknown>) {
  const request = new provproto.InvokeRequest();
  request.setTok(TOKEN);
  request.setArgs(
    structproto.Struct.fromJavaScript(args as Record<string, structproto.JavaScriptValue>),
  );
  return request;
}

/** The error details of a failed call, or "" when it succeeded. */
async function failureOf(args: Record<string, unknown>): Promise<string> {
  try {
    await rpc.invoke(invokeRequest(args));
    return "";
  } catch (error) {
    return (error as grpc.ServiceError).details;
  }
}

describe("getBucketEncryptionAudit with secret arguments", () => {
  it("fails the call without naming a bucket given as a secret", async () => {
    const details = await failureOf({ bucket: secret("acme-payroll-exports"), maxObjects: 10 });
    expect(details).not.toBe("");
    expect(details).not.toContain("acme-payroll-exports");
  });

  it("fails the call without naming an object whose key starts with a prefix given as a secret", async () => {
    const client = aliOssClient(oss.endpoint, { bucket: "logs" });
    await client.put("acme-merger-2026/plan.pdf", Buffer.from("x"));
    await client.putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
    oss.faults.failNext("HeadObject", 1, "AccessDenied", { status: 403 });
    const details = await failureOf({
      bucket: "logs",
      prefix: secret("acme-merger-2026/"),
      maxObjects: 10,
    });
    expect(details).not.toBe("");
    expect(details).not.toContain("acme-merger-2026");
  });
});
