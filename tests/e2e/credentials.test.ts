/**
 * Credentials through the real engine: given as secret stack config or as environment variables,
 * they reach OSS but never the exported state, the CLI output or the serialized provider.
 */
import type { EmulatorCredential, OssEmulator } from "local-oss-endpoint";
import {
  BUCKET_ENCRYPTION_TYPE,
  createTestStack,
  emulatorConfig,
  startEmulatorWithBuckets,
  type TestStack,
} from "../support/pulumiStack";

jest.setTimeout(180_000);

const CREDENTIAL: EmulatorCredential = {
  accessKeyId: "LTAI-e2e-credential-id",
  accessKeySecret: "e2e-secret-that-must-never-leak",
  securityToken: "e2e-sts-token-that-must-never-leak",
};

let oss: OssEmulator;
const stacks: TestStack[] = [];

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(["logs"], { credentials: [CREDENTIAL] });
});

afterEach(async () => {
  await oss.close();
  for (const stack of stacks.splice(0)) {
    stack.cleanup();
  }
});

const RESOURCES = JSON.stringify([
  {
    name: "logs",
    bucket: "logs",
    sseAlgorithm: "KMS",
    kmsMasterKeyId: "key-1",
    secretArgs: ["kmsMasterKeyId"],
  },
]);

/** Runs up, refresh and destroy, and returns everything a leak could hide in. */
async function lifecycle(test: TestStack): Promise<{ state: string; providerText: string }> {
  await test.stack.up({ onOutput: test.onOutput });
  expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" });
  expect(new Set(oss.requests().map((record) => record.accessKeyId))).toStrictEqual(
    new Set([CREDENTIAL.accessKeyId]),
  );
  await test.stack.refresh({ onOutput: test.onOutput });
  const state = test.stateFileText();
  const [resource] = await test.bucketEncryptions();
  const providerText = String(resource?.outputs.__provider);
  await test.stack.destroy({ onOutput: test.onOutput });
  expect(oss.bucket("logs")?.rule).toBeUndefined();
  return { state, providerText };
}

function expectNoCredentials(text: string): void {
  for (const secret of [
    CREDENTIAL.accessKeyId,
    CREDENTIAL.accessKeySecret,
    CREDENTIAL.securityToken ?? "",
  ]) {
    expect(text).not.toContain(secret);
  }
}

describe("credentials", () => {
  it("given as secret stack config never appear in state, CLI output or __provider", async () => {
    const test = await createTestStack({
      program: "tests/e2e/program",
      config: {
        ...emulatorConfig(oss, CREDENTIAL),
        resources: { value: RESOURCES },
        "alicloud:securityToken": { value: CREDENTIAL.securityToken ?? "", secret: true },
      },
    });
    stacks.push(test);
    const { state, providerText } = await lifecycle(test);
    expectNoCredentials(state);
    expectNoCredentials(test.output.join(""));
    expectNoCredentials(providerText);
    expect(state).toContain(BUCKET_ENCRYPTION_TYPE);
  });

  it("given as environment variables never appear in state, CLI output or __provider", async () => {
    const test = await createTestStack({
      program: "tests/e2e/program",
      config: { endpoint: { value: oss.endpoint }, resources: { value: RESOURCES } },
      env: {
        ALIBABA_CLOUD_ACCESS_KEY_ID: CREDENTIAL.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: CREDENTIAL.accessKeySecret,
        ALIBABA_CLOUD_SECURITY_TOKEN: CREDENTIAL.securityToken ?? "",
        ALIBABA_CLOUD_REGION: "cn-hangzhou",
      },
    });
    stacks.push(test);
    const { state, providerText } = await lifecycle(test);
    expectNoCredentials(state);
    expectNoCredentials(test.output.join(""));
    expectNoCredentials(providerText);
  });

  it.each([
    {
      layout: "registry",
      maxBytes: 512,
      loads: 'require("pulumi-oss-bucket-encryption/shim")',
    },
    {
      layout: "link",
      maxBytes: 3_072,
      loads: 'require("pulumi-oss-bucket-encryption/process-provider")',
    },
  ] as const)(
    "keep __provider small with the package in the $layout layout: it loads the package by name",
    async ({ layout, maxBytes, loads }) => {
      const test = await createTestStack({
        program: "tests/e2e/program",
        packageLayout: layout,
        config: { endpoint: { value: oss.endpoint }, resources: { value: RESOURCES } },
        env: {
          ALICLOUD_ACCESS_KEY: CREDENTIAL.accessKeyId,
          ALICLOUD_SECRET_KEY: CREDENTIAL.accessKeySecret,
          ALICLOUD_SECURITY_TOKEN: CREDENTIAL.securityToken ?? "",
          ALICLOUD_REGION: "cn-hangzhou",
        },
      });
      stacks.push(test);
      const { state, providerText } = await lifecycle(test);
      process.stdout.write(
        `__provider in a real state file, ${layout} layout: ${Buffer.byteLength(providerText)} bytes\n`,
      );
      expect(Buffer.byteLength(providerText)).toBeLessThan(maxBytes);
      expect(providerText).toContain(loads);
      expect(providerText).not.toMatch(/zod|ali-oss|PutBucketEncryption|ServerSideEncryptionRule/);
      expectNoCredentials(state);
      expectNoCredentials(test.output.join(""));
      expectNoCredentials(providerText);
    },
  );

  it("missing everywhere fail up with every option named and no request sent", async () => {
    const test = await createTestStack({
      program: "tests/e2e/program",
      config: {
        endpoint: { value: oss.endpoint },
        resources: { value: RESOURCES },
        "alicloud:region": { value: "cn-hangzhou" },
      },
    });
    stacks.push(test);
    oss.clearRequests();
    const failure = await test.stack
      .up({ onOutput: test.onOutput })
      .catch((error: unknown) => error);
    expect(String(failure)).toContain(
      "No Alibaba Cloud credentials found: set the stack config alicloud:accessKey and alicloud:secretKey (as secrets), or the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY.",
    );
    expect(oss.counts()).toStrictEqual({});
  });
});
