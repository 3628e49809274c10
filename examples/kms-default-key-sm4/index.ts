/**
 * SSE-KMS with the KMS-managed default key, and SM4 data encryption.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption } from "pulumi-oss-bucket-encryption";

const config = new pulumi.Config();

const encryption = new BucketEncryption("bucket-encryption", {
  bucket: config.require("bucket"),
  sseAlgorithm: "KMS",
  // No kmsMasterKeyId: KMS uses the default key it manages for OSS.
  kmsDataEncryption: "SM4",
  endpoint: config.get("endpoint"),
});

/** The bucket and the rule OSS now applies to it. */
export const bucket = encryption.bucket;
export const sseAlgorithm = encryption.sseAlgorithm;
export const kmsDataEncryption = encryption.kmsDataEncryption;
