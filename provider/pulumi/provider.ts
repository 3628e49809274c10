/**
 * The dynamic resource provider behind `BucketEncryption`: thin glue that validates with the core,
 * works out where each bucket is and as whom to call, and asks the OSS adapter to read, write or
 * remove. One instance serves a whole deployment, so it also keeps the deployment's ledger of
 * declared buckets, which tells a delete whether the rule on its bucket is still its own.
 */
import * as pulumi from "@pulumi/pulumi";
import { DeploymentBuckets } from "../core/deploymentBuckets";
import { changesRule, diffInputs } from "../core/diff";
import {
  describeDifference,
  describeRule,
  type EncryptionRule,
  rulesEqual,
} from "../core/encryptionRule";
import {
  type BucketEncryptionInputs,
  type BucketEncryptionOutputs,
  checkInputs,
  dropUndefined,
  isUnknown,
  type OssLocation,
  ruleOf,
} from "../core/inputs";
import { AliOssEncryptionStore } from "../oss/aliOssEncryptionStore";
import {
  type ConfigReader,
  ConnectionSettingsError,
  type Environment,
  type OssConnection,
  resolveConnection,
  resolveLocation,
} from "../oss/connection";
import type {
  BucketEncryptionState,
  EncryptionStore,
  EncryptionStoreFactory,
} from "../oss/encryptionStore";
import { isRetryable, OssRequestError } from "../oss/errors";
import { type Clock, SYSTEM_CLOCK } from "../oss/retry";
import {
  DEFAULT_STORE_TIMINGS,
  type StoreTimings,
  storeTimingsFromConfig,
} from "../oss/storeTimings";

/** How long `create` and `update` wait for OSS to show a rule they wrote. */
export interface ConfirmationPolicy {
  /** How many reads, at most, after a write. */
  readonly reads: number;
  /** The pause between two reads. */
  readonly intervalMs: number;
}

/** Up to 10 reads, 500 ms apart: OSS is eventually consistent right after bucket creation. */
export const DEFAULT_CONFIRMATION: ConfirmationPolicy = { reads: 10, intervalMs: 500 };

/** The stack config namespace of the settings that tune how patient the provider is with OSS. */
const TUNING_NAMESPACE = "bucketEncryption";

/** The stack config keys that tune how patient the provider is with OSS (bounds: `TUNING_SETTINGS`). */
export const TIMING_CONFIG_KEYS = {
  requestTimeoutMs: `${TUNING_NAMESPACE}:requestTimeoutMs`,
  retryDeadlineMs: `${TUNING_NAMESPACE}:retryDeadlineMs`,
  maxAttempts: `${TUNING_NAMESPACE}:maxAttempts`,
} as const;

/** Everything a `BucketEncryptionProvider` can be given; all optional. */
export interface BucketEncryptionProviderOptions {
  /** Opens the OSS adapter for a connection; defaults to ali-oss. */
  readonly openStore?: EncryptionStoreFactory;
  /** Where environment credentials and region are read; defaults to `process.env`. */
  readonly env?: Environment;
  /** How long to wait for a written rule to show; defaults to `DEFAULT_CONFIRMATION`. */
  readonly confirmation?: ConfirmationPolicy;
  /** Time for confirmation polling; defaults to the system clock. */
  readonly clock?: Clock;
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

/** Manages one bucket's default encryption rule per resource; the resource id is the bucket. */
export class BucketEncryptionProvider implements pulumi.dynamic.ResourceProvider<
  BucketEncryptionInputs,
  BucketEncryptionOutputs
> {
  private readonly env: Environment;
  private readonly confirmation: ConfirmationPolicy;
  private readonly clock: Clock;
  private readonly openStoreOverride: EncryptionStoreFactory | undefined;
  private readonly buckets = new DeploymentBuckets();
  private config: ConfigReader = () => undefined;
  private timings: StoreTimings = DEFAULT_STORE_TIMINGS;

  constructor(options: BucketEncryptionProviderOptions = {}) {
    this.env = options.env ?? process.env;
    this.confirmation = options.confirmation ?? DEFAULT_CONFIRMATION;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.openStoreOverride = options.openStore;
  }

  /**
   * Keeps the stack config for credentials and region, read when each call runs, and checks the
   * tuning settings now: the engine configures the provider before its first check, so a bad
   * value fails the preview.
   *
   * @throws ConnectionSettingsError naming each bad tuning key and its allowed range.
   */
  configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    const config: ConfigReader = (key) => request.config.get(key);
    const tuning = storeTimingsFromConfig(config, TUNING_NAMESPACE);
    if (!tuning.ok) {
      return Promise.reject(
        new ConnectionSettingsError(
          `Invalid stack config: ${tuning.failures.map((failure) => failure.reason).join("; ")}.`,
        ),
      );
    }
    this.config = config;
    this.timings = tuning.timings;
    return Promise.resolve();
  }

  /**
   * Validates and canonicalises inputs; every failure names its property. No request is sent.
   * A valid resource's bucket is entered in the deployment's ledger (see `delete`).
   */
  check(
    olds: BucketEncryptionInputs,
    news: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.CheckResult<BucketEncryptionInputs>> {
    const outcome = checkInputs(news as unknown as Record<string, unknown>);
    if (outcome.ok) {
      this.declareBucket(olds, outcome.inputs);
      return Promise.resolve({ inputs: outcome.inputs });
    }
    // The engine prints a named property's value beside the reason; a failure whose value may
    // hold a credential is reported without the property (its reason names it) so it prints alone.
    const failures = outcome.failures.map(({ property, reason, concealValue }) => ({
      property: concealValue === true ? "" : property,
      reason,
    }));
    return Promise.resolve({ inputs: news, failures });
  }

  /**
   * Compares the stored outputs with the new inputs: a new bucket replaces, the rest updates.
   *
   * When something changed, `changes` is left undefined. The dynamic provider protocol cannot
   * carry which keys changed, and without them the engine cannot apply `replaceOnChanges`; left
   * undefined, the engine compares the inputs itself and so knows the keys. A replace that keeps
   * the bucket deletes first, so that the replacement finds the rule already handed over.
   */
  diff(
    _id: pulumi.ID,
    olds: BucketEncryptionOutputs,
    news: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    const diff = diffInputs(olds, news);
    if (diff.changed.length === 0) {
      return Promise.resolve({ changes: false });
    }
    return Promise.resolve({
      replaces: [...diff.replaces],
      deleteBeforeReplace: !diff.replaces.includes("bucket"),
    });
  }

  /**
   * Reads the bucket's current rule, then applies `onExisting` (unless the rule is the one this
   * resource takes over from the resource it replaces); writes the rule unless the bucket already
   * holds it, confirms it by reading back, and outputs it with the rule found and the location.
   */
  async create(
    inputs: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.CreateResult<BucketEncryptionOutputs>> {
    const location = resolveLocation(inputs, this.config, this.env);
    const store = this.openStore(this.connect(location, inputs));
    const desired = ruleOf(inputs);
    const found = await store.read(inputs.bucket);
    if (found.kind === "noBucket") {
      throw new Error(
        `Bucket "${inputs.bucket}" does not exist (GetBucketEncryption answered NoSuchBucket); create it first, or check the bucket name, region and endpoint.`,
      );
    }
    const existing = found.kind === "rule" ? found.rule : undefined;
    const takeover =
      existing === undefined ? undefined : this.buckets.takeOver(inputs.bucket, existing);
    const prior = takeover === undefined ? existing : takeover.priorRule;
    const outs = dropUndefined({ ...inputs, priorRule: prior, location });
    if (existing !== undefined && rulesEqual(existing, desired)) {
      return { id: inputs.bucket, outs };
    }
    if (existing !== undefined && takeover === undefined && inputs.onExisting === "fail") {
      throw new Error(
        `Bucket "${inputs.bucket}" already has a default encryption rule ${describeDifference(existing, desired, "the declared one")} and onExisting is "fail"; declare the found rule, or set onExisting to "overwrite" to replace it.`,
      );
    }
    try {
      await this.writeConfirmed(store, inputs.bucket, desired);
    } catch (error) {
      throw refusedWrite(error)
        ? error
        : new PartialCreateError(errorMessage(error), inputs.bucket, outs, { cause: error });
    }
    if (existing !== undefined) {
      await pulumi.log.info(
        takeover === undefined
          ? `Bucket "${inputs.bucket}": replaced the default encryption rule ${describeRule(existing)} with ${describeRule(desired)}; it is kept as priorRule${inputs.onDelete === "restore" ? " and put back on delete" : ""}.`
          : `Bucket "${inputs.bucket}": took over the rule ${describeRule(existing)} of the resource this one replaces, and set ${describeRule(desired)}.`,
      );
    }
    return { id: inputs.bucket, outs };
  }

  /**
   * Reports what OSS holds now, as outputs and as inputs, so that refresh shows drift. A missing
   * rule or bucket reads as gone. Calls go to the recorded location.
   */
  async read(
    id: pulumi.ID,
    props?: BucketEncryptionOutputs,
  ): Promise<pulumi.dynamic.ReadResult<BucketEncryptionOutputs>> {
    if (props === undefined) {
      throw new Error(
        `Reading bucket "${id}" needs the resource's stored state; pulumi import does not work for dynamic resources: declare the resource instead (onExisting adopts the bucket's rule).`,
      );
    }
    const stored = storedOutputs(props);
    const state = await this.openStore(this.connectStored(stored)).read(id);
    if (state.kind !== "rule") {
      return { id: "" };
    }
    const current = withRule(stored, state.rule);
    const { priorRule: _priorRule, location: _location, ...inputs } = current;
    return { id, props: current, inputs };
  }

  /**
   * Rewrites the rule when it changed; settings-only changes just update the stored state. Calls
   * go to the recorded location, unless the declared region or endpoint changed: then to the
   * newly declared one, which is recorded instead.
   */
  async update(
    _id: pulumi.ID,
    olds: BucketEncryptionOutputs,
    news: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.UpdateResult<BucketEncryptionOutputs>> {
    const stored = storedOutputs(olds);
    const declaredElsewhere = stored.region !== news.region || stored.endpoint !== news.endpoint;
    const location =
      declaredElsewhere || stored.location === undefined
        ? resolveLocation(news, this.config, this.env)
        : stored.location;
    if (changesRule(diffInputs(stored, news))) {
      const store = this.openStore(this.connect(location, news));
      await this.writeConfirmed(store, news.bucket, ruleOf(news));
    }
    return { outs: dropUndefined({ ...news, priorRule: stored.priorRule, location }) };
  }

  /**
   * Removes the rule, or restores the one found at create, but only while the rule is still this
   * resource's own:
   * - when another resource of this deployment declares the bucket (a replace or a rename), the
   *   rule is left to that resource, and nothing is sent to OSS;
   * - when OSS holds a rule other than the one this resource last recorded, someone else set it
   *   (another stack, a person): it is left in place, with a warning.
   * A rule or bucket already gone is success.
   */
  async delete(id: pulumi.ID, props: BucketEncryptionOutputs): Promise<void> {
    const stored = storedOutputs(props);
    const own = ruleOf(stored);
    if (this.buckets.isDeclared(id)) {
      this.buckets.handOver(
        id,
        stored.priorRule === undefined ? { rule: own } : { rule: own, priorRule: stored.priorRule },
      );
      await pulumi.log.info(
        `Bucket "${id}": its rule is left in place for the resource of this deployment that now declares the bucket.`,
      );
      return;
    }
    const store = this.openStore(this.connectStored(stored));
    const state = await store.read(id);
    if (state.kind !== "rule") {
      return;
    }
    if (!rulesEqual(state.rule, own)) {
      await pulumi.log.warn(
        `Bucket "${id}" holds a default encryption rule ${describeDifference(state.rule, own, "the one this resource set")}; it was changed outside this resource, so it is left in place. Run pulumi refresh before destroying to remove it, or remove it by hand.`,
      );
      return;
    }
    if (stored.onDelete !== "restore" || stored.priorRule === undefined) {
      await store.remove(id);
      return;
    }
    try {
      await store.write(id, stored.priorRule);
    } catch (error) {
      if (!(error instanceof OssRequestError && error.code === "NoSuchBucket")) {
        throw error;
      }
    }
  }

  /** Enters a checked resource's bucket in the ledger, with its previous rule on that bucket. */
  private declareBucket(olds: BucketEncryptionInputs, inputs: BucketEncryptionInputs): void {
    if (isUnknown(inputs.bucket)) {
      return;
    }
    const previous = checkInputs(olds as unknown as Record<string, unknown>);
    this.buckets.declare(
      inputs.bucket,
      previous.ok && previous.inputs.bucket === inputs.bucket ? ruleOf(previous.inputs) : undefined,
    );
  }

  /** The connection to a stored resource's bucket: its recorded location, else resolved now. */
  private connectStored(stored: BucketEncryptionOutputs): OssConnection {
    return this.connect(stored.location ?? resolveLocation(stored, this.config, this.env), stored);
  }

  private connect(
    location: OssLocation,
    inputs: Pick<BucketEncryptionInputs, "signatureVersion">,
  ): OssConnection {
    return resolveConnection(location, inputs.signatureVersion, this.config, this.env);
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

/** The outputs stored in state, without the engine's `__provider`. */
function storedOutputs(props: BucketEncryptionOutputs): BucketEncryptionOutputs {
  const { __provider: _provider, ...outputs } = props as BucketEncryptionOutputs & {
    __provider?: string;
  };
  return outputs;
}

/** Outputs with the rule fields replaced by what OSS holds. */
function withRule(outputs: BucketEncryptionOutputs, rule: EncryptionRule): BucketEncryptionOutputs {
  const { sseAlgorithm: _a, kmsMasterKeyId: _k, kmsDataEncryption: _d, ...settings } = outputs;
  return { ...settings, ...rule };
}
