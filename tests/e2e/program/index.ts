/**
 * Declares one BucketEncryption per entry of the stack config `resources`, against the endpoint
 * in `endpoint` unless the entry names its own. The end-to-end and reliability tests drive every
 * scenario by changing that config.
 */
import * as pulumi from "@pulumi/pulumi";
import { BucketEncryption, type BucketEncryptionArgs } from "pulumi-oss-bucket-encryption";

/** One resource to declare: its name, its arguments, and how to pass some of them. */
interface ResourceSpec extends BucketEncryptionArgs {
  readonly name: string;
  /** Pulumi's retainOnDelete option. */
  readonly retainOnDelete?: boolean;
  /** Pulumi's deleteBeforeReplace option. */
  readonly deleteBeforeReplace?: boolean;
  /** Pulumi's replaceOnChanges option. */
  readonly replaceOnChanges?: string[];
  /** Pass these arguments as secrets. */
  readonly secretArgs?: (keyof BucketEncryptionArgs)[];
  /** Declare the resource as the child of a component of this type, named after the resource. */
  readonly parentType?: string;
  /**
   * Make the bucket known only once the named earlier resource exists: during a preview that
   * creates that resource, the bucket is unknown.
   */
  readonly bucketAfter?: string;
  /** Make kmsMasterKeyId known only once the named earlier resource exists, likewise. */
  readonly keyIdAfter?: string;
}

const config = new pulumi.Config();
const endpoint = config.get("endpoint");
const resources = config.requireObject<ResourceSpec[]>("resources");

const declared = new Map<string, BucketEncryption>();

/** The algorithm OSS holds for each resource, by resource name. */
export const algorithms: Record<string, pulumi.Output<string>> = {};

/**
 * `value`, known only once the earlier resource `name` exists: derived from its `location`, an
 * output that no input gives, which a preview of its creation cannot know.
 */
function after(name: string, value: pulumi.Input<string>): pulumi.Output<string> {
  const resource = declared.get(name);
  if (resource === undefined) {
    throw new Error(`resource ${name} must be declared before it is referred to`);
  }
  return pulumi.all([resource.location, value]).apply(([, known]) => known);
}

for (const {
  name,
  retainOnDelete,
  deleteBeforeReplace,
  replaceOnChanges,
  secretArgs = [],
  parentType,
  bucketAfter,
  keyIdAfter,
  ...args
} of resources) {
  const declaredArgs: BucketEncryptionArgs = {
    ...args,
    bucket: bucketAfter === undefined ? args.bucket : after(bucketAfter, args.bucket),
    kmsMasterKeyId:
      keyIdAfter === undefined || args.kmsMasterKeyId === undefined
        ? args.kmsMasterKeyId
        : after(keyIdAfter, args.kmsMasterKeyId),
    endpoint: args.endpoint ?? endpoint,
  };
  const resource = new BucketEncryption(
    name,
    Object.fromEntries(
      Object.entries(declaredArgs).map(([key, value]) => [
        key,
        secretArgs.includes(key as keyof BucketEncryptionArgs) ? pulumi.secret(value) : value,
      ]),
    ) as unknown as BucketEncryptionArgs,
    {
      retainOnDelete: retainOnDelete === true,
      ...(deleteBeforeReplace === undefined ? {} : { deleteBeforeReplace }),
      ...(replaceOnChanges === undefined ? {} : { replaceOnChanges }),
      ...(parentType === undefined
        ? {}
        : { parent: new pulumi.ComponentResource(parentType, `${name}-group`) }),
    },
  );
  declared.set(name, resource);
  algorithms[name] = resource.sseAlgorithm;
}
