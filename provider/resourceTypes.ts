/**
 * The `BucketEncryption` arguments and outputs as programs see them, shared by the dynamic
 * resource (`pulumi-oss-bucket-encryption`) and the plugin's resource
 * (`pulumi-oss-bucket-encryption/plugin`): one resource, two ways to run it.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EncryptionRule, KmsDataEncryption, SseAlgorithm } from "./core/encryptionRule";
import type { OnDelete, OnExisting, OssLocation, SignatureVersion } from "./core/inputs";

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
  /**
   * The region id, e.g. `cn-hangzhou`; defaults to the provider's region (`alicloud:region` for
   * the dynamic resource, `ossencryption:region` for the plugin's), then the environment.
   */
  readonly region?: pulumi.Input<string>;
  /** The OSS endpoint; defaults to the plugin provider's endpoint, then `https://oss-<region>.aliyuncs.com`. */
  readonly endpoint?: pulumi.Input<string>;
  /** `v4` (default) or `v1` for endpoints that only accept signature V1. */
  readonly signatureVersion?: pulumi.Input<SignatureVersion>;
  /** When the bucket already has a rule: `overwrite` it (default) or `fail` unless it matches. */
  readonly onExisting?: pulumi.Input<OnExisting>;
  /** On delete: `remove` the rule (default) or `restore` the rule found at create. */
  readonly onDelete?: pulumi.Input<OnDelete>;
}

/** The outputs of a `BucketEncryption` resource object. */
export interface BucketEncryptionProperties {
  /** The bucket; also the resource id. */
  readonly bucket: pulumi.Output<string>;
  /** The algorithm OSS holds, upper case. */
  readonly sseAlgorithm: pulumi.Output<SseAlgorithm>;
  /** The KMS key id OSS holds; undefined for the KMS-managed default key or a non-KMS rule. */
  readonly kmsMasterKeyId: pulumi.Output<string | undefined>;
  /** `SM4` when OSS holds SM4 data encryption under KMS. */
  readonly kmsDataEncryption: pulumi.Output<KmsDataEncryption | undefined>;
  /** The region given, without the `oss-` prefix. */
  readonly region: pulumi.Output<string | undefined>;
  /** The endpoint given, as an origin. */
  readonly endpoint: pulumi.Output<string | undefined>;
  /** The signature version in use. */
  readonly signatureVersion: pulumi.Output<SignatureVersion>;
  /** What create did or would do with a rule it found. */
  readonly onExisting: pulumi.Output<OnExisting>;
  /** What delete does. */
  readonly onDelete: pulumi.Output<OnDelete>;
  /**
   * The rule the bucket held when the resource was created; undefined when it had none. Secret
   * when the key id may be.
   */
  readonly priorRule: pulumi.Output<EncryptionRule | undefined>;
  /** Where the bucket's calls go: the region and endpoint recorded at create. */
  readonly location: pulumi.Output<OssLocation>;
}

/**
 * The inputs a program leaves out, listed as undefined so that every output exists on the
 * resource object.
 */
export const UNSET_PROPERTIES = {
  kmsMasterKeyId: undefined,
  kmsDataEncryption: undefined,
  region: undefined,
  endpoint: undefined,
  signatureVersion: undefined,
  onExisting: undefined,
  onDelete: undefined,
  priorRule: undefined,
  location: undefined,
} as const;
