/**
 * The `BucketEncryption` arguments and outputs, their enumerations and object types, and the
 * `ossencryption` provider's arguments, as programs see them: shared by the dynamic resource
 * (`pulumi-oss-bucket-encryption`) and the plugin's (`pulumi-oss-bucket-encryption/plugin`).
 *
 * Generated from the one definition (`provider/core/definition.ts`) by `npm run generate`; do
 * not edit.
 */
import type * as pulumi from "@pulumi/pulumi";

/** A default server-side encryption algorithm. */
export const SseAlgorithm = {
  /** SSE-OSS with AES256. */
  AES256: "AES256",
  /** SSE-KMS: keys held by Key Management Service. */
  KMS: "KMS",
  /** SSE-OSS with SM4. */
  SM4: "SM4",
} as const;

/** A default server-side encryption algorithm. */
export type SseAlgorithm = (typeof SseAlgorithm)[keyof typeof SseAlgorithm];

/** The data encryption algorithm under SSE-KMS, instead of the default AES256. */
export const KmsDataEncryption = {
  /** SM4 data encryption. */
  SM4: "SM4",
} as const;

/** The data encryption algorithm under SSE-KMS, instead of the default AES256. */
export type KmsDataEncryption = (typeof KmsDataEncryption)[keyof typeof KmsDataEncryption];

/** The OSS request signature version. */
export const SignatureVersion = {
  /** Signature V4 (the default). */
  V4: "v4",
  /** Signature V1, for endpoints that only accept it. */
  V1: "v1",
} as const;

/** The OSS request signature version. */
export type SignatureVersion = (typeof SignatureVersion)[keyof typeof SignatureVersion];

/** What create does when the bucket already has a rule. */
export const OnExisting = {
  /** Overwrite it; the rule found is reported and kept as priorRule. */
  Overwrite: "overwrite",
  /** Fail, naming the rule found, unless it equals the declared one. */
  Fail: "fail",
} as const;

/** What create does when the bucket already has a rule. */
export type OnExisting = (typeof OnExisting)[keyof typeof OnExisting];

/** What delete does with the bucket's rule. */
export const OnDelete = {
  /** Remove the rule. */
  Remove: "remove",
  /** Put back the rule found at create, or remove the rule when there was none. */
  Restore: "restore",
} as const;

/** What delete does with the bucket's rule. */
export type OnDelete = (typeof OnDelete)[keyof typeof OnDelete];

/** A bucket's default encryption rule. */
export interface EncryptionRule {
  /** The default algorithm for objects uploaded without encryption headers. */
  readonly sseAlgorithm: SseAlgorithm;
  /** The KMS customer master key (KMS only); absent means the KMS-managed default key. */
  readonly kmsMasterKeyId?: string;
  /** SM4 data encryption under KMS (KMS only); absent means AES256. */
  readonly kmsDataEncryption?: KmsDataEncryption;
}

/** Where a bucket's calls go: recorded at create, so that config changes do not move them. */
export interface OssLocation {
  /** The region id without the oss- prefix, e.g. cn-hangzhou. */
  readonly region: string;
  /** The endpoint origin, e.g. https://oss-cn-hangzhou.aliyuncs.com. */
  readonly endpoint: string;
}

/**
 * An object that does not conform to its bucket's default rule, with the encryption OSS answered
 * for it.
 */
export interface AuditedObject {
  /** The object key. */
  readonly key: string;
  /** Its x-oss-server-side-encryption (AES256, KMS or SM4); absent when OSS does not encrypt it. */
  readonly sseAlgorithm?: string;
  /** Its KMS key id (KMS only). */
  readonly kmsMasterKeyId?: string;
  /** Its KMS data encryption, SM4 when so (KMS only). */
  readonly kmsDataEncryption?: string;
}

/** How many audited objects are encrypted one way. */
export interface EncryptionCount {
  /**
   * The encryption: none, AES256, SM4, KMS (default key) or KMS (key <id>), with SM4 data when so.
   */
  readonly encryption: string;
  /** How many objects have it. */
  readonly objects: number;
  /** Whether it conforms to the bucket's default rule. */
  readonly conforms: boolean;
}

/** An object the audit could not check, or a failure that stopped it. */
export interface AuditFailure {
  /** The object, when the failure is one object's. */
  readonly key?: string;
  /** What failed, and what to do about it. */
  readonly message: string;
}

/** The arguments of a `BucketEncryption`. */
export interface BucketEncryptionArgs {
  /**
   * The bucket: 3-63 lowercase letters, digits and hyphens. Changing it replaces the resource; the
   * resource id is the bucket name.
   */
  readonly bucket: pulumi.Input<string>;
  /** The default algorithm: AES256, KMS or SM4, in any letter case. */
  readonly sseAlgorithm: pulumi.Input<SseAlgorithm | Lowercase<SseAlgorithm>>;
  /**
   * The KMS customer master key id or ARN (KMS only); absent or "" uses the KMS-managed default
   * key.
   */
  readonly kmsMasterKeyId?: pulumi.Input<string>;
  /** SM4 to encrypt data with SM4 instead of AES256 under KMS (KMS only). */
  readonly kmsDataEncryption?: pulumi.Input<KmsDataEncryption | Lowercase<KmsDataEncryption>>;
  /**
   * The region id, e.g. cn-hangzhou (an oss- prefix is accepted); default: the provider's region
   * (alicloud:region for the dynamic resource, ossencryption:region for the plugin's), then the
   * environment.
   */
  readonly region?: pulumi.Input<string>;
  /**
   * The OSS endpoint, http(s)://host[:port]; default: the plugin provider's endpoint, then
   * https://oss-<region>.aliyuncs.com.
   */
  readonly endpoint?: pulumi.Input<string>;
  /** The request signature version: v4, or v1 for endpoints that only accept V1 (default v4). */
  readonly signatureVersion?: pulumi.Input<SignatureVersion | Uppercase<SignatureVersion>>;
  /**
   * What create does when the bucket already has a rule: overwrite it (the rule found is kept as
   * priorRule), or fail unless it equals the declared one (default overwrite).
   */
  readonly onExisting?: pulumi.Input<OnExisting>;
  /**
   * What delete does: remove the rule, or restore the rule found at create, removing it when there
   * was none (default remove).
   */
  readonly onDelete?: pulumi.Input<OnDelete>;
}

/** The outputs of a `BucketEncryption` resource object. */
export interface BucketEncryptionProperties {
  /**
   * The bucket: 3-63 lowercase letters, digits and hyphens. Changing it replaces the resource; the
   * resource id is the bucket name.
   */
  readonly bucket: pulumi.Output<string>;
  /** The algorithm OSS holds, upper case. */
  readonly sseAlgorithm: pulumi.Output<SseAlgorithm>;
  /** The KMS key id OSS holds; absent for the KMS-managed default key or a non-KMS rule. */
  readonly kmsMasterKeyId: pulumi.Output<string | undefined>;
  /** SM4 when OSS holds SM4 data encryption under KMS. */
  readonly kmsDataEncryption: pulumi.Output<KmsDataEncryption | undefined>;
  /** The region declared, without the oss- prefix. */
  readonly region: pulumi.Output<string | undefined>;
  /** The endpoint declared, as an origin. */
  readonly endpoint: pulumi.Output<string | undefined>;
  /** The signature version in use. */
  readonly signatureVersion: pulumi.Output<SignatureVersion>;
  /** What create did or would do with a rule it found. */
  readonly onExisting: pulumi.Output<OnExisting>;
  /** What delete does. */
  readonly onDelete: pulumi.Output<OnDelete>;
  /**
   * The rule the bucket held when the resource was created; absent when it had none. Always secret:
   * it holds a key id read from OSS.
   */
  readonly priorRule: pulumi.Output<EncryptionRule | undefined>;
  /**
   * Where the bucket's calls go: the region and endpoint recorded at create (absent in states
   * written before it was recorded).
   */
  readonly location: pulumi.Output<OssLocation | undefined>;
}

/**
 * The properties a program may leave out, listed as undefined so that every output exists on the
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

/**
 * The arguments of an explicit provider. The ossencryption provider: credentials, default location
 * and patience for OSS calls. An explicit provider's argument left out falls back to the
 * environment; the stack config ossencryption:* configures the default provider.
 */
export interface ProviderArgs {
  /**
   * The AccessKey id; else the environment ALIBABA_CLOUD_ACCESS_KEY_ID or ALICLOUD_ACCESS_KEY.
   * Stored as a secret.
   */
  readonly accessKey?: pulumi.Input<string>;
  /**
   * The AccessKey secret; else the environment ALIBABA_CLOUD_ACCESS_KEY_SECRET or
   * ALICLOUD_SECRET_KEY. Stored as a secret.
   */
  readonly secretKey?: pulumi.Input<string>;
  /** The STS security token, for a temporary AccessKey. Stored as a secret. */
  readonly securityToken?: pulumi.Input<string>;
  /**
   * The region of resources that declare none, e.g. cn-hangzhou; else the environment
   * ALIBABA_CLOUD_REGION or ALICLOUD_REGION.
   */
  readonly region?: pulumi.Input<string>;
  /**
   * The OSS endpoint of resources that declare none, e.g. http://127.0.0.1:9000; else
   * https://oss-<region>.aliyuncs.com.
   */
  readonly endpoint?: pulumi.Input<string>;
  /** How long one request may take, in milliseconds (100 to 300000; default 10000). */
  readonly requestTimeoutMs?: pulumi.Input<number>;
  /**
   * How long an operation may take with its retries, in milliseconds (1000 to 3600000; default
   * 60000).
   */
  readonly retryDeadlineMs?: pulumi.Input<number>;
  /** How many attempts an operation may make (1 to 20; default 8). */
  readonly maxAttempts?: pulumi.Input<number>;
}

/** The provider arguments that are always stored as secrets. */
export const SECRET_PROVIDER_ARGS = ["accessKey", "secretKey", "securityToken"] as const;

/** The arguments of `getBucketEncryptionAudit`. */
export interface GetBucketEncryptionAuditArgs {
  /** The bucket whose objects are audited. */
  readonly bucket: pulumi.Input<string>;
  /** Audit only the objects whose keys start with it; absent audits every object. */
  readonly prefix?: pulumi.Input<string>;
  /**
   * The most objects to check, in key order: each costs a HEAD request on every preview and update
   * (1 to 100000).
   */
  readonly maxObjects: pulumi.Input<number>;
  /**
   * The region id, e.g. cn-hangzhou (an oss- prefix is accepted); default: the provider's region
   * (alicloud:region for the dynamic resource, ossencryption:region for the plugin's), then the
   * environment.
   */
  readonly region?: pulumi.Input<string>;
  /**
   * The OSS endpoint, http(s)://host[:port]; default: the plugin provider's endpoint, then
   * https://oss-<region>.aliyuncs.com.
   */
  readonly endpoint?: pulumi.Input<string>;
  /** The request signature version: v4, or v1 for endpoints that only accept V1 (default v4). */
  readonly signatureVersion?: pulumi.Input<SignatureVersion | Uppercase<SignatureVersion>>;
}

/** The result of `getBucketEncryptionAudit`. */
export interface GetBucketEncryptionAuditResult {
  /** The bucket audited. */
  readonly bucket: string;
  /** The key prefix audited; empty for every object. */
  readonly prefix: string;
  /**
   * The bucket's default rule the objects were compared with; absent when it has none, and then no
   * object conforms. Secret: it holds a key id read from OSS.
   */
  readonly rule?: EncryptionRule;
  /** How many objects were checked. */
  readonly scanned: number;
  /** How many of them conform to the rule. */
  readonly conforming: number;
  /** How many of them do not. */
  readonly nonConforming: number;
  /** How many objects were listed but gone by the time they were checked. */
  readonly vanished: number;
  /**
   * Whether every object under the prefix was listed; false when maxObjects stopped the audit
   * first.
   */
  readonly complete: boolean;
  /** The checked objects counted by encryption. Secret: it names key ids read from OSS. */
  readonly byEncryption: readonly EncryptionCount[];
  /**
   * The non-conforming objects, in key order, up to 1,000. Secret: it names key ids read from OSS.
   */
  readonly objects: readonly AuditedObject[];
  /** Whether more objects do not conform than objects lists. */
  readonly truncated: boolean;
  /**
   * The objects that could not be checked, up to 100; a failure of the whole audit fails the call
   * instead.
   */
  readonly errors: readonly AuditFailure[];
}
