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
  SECRET_BUCKET_REASON,
} from "./core/deploymentBuckets";

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
  readonly bucket: pulumi.Input<string>;
  /**
   * The resource's URN, as the engine will give it. Never an Output of a resource: the parent's
   * URN, from which a child's is made, would make it depend on every child of the parent.
   */
  readonly urn: pulumi.Input<string>;
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

/** This program run's buckets. */
function bucketsOfThisRun(): Map<string, DeclaringResource> {
  const monitor = pulumi.runtime.getMonitor() ?? NO_MONITOR;
  let buckets = declaredBuckets.get(monitor);
  if (buckets === undefined) {
    buckets = new Map();
    declaredBuckets.set(monitor, buckets);
  }
  return buckets;
}

/**
 * The URN the engine will give `resource`, made as the SDK's `createUrn` makes it: at once for a
 * resource without a parent, else once the parent's URN is known.
 */
function urnOf(resource: ConstructedResource): pulumi.Input<string> {
  if (resource.parent === undefined) {
    return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${resource.type}::${resource.name}`;
  }
  const { name, type, parent } = resource;
  return pulumi.output(
    new Promise<string>((resolve) => pulumi.createUrn(name, type, parent).apply(resolve)),
  );
}

/**
 * Checks the bucket of `resource` and enters it in this program run's buckets: at once when the
 * bucket is a plain string and the resource has no parent (the common case, which then fails at
 * its declaration), else once both and the URN are known, failing the resource's registration
 * (which waits for the bucket input).
 *
 * @throws Error when another resource of this program run declared the bucket.
 */
export function declareBucket(
  bucket: pulumi.Input<string>,
  resource: ConstructedResource,
): DeclaredBucket {
  const run = bucketsOfThisRun();
  const urn = urnOf(resource);
  const enter = (known: string, knownUrn: string) =>
    enterBucket(run, known, { urn: knownUrn, name: resource.name, provider: resource.provider });
  if (typeof bucket === "string" && typeof urn === "string") {
    return { bucket: enter(bucket, urn), urn };
  }
  const given = pulumi.output(bucket);
  return {
    urn,
    bucket: pulumi.all([given, urn, pulumi.isSecret(given)]).apply(([known, knownUrn, secret]) => {
      if (secret) {
        throw new Error(`BucketEncryption "${resource.name}": ${SECRET_BUCKET_REASON}.`);
      }
      return enter(known, knownUrn);
    }),
  };
}
