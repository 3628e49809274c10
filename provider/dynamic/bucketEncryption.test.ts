import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption } from "./bucketEncryption";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registrations: Registration[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = args.inputs as Record<string, unknown>;
        registrations.push({ type: args.type, name: args.name, inputs });
        return { id: String(inputs.bucket), state: inputs };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
});

function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

describe("BucketEncryption", () => {
  it("registers a dynamic resource of type pulumi-nodejs:dynamic/oss:BucketEncryption with the given inputs", async () => {
    const resource = new BucketEncryption("logs-encryption", {
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
      kmsDataEncryption: "SM4",
      onDelete: "restore",
    });
    await expect(outputValue(resource.id)).resolves.toBe("logs");
    const registration = registrations.find((entry) => entry.name === "logs-encryption");
    const { __provider: serializedProvider, __urn: urn, ...inputs } = registration?.inputs ?? {};
    expect(registration?.type).toBe("pulumi-nodejs:dynamic/oss:BucketEncryption");
    expect(inputs).toStrictEqual({
      bucket: "logs",
      sseAlgorithm: "KMS",
      kmsMasterKeyId: "key-1",
      kmsDataEncryption: "SM4",
      onDelete: "restore",
    });
    expect(urn).toBe(
      "urn:pulumi:stack::project::pulumi-nodejs:dynamic/oss:BucketEncryption::logs-encryption",
    );
    expect(serializedProvider).toEqual(
      expect.stringContaining('require("pulumi-oss-bucket-encryption/process-provider")'),
    );
  });

  it("exposes every output, with undefined for those the program left out", async () => {
    const resource = new BucketEncryption("audit-encryption", {
      bucket: "audit",
      sseAlgorithm: "aes256",
    });
    await expect(outputValue(resource.sseAlgorithm)).resolves.toBe("aes256");
    await expect(outputValue(resource.priorRule)).resolves.toBeUndefined();
    await expect(outputValue(resource.kmsMasterKeyId)).resolves.toBeUndefined();
  });

  it("adds no dependency on its parent's other children: a sibling may take its outputs", async () => {
    class Sibling extends pulumi.CustomResource {
      constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super("test:index:Sibling", name, props, opts);
      }
    }
    class Group extends pulumi.ComponentResource {
      constructor(name: string) {
        super("test:index:Group", name);
        const encryption = new BucketEncryption(
          `${name}-encryption`,
          { bucket: "grouped", sseAlgorithm: "SM4" },
          { parent: this },
        );
        new Sibling(`${name}-sibling`, { algorithm: encryption.sseAlgorithm }, { parent: this });
      }
    }
    new Group("group");
    const settled = async () => {
      for (let attempt = 0; attempt < 100; attempt++) {
        if (registrations.some((entry) => entry.name === "group-sibling")) {
          return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return false;
    };
    await expect(settled()).resolves.toBe(true);
    expect(registrations.map((entry) => entry.name)).toContain("group-encryption");
  });

  it("passes its URN for the provider's check, which keeps it out of the state", async () => {
    const resource = new BucketEncryption("urn-encryption", {
      bucket: "urns",
      sseAlgorithm: "SM4",
    });
    await expect(outputValue(resource.urn)).resolves.toBe(
      "urn:pulumi:stack::project::pulumi-nodejs:dynamic/oss:BucketEncryption::urn-encryption",
    );
    const registration = registrations.find((entry) => entry.name === "urn-encryption");
    expect(registration?.inputs.__urn).toBe(
      "urn:pulumi:stack::project::pulumi-nodejs:dynamic/oss:BucketEncryption::urn-encryption",
    );
  });
});
