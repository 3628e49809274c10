/**
 * Declares one BucketEncryption per entry of the stack config `resources`, against the endpoint
 * in `endpoint`. The end-to-end tests drive every scenario by changing that config.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption, type BucketEncryptionArgs } from "pulumi-oss-bucket-encryption";

/** One resource to declare: its name, its arguments, and Pulumi's retainOnDelete option. */
interface ResourceSpec extends Omit<BucketEncryptionArgs, "endpoint"> {
  readonly name: string;
  readonly retainOnDelete?: boolean;
  /** Pass kmsMasterKeyId as a secret. */
  readonly secretKeyId?: boolean;
}

const config = new pulumi.Config();
const endpoint = config.get("endpoint");
const resources = config.requireObject<ResourceSpec[]>("resources");

/** The algorithm OSS holds for each resource, by resource name. */
export const algorithms: Record<string, pulumi.Output<string>> = {};

for (const { name, retainOnDelete, secretKeyId, ...args } of resources) {
  const kmsMasterKeyId =
    secretKeyId === true && args.kmsMasterKeyId !== undefined
      ? pulumi.secret(args.kmsMasterKeyId)
      : args.kmsMasterKeyId;
  const resource = new BucketEncryption(
    name,
    { ...args, kmsMasterKeyId, ...(endpoint === undefined ? {} : { endpoint }) },
    { retainOnDelete: retainOnDelete === true },
  );
  algorithms[name] = resource.sseAlgorithm;
}
