/**
 * The `BucketEncryption` resource of TypeScript and JavaScript programs: a bucket's default
 * server-side encryption, managed through the dynamic provider.
 */
import * as pulumi from "@pulumi/pulumi";
import { FRONT_END_NAMES } from "../core/deploymentBuckets";
import {
  type BucketEncryptionArgs,
  type BucketEncryptionProperties,
  UNSET_PROPERTIES,
} from "../resourceTypes";
import { declareBucket } from "../programBuckets";
import * as providerShim from "./shim";

export type { BucketEncryptionArgs } from "../resourceTypes";

/** The resource type token's module and type: `pulumi-nodejs:dynamic/oss:BucketEncryption`. */
const TYPE_MODULE = "oss";
const TYPE_NAME = "BucketEncryption";

// The Pulumi runtime sets the outputs on the object; the merged interface declares them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface BucketEncryption extends BucketEncryptionProperties {}

/** Manages the default server-side encryption rule of one OSS bucket, through the dynamic provider. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class BucketEncryption extends pulumi.dynamic.Resource {
  /**
   * @throws Error when another `BucketEncryption` of this program declares the same bucket (when
   *   the bucket is an Output, the registration fails once it resolves instead).
   */
  constructor(name: string, args: BucketEncryptionArgs, opts?: pulumi.CustomResourceOptions) {
    const props = {
      ...UNSET_PROPERTIES,
      ...args,
      bucket: declareBucket(args.bucket, name, FRONT_END_NAMES.dynamic),
    };
    super(providerShim, name, props, withSecretPriorRule(args, opts), TYPE_MODULE, TYPE_NAME);
  }
}

/**
 * The options with `priorRule` among the secret outputs when the key id may be secret. The engine
 * keeps `kmsMasterKeyId` secret by itself (an output is secret when the input of the same name
 * was), but `priorRule` can hold the same key id. Whether an Output is secret is known only once
 * it resolves, after the options are given, so any key id that is not a plain string counts.
 */
function withSecretPriorRule(
  args: BucketEncryptionArgs,
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions | undefined {
  if (args.kmsMasterKeyId === undefined || typeof args.kmsMasterKeyId === "string") {
    return opts;
  }
  return {
    ...opts,
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "priorRule"],
  };
}
