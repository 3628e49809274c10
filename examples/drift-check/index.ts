/**
 * The stack a pipeline checks for drift: one bucket encrypted with KMS.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption } from "pulumi-oss-bucket-encryption";

const config = new pulumi.Config();

const encryption = new BucketEncryption("bucket-encryption", {
  bucket: config.require("bucket"),
  sseAlgorithm: "KMS",
  kmsMasterKeyId: config.get("kmsMasterKeyId"),
  endpoint: config.get("endpoint"),
});

/** The bucket and the rule OSS holds for it. */
export const bucket = encryption.bucket;
export const sseAlgorithm = encryption.sseAlgorithm;
export const kmsMasterKeyId = encryption.kmsMasterKeyId;
