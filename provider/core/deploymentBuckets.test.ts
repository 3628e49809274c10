import { DeploymentBuckets, duplicateBucketMessage } from "./deploymentBuckets";
import type { EncryptionRule } from "./encryptionRule";

const KMS: EncryptionRule = { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" };
const SM4: EncryptionRule = { sseAlgorithm: "SM4" };

describe("DeploymentBuckets", () => {
  it("knows only the buckets declared to it", () => {
    const buckets = new DeploymentBuckets();
    buckets.declare("logs");
    expect([buckets.isDeclared("logs"), buckets.isDeclared("audit")]).toStrictEqual([true, false]);
  });

  it("hands a rule left by a delete over to one create, with the deleted resource's prior rule", () => {
    const buckets = new DeploymentBuckets();
    buckets.handOver("logs", { rule: KMS, priorRule: SM4 });
    expect(buckets.takeOver("logs", KMS)).toStrictEqual({ priorRule: SM4 });
    expect(buckets.takeOver("logs", KMS)).toBeUndefined();
  });

  it("hands over no prior rule when the deleted resource found none", () => {
    const buckets = new DeploymentBuckets();
    buckets.handOver("logs", { rule: KMS });
    expect(buckets.takeOver("logs", KMS)).toStrictEqual({});
  });

  it("lets a create take over its predecessor's rule, which is then the rule found", () => {
    const buckets = new DeploymentBuckets();
    buckets.declare("logs", KMS);
    expect(buckets.takeOver("logs", KMS)).toStrictEqual({ priorRule: KMS });
  });

  it("keeps the predecessor's rule when the same bucket is declared again without one", () => {
    const buckets = new DeploymentBuckets();
    buckets.declare("logs", KMS);
    buckets.declare("logs");
    expect(buckets.takeOver("logs", KMS)).toStrictEqual({ priorRule: KMS });
  });

  it("takes over nothing when the rule found is neither handed over nor the predecessor's", () => {
    const buckets = new DeploymentBuckets();
    buckets.declare("logs", KMS);
    buckets.handOver("logs", { rule: KMS, priorRule: SM4 });
    expect(buckets.takeOver("logs", SM4)).toBeUndefined();
    expect(buckets.takeOver("audit", KMS)).toBeUndefined();
  });
});

describe("duplicateBucketMessage", () => {
  const plugin = (name: string) => ({ id: name, name, frontEnd: "ossencryption plugin" });

  it("names both resources and the bucket", () => {
    expect(duplicateBucketMessage("logs", plugin("a"), plugin("b"))).toBe(
      'BucketEncryption "b" declares bucket "logs", which BucketEncryption "a" already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).',
    );
  });

  it("names each resource's front-end when the two differ, and a resource it cannot name by its front-end", () => {
    expect(
      duplicateBucketMessage("logs", { id: "dynamic", frontEnd: "dynamic provider" }, plugin("b")),
    ).toBe(
      'BucketEncryption "b" of the ossencryption plugin declares bucket "logs", which a BucketEncryption of the dynamic provider already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).',
    );
  });
});
