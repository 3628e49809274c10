/**
 * `pulumi-oss-bucket-encryption/plugin`: the provider plugin's resource and provider for
 * TypeScript and JavaScript programs. The engine runs the plugin `ossencryption` for them, so
 * these resources can be imported (`pulumi import`), share a stack with YAML and Go programs'
 * resources of the same type, and take an explicit provider.
 *
 * A program that uses them declares where the engine finds the plugin, in Pulumi.yaml:
 *
 * ```yaml
 * plugins:
 *   providers:
 *     - name: ossencryption
 *       path: node_modules/.bin
 * ```
 */
import * as pulumi from "@pulumi/pulumi";
import { PROVIDER_NAMES } from "../core/deploymentBuckets";
import { declareBucket } from "../programBuckets";
import {
  type BucketEncryptionArgs,
  type BucketEncryptionProperties,
  UNSET_PROPERTIES,
} from "../resourceTypes";

export type { BucketEncryptionArgs, BucketEncryptionProperties } from "../resourceTypes";
export type { EncryptionRule, KmsDataEncryption, SseAlgorithm } from "../core/encryptionRule";
export type { OnDelete, OnExisting, OssLocation, SignatureVersion } from "../core/inputs";

/** The plugin's version, which the engine loads for these resources: the package's. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version: VERSION } = require("../../../package.json") as { version: string };

/** The plugin's package name. */
const PACKAGE = "ossencryption";

/** The resource's type token. */
const BUCKET_ENCRYPTION_TYPE = `${PACKAGE}:index:BucketEncryption`;

/**
 * The arguments of an explicit `ossencryption` provider. One left out falls back to the
 * environment (the stack config `ossencryption:*` configures only the default provider).
 */
export interface ProviderArgs {
  /** The AccessKey id; stored as a secret. */
  readonly accessKey?: pulumi.Input<string>;
  /** The AccessKey secret; stored as a secret. */
  readonly secretKey?: pulumi.Input<string>;
  /** The STS security token; stored as a secret. */
  readonly securityToken?: pulumi.Input<string>;
  /** The region of resources that declare none, e.g. `cn-hangzhou`. */
  readonly region?: pulumi.Input<string>;
  /** The OSS endpoint of resources that declare none, e.g. `http://127.0.0.1:9000`. */
  readonly endpoint?: pulumi.Input<string>;
  /** How long one request may take, in milliseconds (100 to 300000). */
  readonly requestTimeoutMs?: pulumi.Input<number>;
  /** How long an operation may take with its retries, in milliseconds (1000 to 3600000). */
  readonly retryDeadlineMs?: pulumi.Input<number>;
  /** How many attempts an operation may make (1 to 20). */
  readonly maxAttempts?: pulumi.Input<number>;
}

const SECRET_PROVIDER_ARGS = ["accessKey", "secretKey", "securityToken"] as const;

/** An explicit `ossencryption` provider: credentials and defaults of its own. */
export class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: ProviderArgs = {}, opts?: pulumi.ResourceOptions) {
    const inputs: Record<string, pulumi.Input<string | undefined>> = {};
    for (const [key, value] of Object.entries(args) as [keyof ProviderArgs, unknown][]) {
      // An argument left out (`config.get` of an unset key) is not registered: registered, it
      // would outrank the environment.
      if (value === undefined) {
        continue;
      }
      const secret = (SECRET_PROVIDER_ARGS as readonly string[]).includes(key);
      // Provider config travels as text, as stack config does; an Output of undefined stays
      // undefined (and so unregistered), not a secret of nothing.
      inputs[key] = pulumi
        .output(value as pulumi.Input<string | number | undefined>)
        .apply((known): pulumi.Output<string | undefined> => {
          const text = pulumi.output(known === undefined ? undefined : String(known));
          return secret && known !== undefined ? pulumi.secret(text) : text;
        });
    }
    super(PACKAGE, name, inputs, { ...opts, version: VERSION });
  }
}

// The Pulumi runtime sets the outputs on the object; the merged interface declares them.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface BucketEncryption extends BucketEncryptionProperties {}

/**
 * Manages the default server-side encryption rule of one OSS bucket, through the provider plugin
 * `ossencryption` (type `ossencryption:index:BucketEncryption`).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class BucketEncryption extends pulumi.CustomResource {
  /**
   * Its registration fails when another `BucketEncryption` of this program, of either provider,
   * declares the same bucket.
   */
  constructor(name: string, args: BucketEncryptionArgs, opts?: pulumi.CustomResourceOptions) {
    const declared = declareBucket(args.bucket, {
      name,
      type: BUCKET_ENCRYPTION_TYPE,
      parent: opts?.parent,
      provider: PROVIDER_NAMES.plugin,
    });
    super(
      BUCKET_ENCRYPTION_TYPE,
      name,
      { ...UNSET_PROPERTIES, ...args, bucket: declared.bucket },
      { ...opts, version: VERSION },
    );
  }
}
