/**
 * The dynamic resource provider behind `BucketEncryption`: thin glue that validates with the core,
 * resolves the connection when a call runs, and asks the OSS adapter to read, write or remove.
 */
import * as pulumi from "@pulumi/pulumi";
import { changesRule, diffInputs } from "../core/diff";
import { describeRule, type EncryptionRule, rulesEqual } from "../core/encryptionRule";
import {
  type BucketEncryptionInputs,
  type BucketEncryptionOutputs,
  checkInputs,
  dropUndefined,
  ruleOf,
} from "../core/inputs";
import {
  AliOssEncryptionStore,
  DEFAULT_STORE_TIMINGS,
  type StoreTimings,
} from "../oss/aliOssEncryptionStore";
import { type ConfigReader, type Environment, resolveConnection } from "../oss/connection";
import type {
  BucketEncryptionState,
  EncryptionStore,
  EncryptionStoreFactory,
} from "../oss/encryptionStore";
import { isRetryable, OssRequestError } from "../oss/errors";
import { type Clock, SYSTEM_CLOCK } from "../oss/retry";

/** How long `create` and `update` wait for OSS to show a rule they wrote. */
export interface ConfirmationPolicy {
  /** How many reads, at most, after a write. */
  readonly reads: number;
  /** The pause between two reads. */
  readonly intervalMs: number;
}

/** Up to 10 reads, 500 ms apart: OSS is eventually consistent right after bucket creation. */
export const DEFAULT_CONFIRMATION: ConfirmationPolicy = { reads: 10, intervalMs: 500 };

/** The stack config keys that tune how patient the provider is with OSS. */
export const TIMING_CONFIG_KEYS = {
  requestTimeoutMs: "bucketEncryption:requestTimeoutMs",
  retryDeadlineMs: "bucketEncryption:retryDeadlineMs",
  maxAttempts: "bucketEncryption:maxAttempts",
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
  private config: ConfigReader = () => undefined;

  constructor(options: BucketEncryptionProviderOptions = {}) {
    this.env = options.env ?? process.env;
    this.confirmation = options.confirmation ?? DEFAULT_CONFIRMATION;
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.openStoreOverride = options.openStore;
  }

  /** Keeps the stack config for credentials and region, read when each call runs. */
  configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    this.config = (key) => request.config.get(key);
    return Promise.resolve();
  }

  /** Validates and canonicalises inputs; every failure names its property. No request is sent. */
  check(
    _olds: BucketEncryptionInputs,
    news: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.CheckResult<BucketEncryptionInputs>> {
    const outcome = checkInputs(news as unknown as Record<string, unknown>);
    if (outcome.ok) {
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

  /** Compares the stored outputs with the new inputs: a new bucket replaces, the rest updates. */
  diff(
    _id: pulumi.ID,
    olds: BucketEncryptionOutputs,
    news: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    const diff = diffInputs(olds, news);
    return Promise.resolve({
      changes: diff.changed.length > 0,
      replaces: [...diff.replaces],
      deleteBeforeReplace: false,
    });
  }

  /**
   * Reads the bucket's current rule, then applies `onExisting`; writes the rule unless the bucket
   * already holds it, confirms it by reading back, and outputs it with the rule found.
   */
  async create(
    inputs: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.CreateResult<BucketEncryptionOutputs>> {
    const store = this.openStore(inputs);
    const desired = ruleOf(inputs);
    const found = await store.read(inputs.bucket);
    if (found.kind === "noBucket") {
      throw new Error(
        `Bucket "${inputs.bucket}" does not exist (GetBucketEncryption answered NoSuchBucket); create it first, or check the bucket name, region and endpoint.`,
      );
    }
    const prior = found.kind === "rule" ? found.rule : undefined;
    const outs = dropUndefined({ ...inputs, priorRule: prior });
    if (prior !== undefined && rulesEqual(prior, desired)) {
      return { id: inputs.bucket, outs };
    }
    if (prior !== undefined && inputs.onExisting === "fail") {
      throw new Error(
        `Bucket "${inputs.bucket}" already has a default encryption rule (${describeRule(prior)}) that differs from the declared one (${describeRule(desired)}) and onExisting is "fail"; declare the found rule, or set onExisting to "overwrite" to replace it.`,
      );
    }
    try {
      await this.writeConfirmed(store, inputs.bucket, desired);
    } catch (error) {
      throw refusedWrite(error)
        ? error
        : new PartialCreateError(errorMessage(error), inputs.bucket, outs, { cause: error });
    }
    if (prior !== undefined) {
      await pulumi.log.info(
        `Bucket "${inputs.bucket}": replaced the default encryption rule ${describeRule(prior)} with ${describeRule(desired)}; it is kept as priorRule${inputs.onDelete === "restore" ? " and put back on delete" : ""}.`,
      );
    }
    return { id: inputs.bucket, outs };
  }

  /**
   * Reports what OSS holds now, as outputs and as inputs, so that refresh shows drift. A missing
   * rule or bucket reads as gone.
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
    const state = await this.openStore(stored).read(id);
    if (state.kind !== "rule") {
      return { id: "" };
    }
    const current = withRule(stored, state.rule);
    const { priorRule: _priorRule, ...inputs } = current;
    return { id, props: current, inputs };
  }

  /** Rewrites the rule when it changed; settings-only changes just update the stored state. */
  async update(
    _id: pulumi.ID,
    olds: BucketEncryptionOutputs,
    news: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.UpdateResult<BucketEncryptionOutputs>> {
    if (changesRule(diffInputs(olds, news))) {
      await this.writeConfirmed(this.openStore(news), news.bucket, ruleOf(news));
    }
    return { outs: dropUndefined({ ...news, priorRule: olds.priorRule }) };
  }

  /** Removes the rule, or restores the one found at create; a rule or bucket already gone is fine. */
  async delete(id: pulumi.ID, props: BucketEncryptionOutputs): Promise<void> {
    const stored = storedOutputs(props);
    const store = this.openStore(stored);
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

  private openStore(inputs: BucketEncryptionInputs): EncryptionStore {
    const connection = resolveConnection(inputs, this.config, this.env);
    return this.openStoreOverride !== undefined
      ? this.openStoreOverride(connection)
      : new AliOssEncryptionStore(connection, storeTimings(this.config));
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

/** The store timings, with the stack config's overrides. */
function storeTimings(config: ConfigReader): StoreTimings {
  const positiveInteger = (key: string): number | undefined => {
    const value = config(key);
    if (value === undefined) {
      return undefined;
    }
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0) {
      throw new Error(
        `Stack config ${key} must be a positive whole number; got ${JSON.stringify(value)}.`,
      );
    }
    return parsed;
  };
  const defaults = DEFAULT_STORE_TIMINGS;
  return {
    requestTimeoutMs:
      positiveInteger(TIMING_CONFIG_KEYS.requestTimeoutMs) ?? defaults.requestTimeoutMs,
    retry: {
      ...defaults.retry,
      deadlineMs: positiveInteger(TIMING_CONFIG_KEYS.retryDeadlineMs) ?? defaults.retry.deadlineMs,
      maxAttempts: positiveInteger(TIMING_CONFIG_KEYS.maxAttempts) ?? defaults.retry.maxAttempts,
    },
  };
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
