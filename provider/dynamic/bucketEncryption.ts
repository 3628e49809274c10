/**
 * The `BucketEncryption` resource: a bucket's default server-side encryption, declared in a
 * Pulumi program and managed through the dynamic provider.
 */
import * as pulumi from "@pulumi/pulumi";
import { duplicateBucketMessage } from "../core/deploymentBuckets";
import type { EncryptionRule, KmsDataEncryption, SseAlgorithm } from "../core/encryptionRule";
import type { OnDelete, OnExisting, OssLocation, SignatureVersion } from "../core/inputs";
import * as providerShim from "./shim";

/** The arguments of a `BucketEncryption`. */
export interface BucketEncryptionArgs {
  /** The bucket; changing it replaces the resource. The resource id is the bucket name. */
  readonly bucket: pulumi.Input<string>;
  /** `AES256`, `KMS` or `SM4`, in any letter case (stored upper case). */
  readonly sseAlgorithm: pulumi.Input<SseAlgorithm | Lowercase<SseAlgorithm>>;
  /** The KMS customer master key id (KMS only); absent or `""` uses the KMS-managed default key. */
  readonly kmsMasterKeyId?: pulumi.Input<string>;
  /** `SM4` to encrypt data with SM4 under KMS (KMS only). */
  readonly kmsDataEncryption?: pulumi.Input<KmsDataEncryption | Lowercase<KmsDataEncryption>>;
  /** The region id, e.g. `cn-hangzhou`; defaults to alicloud:region or the environment. */
  readonly region?: pulumi.Input<string>;
  /** The OSS endpoint; defaults to `https://oss-<region>.aliyuncs.com`. */
  readonly endpoint?: pulumi.Input<string>;
  /** `v4` (default) or `v1` for endpoints that only accept signature V1. */
  readonly signatureVersion?: pulumi.Input<SignatureVersion>;
  /** When the bucket already has a rule: `overwrite` it (default) or `fail` unless it matches. */
  readonly onExisting?: pulumi.Input<OnExisting>;
  /** On delete: `remove` the rule (default) or `restore` the rule found at create. */
  readonly onDelete?: pulumi.Input<OnDelete>;
}

/** The resource type token's module and type: `pulumi-nodejs:dynamic/oss:BucketEncryption`. */
const TYPE_MODULE = "oss";
const TYPE_NAME = "BucketEncryption";

/**
 * The buckets declared so far in each program run, keyed by the run's resource monitor (an
 * Automation API program can run several times in one process), each with its resource's name.
 */
const declaredBuckets = new WeakMap<object, Map<string, string>>();
const NO_MONITOR = {};

/**
 * Enters `bucket` for the resource `name`, and fails when another resource of this program run
 * declared it: a bucket holds one rule, and the second would silently overwrite the first.
 */
function declareBucket(bucket: string, name: string): string {
  const monitor = pulumi.runtime.getMonitor() ?? NO_MONITOR;
  let buckets = declaredBuckets.get(monitor);
  if (buckets === undefined) {
    buckets = new Map();
    declaredBuckets.set(monitor, buckets);
  }
  const first = buckets.get(bucket);
  if (first !== undefined && first !== name) {
    throw new Error(
      duplicateBucketMessage(bucket, `BucketEncryption "${first}"`, `BucketEncryption "${name}"`),
    );
  }
  buckets.set(bucket, name);
  return bucket;
}

/** Manages the default server-side encryption rule of one OSS bucket. */
export class BucketEncryption extends pulumi.dynamic.Resource {
  /** The bucket; also the resource id. */
  declare readonly bucket: pulumi.Output<string>;
  /** The algorithm OSS holds, upper case. */
  declare readonly sseAlgorithm: pulumi.Output<SseAlgorithm>;
  /** The KMS key id OSS holds; undefined for the KMS-managed default key or a non-KMS rule. */
  declare readonly kmsMasterKeyId: pulumi.Output<string | undefined>;
  /** `SM4` when OSS holds SM4 data encryption under KMS. */
  declare readonly kmsDataEncryption: pulumi.Output<KmsDataEncryption | undefined>;
  /** The region given, without the `oss-` prefix. */
  declare readonly region: pulumi.Output<string | undefined>;
  /** The endpoint given, as an origin. */
  declare readonly endpoint: pulumi.Output<string | undefined>;
  /** The signature version in use. */
  declare readonly signatureVersion: pulumi.Output<SignatureVersion>;
  /** What create did or would do with a rule it found. */
  declare readonly onExisting: pulumi.Output<OnExisting>;
  /** What delete does. */
  declare readonly onDelete: pulumi.Output<OnDelete>;
  /**
   * The rule the bucket held when the resource was created; undefined when it had none. Secret
   * when `kmsMasterKeyId` is given as an Output or Promise, which may be secret.
   */
  declare readonly priorRule: pulumi.Output<EncryptionRule | undefined>;
  /** Where the bucket's calls go: the region and endpoint recorded at create. */
  declare readonly location: pulumi.Output<OssLocation>;

  /**
   * @throws Error when another `BucketEncryption` of this program declares the same bucket (when
   *   the bucket is an Output, the registration fails once it resolves instead).
   */
  constructor(name: string, args: BucketEncryptionArgs, opts?: pulumi.CustomResourceOptions) {
    // Outputs the program does not set are listed as undefined so that they exist as outputs.
    const props = {
      kmsMasterKeyId: undefined,
      kmsDataEncryption: undefined,
      region: undefined,
      endpoint: undefined,
      signatureVersion: undefined,
      onExisting: undefined,
      onDelete: undefined,
      priorRule: undefined,
      location: undefined,
      ...args,
      bucket:
        typeof args.bucket === "string"
          ? declareBucket(args.bucket, name)
          : pulumi.output(args.bucket).apply((bucket) => declareBucket(bucket, name)),
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
