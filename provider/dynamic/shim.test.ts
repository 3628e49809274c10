import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { processProvider } from "./processProvider";
import * as shim from "./shim";

/**
 * The most bytes the copied shim may take in each resource's state. Here, inside the repository,
 * the package is local, so Pulumi copies the shim's methods as it does for a linked package (an
 * installed package is stored as one `require`: tests/e2e/credentials.test.ts).
 */
const MAX_SERIALIZED_BYTES = 3_072;

const manifest = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as {
  name: string;
  exports: Record<string, { default: string }>;
};

async function serializedShim(): Promise<string> {
  // The same call pulumi.dynamic.Resource makes to fill `__provider`.
  const serialized = await pulumi.runtime.serializeFunction(() => shim, { allowSecrets: true });
  return serialized.text;
}

describe("the serialized provider shim", () => {
  it(`stays under ${MAX_SERIALIZED_BYTES} bytes when its methods are copied`, async () => {
    const text = await serializedShim();
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_SERIALIZED_BYTES);
  });

  it("loads the installed package by name instead of carrying its code", async () => {
    const text = await serializedShim();
    expect(text).toContain(`require("${manifest.name}/process-provider")`);
    expect(text).not.toMatch(/zod|ali-oss|PutBucketEncryption|ServerSideEncryptionRule/);
  });

  it("holds no credentials even when they are in the environment and config of the process", async () => {
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = "env-secret-value";
    try {
      const text = await serializedShim();
      expect(text).not.toContain("env-secret-value");
      expect(text).not.toMatch(/accessKey|secretKey|securityToken|ALIBABA_CLOUD|ALICLOUD/);
    } finally {
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    }
  });

  it("is published at the paths it is stored and loaded by", () => {
    expect(manifest.exports["./shim"]?.default).toBe("./dist/provider/dynamic/shim.js");
    expect(manifest.exports["./process-provider"]?.default).toBe(
      "./dist/provider/dynamic/processProvider.js",
    );
  });

  it("exports exactly the provider's methods, since its exports are the provider", () => {
    expect(Object.keys(shim).sort()).toStrictEqual([
      "check",
      "configure",
      "create",
      "delete",
      "diff",
      "read",
      "update",
    ]);
  });

  it("delegates to the provider of the installed package", async () => {
    const news = { bucket: "logs", sseAlgorithm: "aes256" } as never;
    await expect(shim.check(news, news)).resolves.toStrictEqual({
      inputs: {
        bucket: "logs",
        sseAlgorithm: "AES256",
        signatureVersion: "v4",
        onExisting: "overwrite",
        onDelete: "remove",
      },
    });
  });
});

describe("the process provider", () => {
  it("serves the whole process from one instance, so configure reaches every later call", () => {
    expect(processProvider()).toBe(processProvider());
  });
});
