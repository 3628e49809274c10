import type { DeclaringResource } from "./core/deploymentBuckets";
import { enterBucket } from "./programBuckets";

const urn = (name: string, type = "ossencryption:index:BucketEncryption") =>
  `urn:pulumi:stack::project::${type}::${name}`;

describe("enterBucket", () => {
  it("takes the same resource again, as a replace checks it twice", () => {
    const buckets = new Map<string, DeclaringResource>();
    const logs = { urn: urn("logs"), name: "logs", provider: "ossencryption plugin" as const };
    expect([enterBucket(buckets, "logs", logs), enterBucket(buckets, "logs", logs)]).toStrictEqual([
      "logs",
      "logs",
    ]);
  });

  it("refuses a resource of the same name under another parent, naming both by URN", () => {
    const buckets = new Map<string, DeclaringResource>();
    const child = (parentType: string) => ({
      urn: urn("encryption", `${parentType}$pulumi-nodejs:dynamic/oss:BucketEncryption`),
      name: "encryption",
      provider: "dynamic provider" as const,
    });
    enterBucket(buckets, "logs", child("acme:index:Logs"));
    expect(() => enterBucket(buckets, "logs", child("acme:index:Archive"))).toThrow(
      'BucketEncryption urn:pulumi:stack::project::acme:index:Archive$pulumi-nodejs:dynamic/oss:BucketEncryption::encryption declares bucket "logs", which BucketEncryption urn:pulumi:stack::project::acme:index:Logs$pulumi-nodejs:dynamic/oss:BucketEncryption::encryption already declares',
    );
  });

  it("refuses a resource of the other provider, naming both providers", () => {
    const buckets = new Map<string, DeclaringResource>();
    enterBucket(buckets, "logs", {
      urn: urn("old"),
      name: "old",
      provider: "dynamic provider" as const,
    });
    expect(() =>
      enterBucket(buckets, "logs", {
        urn: urn("new"),
        name: "new",
        provider: "ossencryption plugin" as const,
      }),
    ).toThrow(
      'BucketEncryption "new" of the ossencryption plugin declares bucket "logs", which BucketEncryption "old" of the dynamic provider already declares',
    );
  });
});
