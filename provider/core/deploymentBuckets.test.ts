import { DeploymentBuckets, duplicateBucketMessage, nameOfUrn } from "./deploymentBuckets";
import type { EncryptionRule } from "./encryptionRule";

const KMS: EncryptionRule = { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" };
const SM4: EncryptionRule = { sseAlgorithm: "SM4" };
const LOGS = {
  urn: "urn:pulumi:test::project::ossencryption:index:BucketEncryption::logs",
  name: "logs",
  provider: "ossencryption plugin" as const,
} as const;
const OTHER = { ...LOGS, urn: `${LOGS.urn}-2`, name: "logs-2" };

describe("DeploymentBuckets", () => {
  it("knows only the buckets declared to it, each by the resource that declared it first", () => {
    const buckets = new DeploymentBuckets();
    buckets.declare("logs", LOGS);
    buckets.declare("logs", OTHER);
    expect([buckets.declaringResource("logs"), buckets.declaringResource("audit")]).toStrictEqual([
      LOGS,
      undefined,
    ]);
  });

  it("hands a rule left by a delete over to one create, with the deleted resource's prior rule", () => {
    const buckets = new DeploymentBuckets();
    buckets.leaveInPlace("logs", { rule: KMS, priorRule: SM4 });
    expect(buckets.takeInheritance("logs", KMS)).toStrictEqual({ priorRule: SM4 });
    expect(buckets.takeInheritance("logs", KMS)).toBeUndefined();
  });

  it("hands over no prior rule when the deleted resource found none", () => {
    const buckets = new DeploymentBuckets();
    buckets.leaveInPlace("logs", { rule: KMS });
    expect(buckets.takeInheritance("logs", KMS)).toStrictEqual({});
  });

  it("lets a create take over its predecessor's rule, which is then the rule found", () => {
    const buckets = new DeploymentBuckets();
    buckets.declare("logs", LOGS, KMS);
    expect(buckets.takeInheritance("logs", KMS)).toStrictEqual({ priorRule: KMS });
  });

  it("keeps the predecessor's rule when the same bucket is declared again without one", () => {
    const buckets = new DeploymentBuckets();
    buckets.declare("logs", LOGS, KMS);
    buckets.declare("logs", LOGS);
    expect(buckets.takeInheritance("logs", KMS)).toStrictEqual({ priorRule: KMS });
  });

  it("takes over nothing when the rule found is neither handed over nor the predecessor's", () => {
    const buckets = new DeploymentBuckets();
    buckets.declare("logs", LOGS, KMS);
    buckets.leaveInPlace("logs", { rule: KMS, priorRule: SM4 });
    expect(buckets.takeInheritance("logs", SM4)).toBeUndefined();
    expect(buckets.takeInheritance("audit", KMS)).toBeUndefined();
  });
});

describe("duplicateBucketMessage", () => {
  const urn = (name: string, type = "ossencryption:index:BucketEncryption") =>
    `urn:pulumi:test::project::${type}::${name}`;
  const plugin = (name: string, type?: string) => ({
    urn: urn(name, type),
    name,
    provider: "ossencryption plugin" as const,
  });

  it("names both resources and the bucket", () => {
    expect(duplicateBucketMessage("logs", plugin("a"), plugin("b"))).toBe(
      'BucketEncryption "b" declares bucket "logs", which BucketEncryption "a" already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).',
    );
  });

  it("names each resource's provider when the two differ, and a resource whose URN is unknown", () => {
    expect(
      duplicateBucketMessage(
        "logs",
        { urn: "", name: "", provider: "dynamic provider" },
        plugin("b"),
      ),
    ).toBe(
      'BucketEncryption "b" of the ossencryption plugin declares bucket "logs", which a BucketEncryption of the dynamic provider already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).',
    );
  });

  it("names two resources of the same name by their URNs", () => {
    const first = plugin("encryption", "acme:index:Logs$ossencryption:index:BucketEncryption");
    const second = plugin("encryption", "acme:index:Archive$ossencryption:index:BucketEncryption");
    expect(duplicateBucketMessage("logs", first, second)).toBe(
      'BucketEncryption urn:pulumi:test::project::acme:index:Archive$ossencryption:index:BucketEncryption::encryption declares bucket "logs", which BucketEncryption urn:pulumi:test::project::acme:index:Logs$ossencryption:index:BucketEncryption::encryption already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).',
    );
  });
});

describe("nameOfUrn", () => {
  it.each([
    ["urn:pulumi:test::project::ossencryption:index:BucketEncryption::logs", "logs"],
    [
      "urn:pulumi:test::project::acme:index:Logs$pulumi-nodejs:dynamic/oss:BucketEncryption::a::b",
      "a::b",
    ],
  ])("reads the name of %s", (urn, name) => {
    expect(nameOfUrn(urn)).toBe(name);
  });
});
