/**
 * The repository's own Pulumi program: the default encryption of one bucket, from stack config.
 *
 * `npm run demo` deploys it against the local OSS endpoint; with `alicloud:region` and real
 * credentials (see README) it deploys the same rule to a real Alibaba Cloud account.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  BucketEncryption,
  type KmsDataEncryption,
  type SseAlgorithm,
} from "pulumi-oss-bucket-encryption";

const config = new pulumi.Config();

/** An optional config value; Pulumi.yaml declares these with an empty default. */
function optional(key: string): string | undefined {
  const value = config.get(key);
  return value === "" ? undefined : value;
}

// Config values are plain strings; the provider's check validates them at preview.
const encryption = new BucketEncryption("bucket-encryption", {
  bucket: config.require("bucket"),
  sseAlgorithm: config.require<SseAlgorithm>("sseAlgorithm"),
  kmsMasterKeyId: optional("kmsMasterKeyId"),
  kmsDataEncryption: optional("kmsDataEncryption") as KmsDataEncryption | undefined,
  endpoint: optional("endpoint"),
});

/** The bucket, and the rule OSS now holds for it (only the fields that are set). */
export const bucket = encryption.bucket;
export const rule = pulumi
  .all([encryption.sseAlgorithm, encryption.kmsMasterKeyId, encryption.kmsDataEncryption])
  .apply(([sseAlgorithm, kmsMasterKeyId, kmsDataEncryption]) => ({
    sseAlgorithm,
    ...(kmsMasterKeyId === undefined ? {} : { kmsMasterKeyId }),
    ...(kmsDataEncryption === undefined ? {} : { kmsDataEncryption }),
  }));
