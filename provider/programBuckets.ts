/**
 * The program-side checks of a `BucketEncryption`'s bucket in TypeScript and JavaScript programs,
 * whichever provider serves the resource (the dynamic provider or the plugin): two resources of
 * one program may not declare the same bucket, and the bucket may not be a secret. Either fails
 * the resource's registration, before the engine sees it. Resources are told apart by URN, so two
 * children of the same name under parents of different types are two resources.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  type DeclaringResource,
  duplicateBucketMessage,
  type ProviderName,
} from "./core/deploymentBuckets";
import { SECRET_BUCKET_REASON } from "./core/inputs";

/**
 * The buckets declared so far in each program run, keyed by the run's resource monitor (an
 * Automation API program can run several times in one process), each with its resource.
 */
const declaredBuckets = new WeakMap<object, Map<string, DeclaringResource>>();
const NO_MONITOR = {};

/** A resource being constructed, as the check sees it. */
export interface ConstructedResource {
  /** The resource's name in the program. */
  readonly name: string;
  /** Its type token. */
  readonly type: string;
  /** Its parent, when the program gives one. */
  readonly parent: pulumi.Resource | undefined;
  /** The provider that serves it. */
  readonly provider: ProviderName;
}

/** What a resource registers for its bucket, and its URN (known before it registers). */
export interface DeclaredBucket {
  /** The bucket input, which fails when the bucket is a secret or another resource has it. */
  readonly bucket: pulumi.Output<string>;
  /**
   * The resource's URN, as the engine will give it. An Output of no resource: it depends on no
   * resource, so registering it adds no dependency (the parent's URN, from which it is made,
   * would depend on every child of the parent).
   */
  readonly urn: pulumi.Output<string>;
}

/**
 * Enters `bucket` for `resource` in the buckets of a program run, and returns it.
 *
 * @throws Error when another resource (another URN) of the run declared the bucket.
 * @internal Exported for tests; programs call `declareBucket`.
 */
export function enterBucket(
  buckets: Map<string, DeclaringResource>,
  bucket: string,
  resource: DeclaringResource,
): string {
  const first = buckets.get(bucket);
  if (first !== undefined && first.urn !== resource.urn) {
    throw new Error(duplicateBucketMessage(bucket, first, resource));
  }
  buckets.set(bucket, resource);
  return bucket;
}

/**
 * Checks the bucket of `resource` once it and the resource's URN (made from its name, type and
 * parent, as the engine makes it) are known, and enters it in this program run's buckets. The
 * registration waits for the bucket input, so a failure fails it.
 */
export function declareBucket(
  bucket: pulumi.Input<string>,
  resource: ConstructedResource,
): DeclaredBucket {
  const monitor = pulumi.runtime.getMonitor() ?? NO_MONITOR;
  let buckets = declaredBuckets.get(monitor);
  if (buckets === undefined) {
    buckets = new Map();
    declaredBuckets.set(monitor, buckets);
  }
  const run = buckets;
  const urn = pulumi.output(
    new Promise<string>((resolve) =>
      pulumi.createUrn(resource.name, resource.type, resource.parent).apply(resolve),
    ),
  );
  const given = pulumi.output(bucket);
  return {
    urn,
    bucket: pulumi.all([given, urn, pulumi.isSecret(given)]).apply(([known, knownUrn, secret]) => {
      if (secret) {
        throw new Error(`BucketEncryption "${resource.name}": ${SECRET_BUCKET_REASON}.`);
      }
      return enterBucket(run, known, {
        urn: knownUrn,
        name: resource.name,
        provider: resource.provider,
      });
    }),
  };
}
