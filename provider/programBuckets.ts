/**
 * The program-side check that two `BucketEncryption` resources of one TypeScript or JavaScript
 * program do not declare the same bucket, whichever provider serves each (the dynamic provider
 * or the plugin): it fails the second one's registration, before the engine sees it. Resources
 * are told apart by URN, so two children of the same name under different parents are two
 * resources.
 */
import * as pulumi from "@pulumi/pulumi";
import { type DeclaringResource, duplicateBucketMessage } from "./core/deploymentBuckets";

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
  /** The provider that serves it: one of `PROVIDER_NAMES`. */
  readonly provider: string;
}

/** What a resource registers for its bucket, and its URN (known before it registers). */
export interface DeclaredBucket {
  /** The bucket input, which fails when another resource of the run declared the bucket. */
  readonly bucket: pulumi.Output<string>;
  /** The resource's URN, as the engine will give it. */
  readonly urn: pulumi.Output<string>;
}

/**
 * Enters `bucket` for `resource` in the buckets of a program run, and returns it.
 *
 * @throws Error when another resource (another URN) of the run declared the bucket.
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
 * Enters the bucket of `resource` in this program run's buckets once the bucket and the
 * resource's URN are known (the URN from its name, type and parent, as the engine makes it).
 * The registration waits for the bucket input, so a duplicate fails it.
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
  const urn = pulumi.createUrn(resource.name, resource.type, resource.parent);
  return {
    urn,
    bucket: pulumi.all([bucket, urn]).apply(([known, knownUrn]) =>
      enterBucket(run, known, {
        urn: knownUrn,
        name: resource.name,
        provider: resource.provider,
      }),
    ),
  };
}
