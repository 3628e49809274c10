/**
 * The program-side check that two `BucketEncryption` resources of one TypeScript or JavaScript
 * program do not declare the same bucket, whichever front-end serves each (the dynamic provider
 * or the plugin): it fails at the declaration, before the engine sees either resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { type Declarer, duplicateBucketMessage } from "./core/deploymentBuckets";

/**
 * The buckets declared so far in each program run, keyed by the run's resource monitor (an
 * Automation API program can run several times in one process), each with its resource.
 */
const declaredBuckets = new WeakMap<object, Map<string, Declarer>>();
const NO_MONITOR = {};

/**
 * Enters `bucket` for the resource `name` of `frontEnd`, and returns it.
 *
 * @throws Error when another resource of this program run declared the bucket.
 */
function enter(bucket: string, name: string, frontEnd: string): string {
  const monitor = pulumi.runtime.getMonitor() ?? NO_MONITOR;
  let buckets = declaredBuckets.get(monitor);
  if (buckets === undefined) {
    buckets = new Map();
    declaredBuckets.set(monitor, buckets);
  }
  const declarer: Declarer = { id: `${frontEnd}::${name}`, name, frontEnd };
  const first = buckets.get(bucket);
  if (first !== undefined && first.id !== declarer.id) {
    throw new Error(duplicateBucketMessage(bucket, first, declarer));
  }
  buckets.set(bucket, declarer);
  return bucket;
}

/**
 * The bucket input of the resource `name` of `frontEnd`, entered in this program run's buckets.
 * A plain bucket is checked at once; an Output when it resolves, failing the registration.
 *
 * @throws Error when another resource of this program run declared the bucket.
 */
export function declareBucket(
  bucket: pulumi.Input<string>,
  name: string,
  frontEnd: string,
): pulumi.Input<string> {
  return typeof bucket === "string"
    ? enter(bucket, name, frontEnd)
    : pulumi.output(bucket).apply((known) => enter(known, name, frontEnd));
}
