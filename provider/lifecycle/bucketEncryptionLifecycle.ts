/**
 * What a `BucketEncryption` does over its life, for both Pulumi providers (the dynamic provider
 * and the provider plugin): validate inputs with the core, work out where each bucket is and as
 * whom to call, and read, write or remove the rule through the OSS adapter. Each provider only
 * translates its protocol to these calls, so both have the same inputs, outputs, messages and
 * OSS calls.
 *
 * One instance serves a provider process, which serves one provider of a deployment, so it also
 * keeps the ledger of the buckets that provider's resources declare, and shares it with the other
 * provider processes of the deployment: together they tell a delete whether the rule on its
 * bucket is still its own.
 */
import {
  type DeclaringResource,
  DeploymentBuckets,
  duplicateBucketMessage,
  type ProviderName,
} from "../core/deploymentBuckets";
import { changesRule, diffInputs, type InputsDiff } from "../core/diff";
import {
  describeDifference,
  describeRule,
  type EncryptionRule,
  rulesEqual,
} from "../core/encryptionRule";
import {
  type AuditInputs,
  type BucketEncryptionInputs,
  type BucketEncryptionOutputs,
  type CheckOutcome,
  checkInputs,
  checkStoredOutputs,
  dropUndefined,
  type InputFailure,
  isUnknown,
  type OssLocation,
  quote,
  ruleOf,
} from "../core/inputs";
import {
  type AuditResult,
  auditObjects,
  DEFAULT_AUDIT_CONCURRENCY,
  readDefaultRule,
} from "../audit/bucketAudit";
import { AliOssEncryptionStore } from "../oss/aliOssEncryptionStore";
import { AliOssObjectStore } from "../oss/aliOssObjectStore";
import {
  type ConfigKeys,
  type ConfigReader,
  type Environment,
  type OssConnection,
  resolveConnection,
  resolveLocation,
  type SettingsSource,
} from "../oss/connection";
import type {
  BucketEncryptionState,
  EncryptionStore,
  EncryptionStoreFactory,
} from "../oss/encryptionStore";
import { isRetryable, OssRequestError } from "../oss/errors";
import { type Clock, SYSTEM_CLOCK } from "../oss/retry";
import {
  DeclarationsUnavailableError,
  type DeploymentDeclarations,
} from "./deploymentDeclarations";
import {
  DEFAULT_STORE_TIMINGS,
  type StoreTimings,
  storeTimingsFromConfig,
} from "../oss/storeTimings";
import type { ResourceLog } from "../resourceLog";

/** How long `create` and `update` wait for OSS to show a rule they wrote. */
export interface ConfirmationPolicy {
  /** How many reads, at most, after a write. */
  readonly reads: number;
  /** The pause between two reads. */
  readonly intervalMs: number;
}

/** Up to 10 reads, 500 ms apart: OSS is eventually consistent right after bucket creation. */
export const DEFAULT_CONFIRMATION: ConfirmationPolicy = { reads: 10, intervalMs: 500 };

/** What a provider reads its settings from. */
export interface ProviderSettings {
  /** The config keys of credentials and location. */
  readonly keys: ConfigKeys;
  /** The namespace of the tuning settings, e.g. `bucketEncryption`. */
  readonly tuningNamespace: string;
  /** The provider's name in messages. */
  readonly providerName: ProviderName;
}

/**
 * Everything a lifecycle can be given besides its provider's settings; all optional. Test hooks:
 * a provider serving the engine is made with none. Not stripped from the declarations, which name
 * it in the lifecycle's constructor; no entry of the package exports this module.
 */
export interface LifecycleOptions {
  /** Opens the OSS adapter for a connection; defaults to ali-oss. */
  readonly openStore?: EncryptionStoreFactory;
  /** Where environment credentials and region are read; defaults to `process.env`. */
  readonly env?: Environment;
  /** How long to wait for a written rule to show; defaults to `DEFAULT_CONFIRMATION`. */
  readonly confirmation?: ConfirmationPolicy;
  /** Time for confirmation polling; defaults to the system clock. */
  readonly clock?: Clock;
  /** What the deployment's other provider processes declare; none unless given. */
  readonly declarations?: DeploymentDeclarations;
}

/**
 * A create that failed after it may have changed the bucket's rule. Pulumi records the resource
 * (the `id` marks it partially created), so `refresh` and the next `up` see and converge it.
 */
export class PartialCreateError extends Error {
  override readonly name = "PartialCreateError";

  constructor(
    message: string,
    /** The resource id: the bucket. */
    readonly id: string,
    /** The outputs the resource would have had. */
    readonly properties: BucketEncryptionOutputs,
    options: { cause: unknown },
  ) {
    super(message, options);
  }

  /** Why the resource is only partially created, as Pulumi shows it. */
  get reasons(): string[] {
    return [this.message];
  }
}

/**
 * Properties that are not what a check or an earlier operation would have produced: the engine
 * never sends them, but a call to a plugin can come from any client, and nothing invalid (or not
 * yet known) may reach OSS.
 */
export class InvalidPropertiesError extends Error {
  override readonly name = "InvalidPropertiesError";

  constructor(
    operation: string,
    /** Each invalid property and why. */
    readonly failures: readonly InputFailure[],
  ) {
    super(
      `${operation} was given properties that are not valid: ${failures.map((failure) => failure.reason).join("; ")}.`,
    );
  }
}

/** Properties as a provider receives them, not validated yet. */
export type UncheckedProperties = object;

/** What `read` found: the resource as OSS holds it, or nothing (gone). */
export type ReadOutcome =
  | { readonly found: false }
  | {
      readonly found: true;
      readonly outputs: BucketEncryptionOutputs;
      /** The inputs that would declare what OSS holds, for drift and import. */
      readonly inputs: BucketEncryptionInputs;
    };

/** The life of `BucketEncryption` resources in one deployment. */
export class BucketEncryptionLifecycle {
  private readonly env: Environment;
  private readonly confirmation: ConfirmationPolicy;
  private readonly clock: Clock;
  private readonly openStoreOverride: EncryptionStoreFactory | undefined;
  private declarations: DeploymentDeclarations | undefined;
  private buckets = new DeploymentBuckets();
  private config: ConfigReader = () => undefined;
  private timings: StoreTimings = DEFAULT_STORE_TIMINGS;

  constructor(
    private readonly settings: ProviderSettings,
    options: LifecycleOptions = {},
  ) {
    this.env = options.env ?? process.env;
    this.confirmation = options.confirmation ?? DEFAULT_CONFIRMATION;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.openStoreOverride = options.openStore;
    this.declarations = options.declarations;
  }

  /**
   * Serves a deployment, sharing declared buckets with its other provider processes through
   * `declarations`: called when the process learns its engine's address. What this process knew
   * of an earlier deployment (a plugin the engine attaches to again) is dropped.
   */
  joinDeployment(declarations: DeploymentDeclarations | undefined): void {
    this.declarations?.close();
    this.declarations = declarations;
    this.buckets = new DeploymentBuckets();
  }

  /**
   * Takes the provider's config, read when each call runs, and checks the tuning settings.
   * Returns the failures (each naming its key and range); the config is kept only without any.
   */
  configure(config: ConfigReader): readonly InputFailure[] {
    const tuning = storeTimingsFromConfig(config, this.settings.tuningNamespace);
    if (!tuning.ok) {
      return tuning.failures;
    }
    this.config = config;
    this.timings = tuning.timings;
    return [];
  }

  /**
   * Validates and canonicalises inputs; no request is sent. A valid resource's bucket is entered
   * in the ledger and told to the deployment's other provider processes (see `delete`).
   * `resource` is the resource checked, as far as the provider knows it: a second resource that
   * declares the same bucket fails, as does one whose bucket a resource of another provider
   * process declares. When the other processes cannot be told, the check fails naming the path.
   */
  async check(
    olds: UncheckedProperties,
    news: UncheckedProperties,
    resource: Pick<DeclaringResource, "urn" | "name"> | undefined,
    log: ResourceLog,
  ): Promise<CheckOutcome> {
    const outcome = checkInputs(news as Record<string, unknown>);
    if (!outcome.ok) {
      return outcome;
    }
    const { bucket } = outcome.inputs;
    if (isUnknown(bucket)) {
      return outcome;
    }
    const self: DeclaringResource = {
      urn: resource?.urn ?? "",
      name: resource?.name ?? "",
      provider: this.settings.providerName,
    };
    const warnings: string[] = [];
    let first: DeclaringResource | undefined;
    try {
      // Told before looking: of two processes that check one bucket at once, one sees the other.
      this.declarations?.declare(bucket, self);
      first =
        this.buckets.declaringResource(bucket) ??
        this.declarations?.declaredElsewhere(bucket, (warning) => warnings.push(warning)).resource;
    } catch (error) {
      if (!(error instanceof DeclarationsUnavailableError)) {
        throw error;
      }
      return { ok: false, failures: [{ property: "", reason: error.message }] };
    } finally {
      await Promise.all(warnings.map((warning) => log.warn(warning)));
    }
    if (first !== undefined && first.urn !== self.urn) {
      return {
        ok: false,
        failures: [{ property: "bucket", reason: duplicateBucketMessage(bucket, first, self) }],
      };
    }
    const previous = checkInputs(olds as Record<string, unknown>);
    this.buckets.declare(
      bucket,
      self,
      previous.ok && previous.inputs.bucket === bucket ? ruleOf(previous.inputs) : undefined,
    );
    return outcome;
  }

  /**
   * Compares stored outputs with new inputs: a new bucket replaces; a replace that keeps the
   * bucket should delete first, so that the replacement finds the rule already handed over.
   */
  diff(
    bucket: string,
    olds: UncheckedProperties,
    news: UncheckedProperties,
  ): InputsDiff & { readonly deleteBeforeReplace: boolean } {
    const diff = diffInputs(validStored(bucket, olds, "Diff"), validInputs(news, "Diff", true));
    return { ...diff, deleteBeforeReplace: !diff.replaces.includes("bucket") };
  }

  /**
   * Reads the bucket's current rule, then applies `onExisting` (unless the rule is the one this
   * resource takes over from the resource it replaces); writes the rule unless the bucket already
   * holds it, confirms it by reading back, and returns the outputs with the rule found and the
   * location.
   *
   * @throws PartialCreateError when the write may have taken effect but was not confirmed.
   */
  async create(
    properties: UncheckedProperties,
    log: ResourceLog,
  ): Promise<BucketEncryptionOutputs> {
    const inputs = validInputs(properties, "Create");
    const location = resolveLocation(inputs, this.source());
    const store = this.openStore(this.connect(location, inputs));
    const desired = ruleOf(inputs);
    const found = await store.read(inputs.bucket);
    if (found.kind === "noBucket") {
      throw new Error(
        `Bucket "${inputs.bucket}" does not exist (GetBucketEncryption answered NoSuchBucket); create it first, or check the bucket name, region and endpoint.`,
      );
    }
    const existing = found.kind === "rule" ? found.rule : undefined;
    const inherited =
      existing === undefined ? undefined : this.buckets.takeInheritance(inputs.bucket, existing);
    const prior = inherited === undefined ? existing : inherited.priorRule;
    const outputs = dropUndefined({ ...inputs, priorRule: prior, location });
    if (existing !== undefined && rulesEqual(existing, desired)) {
      return outputs;
    }
    if (existing !== undefined && inherited === undefined && inputs.onExisting === "fail") {
      throw new Error(
        `Bucket "${inputs.bucket}" already has a default encryption rule ${describeDifference(existing, desired, "the declared one")} and onExisting is "fail"; declare the found rule, or set onExisting to "overwrite" to replace it.`,
      );
    }
    try {
      await this.writeConfirmed(store, inputs.bucket, desired);
    } catch (error) {
      throw refusedWrite(error)
        ? error
        : new PartialCreateError(errorMessage(error), inputs.bucket, outputs, { cause: error });
    }
    if (existing !== undefined) {
      await log.info(
        inherited === undefined
          ? `Bucket "${inputs.bucket}": replaced the default encryption rule ${describeRule(existing)} with ${describeRule(desired)}; it is kept as priorRule${inputs.onDelete === "restore" ? " and put back on delete" : ""}.`
          : `Bucket "${inputs.bucket}": took over the rule ${describeRule(existing)} of the resource this one replaces, and set ${describeRule(desired)}.`,
      );
    }
    return outputs;
  }

  /**
   * Reports what OSS holds now, so that refresh shows drift; a missing rule or bucket reads as
   * gone. Calls go to the recorded location. Without stored outputs (an import), the location is
   * resolved from the config and environment, and the settings take their defaults.
   */
  async read(bucket: string, properties?: UncheckedProperties): Promise<ReadOutcome> {
    const stored = properties === undefined ? undefined : validStored(bucket, properties, "Read");
    const known = stored ?? adoptedOutputs(bucket);
    const location = known.location ?? resolveLocation(known, this.source());
    const state = await this.openStore(this.connect(location, known)).read(bucket);
    if (state.kind !== "rule") {
      return { found: false };
    }
    const outputs = withRule(stored === undefined ? { ...known, location } : known, state.rule);
    const { priorRule: _priorRule, location: _location, ...inputs } = outputs;
    return { found: true, outputs, inputs };
  }

  /**
   * Rewrites the rule when it changed; settings-only changes just update the stored state. Calls
   * go to the recorded location, unless the declared region or endpoint changed: then to the
   * newly declared one, which is recorded instead.
   */
  async update(
    bucket: string,
    oldProperties: UncheckedProperties,
    properties: UncheckedProperties,
  ): Promise<BucketEncryptionOutputs> {
    const olds = validStored(bucket, oldProperties, "Update");
    const news = validInputs(properties, "Update");
    if (news.bucket !== bucket) {
      // The engine replaces a resource whose bucket changes (see `diff`); an update never moves one.
      throw new InvalidPropertiesError("Update", [
        {
          property: "bucket",
          reason: "an update cannot change the bucket; a new bucket replaces the resource",
        },
      ]);
    }
    const declaredElsewhere = olds.region !== news.region || olds.endpoint !== news.endpoint;
    const location =
      declaredElsewhere || olds.location === undefined
        ? resolveLocation(news, this.source())
        : olds.location;
    if (changesRule(diffInputs(olds, news))) {
      const store = this.openStore(this.connect(location, news));
      await this.writeConfirmed(store, news.bucket, ruleOf(news));
    }
    return dropUndefined({ ...news, priorRule: olds.priorRule, location });
  }

  /**
   * Removes the rule, or restores the one found at create, but only while the rule is still this
   * resource's own:
   * - when another resource of this deployment declares the bucket (a replace or a rename, or a
   *   move to another provider, whose process tells this one), the rule is left to that
   *   resource, and nothing is sent to OSS;
   * - when OSS holds a rule other than the one this resource last recorded, someone else set it
   *   (another stack, a person): it is left in place, with a warning;
   * - when the other provider processes' declarations cannot be read, it is left in place too,
   *   with a warning saying why and what to do.
   * A rule or bucket already gone is success.
   */
  async delete(bucket: string, properties: UncheckedProperties, log: ResourceLog): Promise<void> {
    const stored = validStored(bucket, properties, "Delete");
    const own = ruleOf(stored);
    if (this.buckets.declaringResource(bucket) !== undefined) {
      this.buckets.leaveInPlace(
        bucket,
        stored.priorRule === undefined ? { rule: own } : { rule: own, priorRule: stored.priorRule },
      );
      await log.info(leftForDeclaringResource(bucket));
      return;
    }
    const warnings: string[] = [];
    try {
      const elsewhere = this.declarations?.declaredElsewhere(bucket, (warning) =>
        warnings.push(warning),
      );
      if (elsewhere?.resource !== undefined) {
        await log.info(leftForDeclaringResource(bucket));
        return;
      }
      if (elsewhere !== undefined && elsewhere.unread.length > 0) {
        // What could not be read may declare the bucket: leaving the rule is the safe failure.
        await log.warn(
          `Bucket "${bucket}": its rule is left in place, because some of this deployment's declarations could not be read (${elsewhere.unread.join("; ")}), and one of them may declare the bucket. If no resource declares the bucket, remove its rule by hand.`,
        );
        return;
      }
    } catch (error) {
      if (!(error instanceof DeclarationsUnavailableError)) {
        throw error;
      }
      // Leaving encryption on is the safe failure: removing it could undo another resource's rule.
      await log.warn(
        `Bucket "${bucket}": its rule is left in place, because whether another resource of this deployment now declares the bucket is unknown. ${error.message} If no resource declares the bucket, remove its rule by hand.`,
      );
      return;
    } finally {
      await Promise.all(warnings.map((warning) => log.warn(warning)));
    }
    const location = stored.location ?? resolveLocation(stored, this.source());
    const store = this.openStore(this.connect(location, stored));
    const state = await store.read(bucket);
    if (state.kind !== "rule") {
      return;
    }
    if (!rulesEqual(state.rule, own)) {
      await log.warn(
        `Bucket "${bucket}" holds a default encryption rule ${describeDifference(state.rule, own, "the one this resource set")}; it was changed outside this resource, so it is left in place. Run pulumi refresh before destroying to remove it, or remove it by hand.`,
      );
      return;
    }
    if (stored.onDelete !== "restore" || stored.priorRule === undefined) {
      await store.remove(bucket);
      return;
    }
    try {
      await store.write(bucket, stored.priorRule);
    } catch (error) {
      if (!(error instanceof OssRequestError && error.code === "NoSuchBucket")) {
        throw error;
      }
    }
  }

  /**
   * Audits the objects of a bucket against its default rule: the function
   * `getBucketEncryptionAudit`. It reads and never writes.
   *
   * @throws AuditStoppedError when the audit cannot go on (access denied, too many failures),
   *   or an Error when the bucket does not exist.
   */
  async audit(inputs: AuditInputs): Promise<AuditResult> {
    const location = resolveLocation(inputs, this.source());
    const connection = this.connect(location, inputs);
    const rule = await readDefaultRule(this.openStore(connection), inputs.bucket);
    const { fixed: _fixed, ...result } = await auditObjects(
      new AliOssObjectStore(connection, inputs.bucket, this.timings),
      rule,
      {
        bucket: inputs.bucket,
        prefix: inputs.prefix ?? "",
        concurrency: DEFAULT_AUDIT_CONCURRENCY,
        maxObjects: inputs.maxObjects,
        fix: false,
      },
    );
    return result;
  }

  private source(): SettingsSource {
    return { config: this.config, env: this.env, keys: this.settings.keys };
  }

  private connect(
    location: OssLocation,
    inputs: Pick<BucketEncryptionInputs, "signatureVersion">,
  ): OssConnection {
    return resolveConnection(location, inputs.signatureVersion, this.source());
  }

  private openStore(connection: OssConnection): EncryptionStore {
    return this.openStoreOverride !== undefined
      ? this.openStoreOverride(connection)
      : new AliOssEncryptionStore(connection, this.timings);
  }

  /** Writes a rule and reads it back until OSS shows it, within the confirmation policy. */
  private async writeConfirmed(store: EncryptionStore, bucket: string, rule: EncryptionRule) {
    await store.write(bucket, rule);
    let seen = "";
    for (let read = 1; read <= this.confirmation.reads; read++) {
      const state = await store.read(bucket);
      if (state.kind === "rule" && rulesEqual(state.rule, rule)) {
        return;
      }
      seen = describeState(state);
      if (read < this.confirmation.reads) {
        await this.clock.sleep(this.confirmation.intervalMs);
      }
    }
    throw new Error(
      `Bucket "${bucket}" did not show the rule written (${describeRule(rule)}) after ${this.confirmation.reads} reads; OSS last showed ${seen}.`,
    );
  }
}

/** Valid canonical inputs, with values not known yet only where `allowUnknowns`. */
function validInputs(
  properties: UncheckedProperties,
  operation: string,
  allowUnknowns = false,
): BucketEncryptionInputs {
  const outcome = checkInputs(properties as Readonly<Record<string, unknown>>, { allowUnknowns });
  if (!outcome.ok) {
    throw new InvalidPropertiesError(operation, outcome.failures);
  }
  return outcome.inputs;
}

/** Valid stored outputs. */
function validOutputs(properties: UncheckedProperties, operation: string): BucketEncryptionOutputs {
  const outcome = checkStoredOutputs(properties as Readonly<Record<string, unknown>>);
  if (!outcome.ok) {
    throw new InvalidPropertiesError(operation, outcome.failures);
  }
  return outcome.outputs;
}

/** Valid stored outputs of the resource whose id is `bucket`: the id is always the bucket. */
function validStored(
  bucket: string,
  properties: UncheckedProperties,
  operation: string,
): BucketEncryptionOutputs {
  const outputs = validOutputs(properties, operation);
  if (outputs.bucket !== bucket) {
    throw new InvalidPropertiesError(operation, [
      { property: "id", reason: "the resource id must be the bucket its state records" },
    ]);
  }
  return outputs;
}

/** The message of a delete that leaves the rule to the resource that now declares the bucket. */
function leftForDeclaringResource(bucket: string): string {
  return `Bucket "${bucket}": its rule is left in place for the resource of this deployment that now declares the bucket.`;
}

/**
 * The outputs of a bucket read without stored state (an import): the rule is filled in from OSS,
 * the settings take their defaults.
 */
function adoptedOutputs(bucket: string): BucketEncryptionOutputs {
  const outcome = checkInputs({ bucket, sseAlgorithm: "AES256" });
  if (!outcome.ok) {
    throw new Error(
      `Cannot import bucket ${quote(bucket)}: ${outcome.failures.map((failure) => failure.reason).join("; ")}.`,
    );
  }
  return outcome.inputs;
}

/** Whether OSS definitely refused a write, so that nothing changed (a 4xx on PutBucketEncryption). */
function refusedWrite(error: unknown): boolean {
  return (
    error instanceof OssRequestError &&
    error.operation === "PutBucketEncryption" &&
    !isRetryable(error.failure)
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeState(state: BucketEncryptionState): string {
  switch (state.kind) {
    case "rule":
      return describeRule(state.rule);
    case "noRule":
      return "no rule";
    case "noBucket":
      return "no bucket";
  }
}

/** Outputs with the rule fields replaced by what OSS holds. */
function withRule(outputs: BucketEncryptionOutputs, rule: EncryptionRule): BucketEncryptionOutputs {
  const { sseAlgorithm: _a, kmsMasterKeyId: _k, kmsDataEncryption: _d, ...settings } = outputs;
  return { ...settings, ...rule };
}
