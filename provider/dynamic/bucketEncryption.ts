/**
 * The `BucketEncryption` resource of TypeScript and JavaScript programs: a bucket's default
 * server-side encryption, managed through the dynamic provider.
 */
import * as pulumi from "@pulumi/pulumi";
import { ALWAYS_SECRET_OUTPUTS } from "../core/definition";
import { PROVIDER_NAMES } from "../core/deploymentBuckets";
import { DYNAMIC_RESOURCE_PROPERTIES } from "../core/inputs";
import {
  type BucketEncryptionArgs,
  type BucketEncryptionProperties,
  UNSET_PROPERTIES,
} from "../resourceTypes";
import { declareBucket } from "../programBuckets";
import * as providerShim from "./shim";

/** The resource type token's module and type: `pulumi-nodejs:dynamic/oss:BucketEncryption`. */
const TYPE_MODULE = "oss";
const TYPE_NAME = "BucketEncryption";
const TYPE = `pulumi-nodejs:dynamic/${TYPE_MODULE}:${TYPE_NAME}`;

// The Pulumi runtime sets the outputs on the object; the merged interface declares them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface BucketEncryption extends BucketEncryptionProperties {}

/** Manages the default server-side encryption rule of one OSS bucket, through the dynamic provider. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class BucketEncryption extends pulumi.dynamic.Resource {
  /**
   * Its registration fails when another `BucketEncryption` of this program, of either provider,
   * declares the same bucket.
   */
  constructor(name: string, args: BucketEncryptionArgs, opts?: pulumi.CustomResourceOptions) {
    const declared = declareBucket(args.bucket, {
      name,
      type: TYPE,
      parent: opts?.parent,
      provider: PROVIDER_NAMES.dynamic,
    });
    const props = {
      ...UNSET_PROPERTIES,
      ...args,
      bucket: declared.bucket,
      // The dynamic provider's check is given no URN: this is how it tells resources apart.
      [DYNAMIC_RESOURCE_PROPERTIES.urn]: declared.urn,
    };
    super(providerShim, name, props, withSecretOutputs(args, opts), TYPE_MODULE, TYPE_NAME);
  }
}

/** The stack config the dynamic provider reads the region from when a resource gives none. */
const REGION_CONFIG_KEY = "alicloud:region";

/**
 * Whether a stack config value is a secret. The SDK knows (`Config.get` warns about secrets with
 * it) but does not declare the function; where it is missing, the value counts as secret.
 */
function isConfigSecret(key: string): boolean {
  const runtime = pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean };
  return runtime.isConfigSecret?.(key) ?? true;
}

/** Whether an input may be a secret: a value the program gives as an Output or a Promise. */
function maybeSecret(input: unknown): boolean {
  return input !== undefined && typeof input !== "string";
}

/**
 * The options with the outputs made secret whose value may come from a secret. The engine keeps
 * an output secret when the input of the same name was, which covers the inputs echoed as
 * outputs. Beyond them:
 * - those the definition marks secret, always (`priorRule`: it holds what OSS held before, key id
 *   included, which the program never declared; and whether it came from a secret is in the
 *   state, which a program does not see);
 * - `location`, when its region or endpoint may come from a secret: an Output or Promise input
 *   (secrecy is known only once it resolves, after the options are given), or the stack config
 *   `alicloud:region` when it is a secret.
 */
function withSecretOutputs(
  args: BucketEncryptionArgs,
  opts: pulumi.CustomResourceOptions | undefined,
): pulumi.CustomResourceOptions {
  const locationSecret =
    maybeSecret(args.region) ||
    maybeSecret(args.endpoint) ||
    (args.region === undefined && isConfigSecret(REGION_CONFIG_KEY));
  return {
    ...opts,
    additionalSecretOutputs: [
      ...(opts?.additionalSecretOutputs ?? []),
      ...ALWAYS_SECRET_OUTPUTS,
      ...(locationSecret ? ["location"] : []),
    ],
  };
}
