/**
 * Declares a bucket's default encryption rule (KMS with the customer master key from config) and
 * audits the bucket's objects against it: the stack exports how many were checked and how many
 * do not conform, and the deployment fails while any does not, when `requireConforming` is set.
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

if (config.getBoolean("requireConforming") === true) {
  nonConforming.apply((count) => {
    if (count > 0) {
      throw new Error(
        `${count} objects of bucket ${bucket} are not encrypted as its default rule says; re-encrypt them with oss-encryption-audit --bucket ${bucket} --fix.`,
      );
    }
  });
}
