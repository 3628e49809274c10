/**
 * SSE-OSS with AES256: OSS encrypts new objects with keys it manages itself.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption } from "pulumi-oss-bucket-encryption";

const config = new pulumi.Config();

const encryption = new BucketEncryption("bucket-encryption", {
  bucket: config.require("bucket"),
  sseAlgorithm: "AES256",
  // Unset for real OSS (https://oss-<alicloud:region>.aliyuncs.com); the local endpoint's URL otherwise.
  endpoint: config.get("endpoint"),
});

/** The bucket and the algorithm OSS now applies to it. */
export const bucket = encryption.bucket;
export const sseAlgorithm = encryption.sseAlgorithm;
