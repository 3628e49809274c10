/**
 * Declares a bucket's default encryption rule (KMS with the customer master key from config) and
 * audits the bucket's objects against it: the stack exports how many were checked and how many
 * do not conform, and, when `requireConforming` is set, the deployment fails while any does not
 * or was not checked.
 * `oss-encryption-audit --bucket <bucket> --fix` re-encrypts them.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption, getBucketEncryptionAudit } from "pulumi-oss-bucket-encryption/plugin";

const config = new pulumi.Config();
const bucket = config.require("bucket");

const encryption = new BucketEncryption("encryption", {
  bucket,
  sseAlgorithm: "KMS",
  kmsMasterKeyId: config.require("kmsMasterKeyId"),
});

// Audited once the rule is in place: the audit compares the objects with the rule OSS holds.
const audit = getBucketEncryptionAudit(
  { bucket: encryption.bucket, maxObjects: config.getNumber("maxObjects") ?? 10_000 },
  { dependsOn: encryption },
);

// The whole result is secret, as it names key ids read from OSS; the counts name none, so they
// are exported in plain text, for `pulumi stack output` and pipelines to read.
export const scanned = pulumi.unsecret(audit.scanned);
export const nonConforming = pulumi.unsecret(audit.nonConforming);
/** The first non-conforming objects, with their encryption: secret. */
export const objects = audit.objects;

// The gate: every object checked, and each conforming.
if (config.getBoolean("requireConforming") === true) {
  pulumi
    .all([nonConforming, audit.errors, pulumi.unsecret(audit.complete)])
    .apply(([count, errors, complete]) => {
      const objects = (n: number) => (n === 1 ? "1 object" : `${n} objects`);
      const problems = [
        count > 0 ? `${objects(count)} not encrypted as its default rule says` : "",
        errors.length > 0 ? `${objects(errors.length)} that could not be checked` : "",
        complete ? "" : "more objects than maxObjects, which were not all checked",
      ].filter((problem) => problem !== "");
      if (problems.length > 0) {
        throw new Error(
          `Bucket ${bucket} holds ${problems.join(", and ")}; oss-encryption-audit --bucket ${bucket} checks every object, and --fix re-encrypts.`,
        );
      }
    });
}
