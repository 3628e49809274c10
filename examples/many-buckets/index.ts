/**
 * One BucketEncryption per bucket in the stack config list `buckets`, all with the same rule.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption } from "pulumi-oss-bucket-encryption";

const config = new pulumi.Config();
const buckets = config.requireObject<string[]>("buckets");
const kmsMasterKeyId = config.get("kmsMasterKeyId");
const endpoint = config.get("endpoint");

const rules = buckets.map(
  (bucket) =>
    new BucketEncryption(`${bucket}-encryption`, {
      bucket,
      sseAlgorithm: "KMS",
      // Empty or unset: the KMS-managed default key.
      kmsMasterKeyId,
      endpoint,
    }),
);

/** The algorithm OSS now applies to each bucket, by bucket. */
export const algorithms = pulumi
  .all(rules.map((rule) => pulumi.all([rule.bucket, rule.sseAlgorithm])))
  .apply((pairs) => Object.fromEntries(pairs));
