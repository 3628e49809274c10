/**
 * The dynamic resource provider behind `BucketEncryption`: thin glue between Pulumi's dynamic
 * provider protocol and the shared `BucketEncryptionLifecycle`. It reads the stack config
 * `alicloud:*` for credentials and region and `bucketEncryption:*` for tuning, and talks to the
 * user through Pulumi's log.
 */
import * as pulumi from "@pulumi/pulumi";
import { nameOfUrn, PROVIDER_NAMES } from "../core/deploymentBuckets";
import {
  type BucketEncryptionInputs,
  type BucketEncryptionOutputs,
  DYNAMIC_RESOURCE_PROPERTIES,
  reportedFailures,
} from "../core/inputs";
import {
  BucketEncryptionLifecycle,
  type ProviderSettings,
  type LifecycleOptions,
} from "../lifecycle/bucketEncryptionLifecycle";
import { ALICLOUD_CONFIG_KEYS, ConnectionSettingsError } from "../oss/connection";
import { tuningConfigKeys } from "../oss/storeTimings";
import type { ResourceLog } from "../resourceLog";

/** The stack config namespace of the settings that tune how patient the provider is with OSS. */
const TUNING_NAMESPACE = "bucketEncryption";

/**
 * The stack config keys that tune how patient the provider is with OSS, by setting: the
 * definition's integer config keys (`PROVIDER_CONFIG`) in the namespace `bucketEncryption`.
 *
 * @internal For tests; users set the keys the README lists.
 */
export const TIMING_CONFIG_KEYS = tuningConfigKeys(TUNING_NAMESPACE);

const SETTINGS: ProviderSettings = {
  keys: ALICLOUD_CONFIG_KEYS,
  tuningNamespace: TUNING_NAMESPACE,
  providerName: PROVIDER_NAMES.dynamic,
};

/**
 * Everything a `BucketEncryptionProvider` can be given; all optional.
 *
 * @internal Test hooks: a program's provider is made with none.
 */
export type BucketEncryptionProviderOptions = LifecycleOptions;

/** Messages to the user, through Pulumi's log of the provider process. */
const PULUMI_LOG: ResourceLog = {
  info: (message) => pulumi.log.info(message),
  warn: (message) => pulumi.log.warn(message),
};

/** Manages one bucket's default encryption rule per resource; the resource id is the bucket. */
export class BucketEncryptionProvider implements pulumi.dynamic.ResourceProvider<
  BucketEncryptionInputs,
  BucketEncryptionOutputs
> {
  private readonly lifecycle: BucketEncryptionLifecycle;

  /** A provider that reads the stack config and the environment. */
  constructor();
  /** @internal With test hooks (stripped from the published declarations with them). */
  // eslint-disable-next-line @typescript-eslint/unified-signatures -- one signature would publish the hooks' type
  constructor(options: BucketEncryptionProviderOptions);
  constructor(options: BucketEncryptionProviderOptions = {}) {
    this.lifecycle = new BucketEncryptionLifecycle(SETTINGS, options);
  }

  /**
   * Keeps the stack config, and checks the tuning settings now: the engine configures the
   * provider before its first check, so a bad value fails the preview.
   *
   * @throws ConnectionSettingsError naming each bad tuning key and its allowed range.
   */
  configure(request: pulumi.dynamic.ConfigureRequest): Promise<void> {
    const failures = this.lifecycle.configure((key) => request.config.get(key));
    return failures.length === 0
      ? Promise.resolve()
      : Promise.reject(
          new ConnectionSettingsError(
            `Invalid stack config: ${failures.map((failure) => failure.reason).join("; ")}.`,
          ),
        );
  }

  /**
   * Validates and canonicalises inputs; every failure names its property. No request is sent.
   * The resource's URN comes from the `__urn` property its class adds (see
   * `DYNAMIC_RESOURCE_PROPERTIES`); the inputs returned leave it out, so the state never holds it.
   */
  async check(
    olds: BucketEncryptionInputs,
    news: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.CheckResult<BucketEncryptionInputs>> {
    const urn = (news as unknown as Record<string, unknown>)[DYNAMIC_RESOURCE_PROPERTIES.urn];
    const outcome = await this.lifecycle.check(
      olds,
      news,
      typeof urn === "string" && urn.startsWith("urn:pulumi:")
        ? { urn, name: nameOfUrn(urn) }
        : undefined,
      PULUMI_LOG,
    );
    return outcome.ok
      ? { inputs: outcome.inputs }
      : { inputs: news, failures: reportedFailures(outcome.failures) };
  }

  /**
   * Compares the stored outputs with the new inputs. When something changed, `changes` is left
   * undefined: the dynamic provider protocol cannot carry which keys changed, and without them the
   * engine cannot apply `replaceOnChanges`; left undefined, the engine compares the inputs itself
   * and so knows the keys.
   */
  diff(
    id: pulumi.ID,
    olds: BucketEncryptionOutputs,
    news: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.DiffResult> {
    const diff = this.lifecycle.diff(id, olds, news);
    return Promise.resolve(
      diff.changed.length === 0
        ? { changes: false }
        : { replaces: [...diff.replaces], deleteBeforeReplace: diff.deleteBeforeReplace },
    );
  }

  /** Applies the rule to the bucket (see `BucketEncryptionLifecycle.create`). */
  async create(
    inputs: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.CreateResult<BucketEncryptionOutputs>> {
    const outs = await this.lifecycle.create(inputs, PULUMI_LOG);
    return { id: outs.bucket, outs };
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
        `Reading bucket "${id}" needs the resource's stored state; pulumi import does not work for dynamic resources: declare the resource instead (onExisting adopts the bucket's rule), or use the provider plugin's ossencryption:index:BucketEncryption.`,
      );
    }
    const outcome = await this.lifecycle.read(id, props);
    return outcome.found ? { id, props: outcome.outputs, inputs: outcome.inputs } : { id: "" };
  }

  /** Rewrites a changed rule (see `BucketEncryptionLifecycle.update`). */
  async update(
    id: pulumi.ID,
    olds: BucketEncryptionOutputs,
    news: BucketEncryptionInputs,
  ): Promise<pulumi.dynamic.UpdateResult<BucketEncryptionOutputs>> {
    return { outs: await this.lifecycle.update(id, olds, news) };
  }

  /** Removes or restores the rule while it is still this resource's own. */
  async delete(id: pulumi.ID, props: BucketEncryptionOutputs): Promise<void> {
    await this.lifecycle.delete(id, props, PULUMI_LOG);
  }
}
