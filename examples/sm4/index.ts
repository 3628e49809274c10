/**
 * SSE-OSS with SM4.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption } from "pulumi-oss-bucket-encryption";

const config = new pulumi.Config();

const encryption = new BucketEncryption("bucket-encryption", {
  bucket: config.require("bucket"),
  sseAlgorithm: "SM4",
  endpoint: config.get("endpoint"),
});

/** The bucket and the algorithm OSS now applies to it. */
export const bucket = encryption.bucket;
export const sseAlgorithm = encryption.sseAlgorithm;
