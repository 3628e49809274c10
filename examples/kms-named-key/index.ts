/**
 * SSE-KMS with a named customer master key (CMK).
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption } from "pulumi-oss-bucket-encryption";

const config = new pulumi.Config();

const encryption = new BucketEncryption("bucket-encryption", {
  bucket: config.require("bucket"),
  sseAlgorithm: "KMS",
  // The CMK id (or ARN) from KMS; OSS does not check that it exists until an object is uploaded.
  kmsMasterKeyId: config.require("kmsMasterKeyId"),
  endpoint: config.get("endpoint"),
});

/** The bucket, the algorithm and the CMK OSS now applies to it. */
export const bucket = encryption.bucket;
export const sseAlgorithm = encryption.sseAlgorithm;
export const kmsMasterKeyId = encryption.kmsMasterKeyId;
