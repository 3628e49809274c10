/**
 * Declares one BucketEncryption per entry of the stack config `resources`, against the endpoint
 * in `endpoint` unless the entry names its own. The end-to-end and reliability tests drive every scenario by changing that config.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption, type BucketEncryptionArgs } from "pulumi-oss-bucket-encryption";

/** One resource to declare: its name, its arguments, and how to pass some of them. */
interface ResourceSpec extends BucketEncryptionArgs {
  readonly name: string;
  /** Pulumi's retainOnDelete option. */
  readonly retainOnDelete?: boolean;
  /** Pass kmsMasterKeyId as a secret. */
  readonly secretKeyId?: boolean;
  /** Take the bucket from an earlier resource's output: unknown while that one is being created. */
  readonly bucketFrom?: string;
  /** Take kmsMasterKeyId from an earlier resource's bucket output, unknown likewise. */
  readonly keyIdFrom?: string;
}

const config = new pulumi.Config();
const endpoint = config.get("endpoint");
const resources = config.requireObject<ResourceSpec[]>("resources");

const declared = new Map<string, BucketEncryption>();

/** The algorithm OSS holds for each resource, by resource name. */
export const algorithms: Record<string, pulumi.Output<string>> = {};

function earlier(name: string): BucketEncryption {
  const resource = declared.get(name);
  if (resource === undefined) {
    throw new Error(`resource ${name} must be declared before it is referred to`);
  }
  return resource;
}

for (const { name, retainOnDelete, secretKeyId, bucketFrom, keyIdFrom, ...args } of resources) {
  const keyId = keyIdFrom === undefined ? args.kmsMasterKeyId : earlier(keyIdFrom).bucket;
  const resource = new BucketEncryption(
    name,
    {
      ...args,
      bucket: bucketFrom === undefined ? args.bucket : earlier(bucketFrom).bucket,
      kmsMasterKeyId: secretKeyId === true && keyId !== undefined ? pulumi.secret(keyId) : keyId,
      endpoint: args.endpoint ?? endpoint,
    },
    { retainOnDelete: retainOnDelete === true },
  );
  declared.set(name, resource);
  algorithms[name] = resource.sseAlgorithm;
}
