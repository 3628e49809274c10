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
import { BUCKET_ENCRYPTION, BUCKET_ENCRYPTION_AUDIT, PACKAGE } from "../core/definition";
import { PROVIDER_NAMES } from "../core/deploymentBuckets";
import { declareBucket } from "../programBuckets";
import {
  type BucketEncryptionArgs,
  type BucketEncryptionProperties,
  type GetBucketEncryptionAuditArgs,
  type GetBucketEncryptionAuditResult,
  type ProviderArgs,
  SECRET_PROVIDER_ARGS,
  UNSET_PROPERTIES,
} from "../resourceTypes";

export {
  type AuditedObject,
  type AuditFailure,
  type BucketEncryptionArgs,
  type BucketEncryptionProperties,
  type EncryptionCount,
  type EncryptionRule,
  type GetBucketEncryptionAuditArgs,
  type GetBucketEncryptionAuditResult,
  KmsDataEncryption,
  OnDelete,
  OnExisting,
  type OssLocation,
  type ProviderArgs,
  SignatureVersion,
  SseAlgorithm,
} from "../resourceTypes";

/** The plugin's version, which the engine loads for these resources: the package's. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version: VERSION } = require("../../../package.json") as { version: string };

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
      type: BUCKET_ENCRYPTION.token,
      parent: opts?.parent,
      provider: PROVIDER_NAMES.plugin,
    });
    super(
      BUCKET_ENCRYPTION.token,
      name,
      { ...UNSET_PROPERTIES, ...args, bucket: declared.bucket },
      { ...opts, version: VERSION },
    );
  }
}

/**
 * Audits the objects of an OSS bucket against its default encryption rule, through the provider
 * plugin (function `ossencryption:index:getBucketEncryptionAudit`): one HEAD request per object,
 * up to `maxObjects`, on every preview and update. An object conforms when OSS would have applied
 * the bucket's current rule to it. The result is an Output, so that what is secret in it (the key
 * ids read from OSS) stays secret; a program can export `nonConforming`, or fail on it.
 *
 * @throws (in the Output) when the bucket does not exist or the audit cannot go on (access
 *   denied); objects that could not be checked are listed in `errors` instead.
 */
export function getBucketEncryptionAudit(
  args: GetBucketEncryptionAuditArgs,
  opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetBucketEncryptionAuditResult> {
  // An argument left out is not sent: sent as undefined, the provider would have to tell it
  // from a value.
  const given = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined));
  return pulumi.runtime.invokeOutput(BUCKET_ENCRYPTION_AUDIT.token, given, {
    ...opts,
    version: VERSION,
  });
}
