import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { createProviderShim, processProvider, SHIM_MODULE } from "./shim";

/** The most bytes the serialized provider may take in each resource's state. */
const MAX_SERIALIZED_BYTES = 3_072;

async function serializedShim(): Promise<string> {
  const shim = createProviderShim();
  // The same call pulumi.dynamic.Resource makes to fill `__provider`.
  const serialized = await pulumi.runtime.serializeFunction(() => shim, { allowSecrets: true });
  return serialized.text;
}

describe("the serialized provider shim", () => {
  it(`stays under ${MAX_SERIALIZED_BYTES} bytes`, async () => {
    const text = await serializedShim();
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_SERIALIZED_BYTES);
  });

  it("loads the installed package by name instead of carrying its code", async () => {
    const text = await serializedShim();
    expect(text).toContain(`require("${SHIM_MODULE}")`);
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

  it("names the package this repository publishes", () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, "../../package.json"), "utf8")) as {
      name: string;
    };
    expect(SHIM_MODULE).toBe(`${manifest.name}/shim`);
  });

  it("serves the whole process from one provider, so configure reaches every later call", () => {
    expect(processProvider()).toBe(processProvider());
  });

  it("delegates every provider method to the installed provider", () => {
    expect(Object.keys(createProviderShim()).sort()).toStrictEqual([
      "check",
      "configure",
      "create",
      "delete",
      "diff",
      "read",
      "update",
    ]);
  });
});
