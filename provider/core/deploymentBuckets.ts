/**
 * What one deployment has learnt about the buckets its resources manage, so that a delete can tell
 * whether the rule it would remove (or restore over) is still its own.
 *
 * The resource id is the bucket, and a bucket holds one rule. A replace on the same bucket
 * (`pulumi up --replace`, `replaceOnChanges`) or a rename without an alias makes the engine create
 * one resource and delete another that name the same bucket: create first by default, delete first
 * with `deleteBeforeReplace`. The engine checks every resource the program declares before it runs
 * any delete of a resource the program no longer declares (or that a replace condemned). So when a
 * delete runs, the buckets checked so far by the same provider process are the buckets live
 * resources declare, and their rules are not the deleted resource's to remove; the buckets of the
 * deployment's other provider processes are shared through `deploymentDeclarations`.
 */
import { type EncryptionRule, rulesEqual } from "./encryptionRule";

/** What a delete left in place for the resource that declares the same bucket. */
export interface RuleLeftInPlace {
  /** The rule the deleted resource had set, left on the bucket. */
  readonly rule: EncryptionRule;
  /** The rule the bucket held before the deleted resource set its own. */
  readonly priorRule?: EncryptionRule;
}

/** What a create takes over from the resource it replaces on the same bucket. */
export interface Inheritance {
  /** The rule to record as found at create: the one before Pulumi managed the bucket, if known. */
  readonly priorRule?: EncryptionRule;
}

/** A declared bucket: the resource that declares it, and the rule its previous state recorded. */
interface Declared {
  readonly resource: DeclaringResource;
  readonly predecessorRule: EncryptionRule | undefined;
}

/**
 * The buckets of one deployment that a provider process serves: which resource declares each,
 * and what deletes left for creates.
 */
export class DeploymentBuckets {
  private readonly declared = new Map<string, Declared>();
  private readonly leftInPlace = new Map<string, RuleLeftInPlace>();

  /**
   * Records that `resource` declares `bucket`. `predecessorRule` is the rule that resource's
   * previous state recorded for the same bucket, when it had one. The engine checks a replaced
   * resource twice (with its previous state, then without), so a rule once given is kept.
   */
  declare(bucket: string, resource: DeclaringResource, predecessorRule?: EncryptionRule): void {
    const earlier = this.declared.get(bucket);
    this.declared.set(bucket, {
      resource: earlier?.resource ?? resource,
      predecessorRule: predecessorRule ?? earlier?.predecessorRule,
    });
  }

  /** The resource of this deployment that declares `bucket`, if any: its rule is not a delete's. */
  declaringResource(bucket: string): DeclaringResource | undefined {
    return this.declared.get(bucket)?.resource;
  }

  /** Records the rule a delete left on a declared bucket, for the create that takes it over. */
  leaveInPlace(bucket: string, left: RuleLeftInPlace): void {
    this.leftInPlace.set(bucket, left);
  }

  /**
   * Takes what a create that found `found` on `bucket` inherits from the resource it replaces, or
   * undefined when no such resource set the rule found. Either the rule a delete of this
   * deployment left for it (replace with deleteBeforeReplace), with that resource's prior rule:
   * the record is removed, so that one create inherits it; or its predecessor's rule still in
   * place (replace that creates first), which is then the rule found.
   */
  takeInheritance(bucket: string, found: EncryptionRule): Inheritance | undefined {
    const left = this.leftInPlace.get(bucket);
    if (left !== undefined && rulesEqual(left.rule, found)) {
      this.leftInPlace.delete(bucket);
      return left.priorRule === undefined ? {} : { priorRule: left.priorRule };
    }
    const predecessorRule = this.declared.get(bucket)?.predecessorRule;
    return predecessorRule !== undefined && rulesEqual(predecessorRule, found)
      ? { priorRule: found }
      : undefined;
  }
}

/** Why a bucket given as a secret is refused. */
export const SECRET_BUCKET_REASON =
  "bucket must not be a secret: it is the resource's id, which Pulumi keeps in plain text in the state and shows in its output";

/** The names of the two providers of `BucketEncryption` in messages. */
export const PROVIDER_NAMES = {
  dynamic: "dynamic provider",
  plugin: "ossencryption plugin",
} as const;

/** A provider of `BucketEncryption`, by its name in messages. */
export type ProviderName = (typeof PROVIDER_NAMES)[keyof typeof PROVIDER_NAMES];

/** A resource that declares a bucket. */
export interface DeclaringResource {
  /** The resource's URN: what tells two resources apart (`""` where it is not known). */
  readonly urn: string;
  /** The resource's name in the program. */
  readonly name: string;
  /** The provider that serves it. */
  readonly provider: ProviderName;
}

/**
 * The name part of a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`): everything after the
 * third `::`, as the engine reads it (a name may itself hold `::`).
 */
export function nameOfUrn(urn: string): string {
  return urn.split("::").slice(3).join("::");
}

/**
 * The message for two resources of one deployment that declare the same bucket: a bucket holds
 * one rule, so the second would silently overwrite the first. Each resource is named by its
 * provider too when the two differ, and by its URN when the two have the same name.
 */
export function duplicateBucketMessage(
  bucket: string,
  first: DeclaringResource,
  second: DeclaringResource,
): string {
  const describe = (resource: DeclaringResource): string => {
    const named =
      resource.urn === ""
        ? "a BucketEncryption"
        : first.name === second.name
          ? `BucketEncryption ${resource.urn}`
          : `BucketEncryption "${resource.name}"`;
    return first.provider === second.provider ? named : `${named} of the ${resource.provider}`;
  };
  return `${describe(second)} declares bucket "${bucket}", which ${describe(first)} already declares; a bucket holds one default encryption rule, so declare it in one resource only (to rename a resource, keep one and give it an alias).`;
}
