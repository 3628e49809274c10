/**
 * The provider plugin `ossencryption`: thin glue between the plugin protocol (`providerServer`)
 * and the shared `BucketEncryptionLifecycle`, so that `ossencryption:index:BucketEncryption` has
 * the dynamic resource's inputs, outputs, messages and OSS calls. Beyond the dynamic provider it
 * knows resource names (a second resource on one bucket fails its check), imports existing rules,
 * takes its config from the provider (validated at preview), and keeps an output secret whenever
 * its value came from a secret.
 */
import { redacted } from "../core/displayText";
import {
  ALWAYS_SECRET_OUTPUTS,
  BUCKET_ENCRYPTION,
  BUCKET_ENCRYPTION_AUDIT,
  type ConfigName,
  PACKAGE,
  PROVIDER_CONFIG,
  secretProperties,
} from "../core/definition";
import { PROVIDER_NAMES, SECRET_BUCKET_REASON } from "../core/deploymentBuckets";
import {
  checkAuditInputs,
  locationSettingFailures,
  quote,
  reportedFailures,
  UNKNOWN_VALUE,
} from "../core/inputs";
import {
  BucketEncryptionLifecycle,
  type ProviderSettings,
  type LifecycleOptions,
  PartialCreateError,
} from "../lifecycle/bucketEncryptionLifecycle";
import {
  type DeclarationsOptions,
  deploymentDeclarations,
} from "../lifecycle/deploymentDeclarations";
import type { ConfigKeys } from "../oss/connection";
import { storeTimingsFromConfig } from "../oss/storeTimings";
import type {
  CheckFailure,
  CheckResult,
  PartialResourceError,
  PropertyChange,
  ProviderHandlers,
} from "./providerServer";
import { conceal, type Properties, reveal } from "./secrets";
import { packageSchema } from "./schema";

/** The provider config keys (the definition's). */
const CONFIG_NAMES = Object.keys(PROVIDER_CONFIG.keys) as ConfigName[];

/** The config the engine adds to an explicit provider's inputs. */
const ENGINE_CONFIG_NAMES = ["version"];

/** The audit function's outputs that are always secret: they name key ids read from OSS. */
const SECRET_AUDIT_OUTPUTS = secretProperties(BUCKET_ENCRYPTION_AUDIT.outputs);

/** The config that is always stored as a secret, whether or not it was given as one. */
const SECRET_CONFIG_NAMES = secretProperties(PROVIDER_CONFIG.keys);

const CONFIG_KEYS: ConfigKeys = {
  kind: "provider config",
  accessKeyId: `${PACKAGE}:accessKey`,
  accessKeySecret: `${PACKAGE}:secretKey`,
  securityToken: `${PACKAGE}:securityToken`,
  region: `${PACKAGE}:region`,
  endpoint: `${PACKAGE}:endpoint`,
};

const SETTINGS: ProviderSettings = {
  keys: CONFIG_KEYS,
  tuningNamespace: PACKAGE,
  providerName: PROVIDER_NAMES.plugin,
};

/** A config value as text, as the lifecycle reads config; absent when not given or not known. */
function configText(value: unknown): string | undefined {
  return typeof value === "string" && value !== UNKNOWN_VALUE
    ? value
    : typeof value === "number"
      ? String(value)
      : undefined;
}

/** Reads provider config values by full key (`ossencryption:region`). */
function configReader(values: Readonly<Record<string, unknown>>) {
  return (key: string) =>
    key.startsWith(`${PACKAGE}:`) ? configText(values[key.slice(PACKAGE.length + 1)]) : undefined;
}

/** Every problem of a provider config, each naming its key. */
function configFailures(values: Readonly<Record<string, unknown>>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const unknownKeys = Object.keys(values).filter(
    (key) =>
      !(CONFIG_NAMES as readonly string[]).includes(key) && !ENGINE_CONFIG_NAMES.includes(key),
  );
  if (unknownKeys.length > 0) {
    failures.push({
      property: unknownKeys.join(", "),
      reason: `unknown provider config ${unknownKeys.map(quote).join(", ")}; allowed are ${CONFIG_NAMES.join(", ")}`,
    });
  }
  for (const key of CONFIG_NAMES) {
    const value = values[key];
    // null is what an Output of undefined registers: a value left out.
    if (
      value !== undefined &&
      value !== null &&
      value !== UNKNOWN_VALUE &&
      typeof value !== "string" &&
      typeof value !== "number"
    ) {
      const accepts =
        PROVIDER_CONFIG.keys[key].type.kind === "integer"
          ? "a whole number, as a number or as text"
          : "text";
      failures.push({ property: key, reason: `${key} must be ${accepts}; got ${typeof value}` });
    }
  }
  const has = (key: string) => configText(values[key]) !== undefined;
  if (
    has("accessKey") !== has("secretKey") &&
    values.accessKey !== UNKNOWN_VALUE &&
    values.secretKey !== UNKNOWN_VALUE
  ) {
    failures.push({
      property: has("accessKey") ? "secretKey" : "accessKey",
      reason: `${PACKAGE}:accessKey and ${PACKAGE}:secretKey must be set together`,
    });
  }
  const location = Object.fromEntries(
    (["region", "endpoint"] as const)
      .filter((key) => values[key] !== UNKNOWN_VALUE)
      .map((key) => [key, values[key]]),
  );
  failures.push(...reportedFailures(locationSettingFailures(location)));
  const tuning = storeTimingsFromConfig(configReader(values), PACKAGE);
  if (!tuning.ok) {
    failures.push(
      ...tuning.failures.map((failure) => ({
        property: failure.property.slice(PACKAGE.length + 1),
        reason: failure.reason,
      })),
    );
  }
  return failures;
}

/** Where an output's value can come from, by the keys that held a secret. */
interface SecretSources {
  /** The resource's inputs now. */
  readonly inputs: ReadonlySet<string>;
  /** The outputs the state holds, when there is a state. */
  readonly stored?: ReadonlySet<string>;
  /** The provider's config. */
  readonly config: ReadonlySet<string>;
}

/** The location's parts, which come from these inputs or these config keys. */
const LOCATION_SOURCES = ["region", "endpoint"];

/**
 * The outputs that are secret: every output whose value came from a secret. An output is secret
 * when its input was or when it was secret in the state (a value carried over keeps its
 * secrecy); `location` when its region or endpoint came from a secret input or config; and those
 * the definition marks secret always, as for the dynamic resource (`priorRule`: it holds what OSS
 * held before, key id included, which the program never declared).
 */
function secretOutputKeys({ inputs, stored = new Set(), config }: SecretSources): Set<string> {
  const keys = new Set([...inputs, ...stored, ...ALWAYS_SECRET_OUTPUTS]);
  if (LOCATION_SOURCES.some((key) => inputs.has(key) || config.has(key))) {
    keys.add("location");
  }
  return keys;
}

/** A partial create, with its properties' secrets kept. */
class PartialResource extends Error implements PartialResourceError {
  constructor(
    cause: PartialCreateError,
    readonly properties: Properties,
  ) {
    super(cause.message, { cause });
  }

  get id(): string {
    return (this.cause as PartialCreateError).id;
  }

  get reasons(): readonly string[] {
    return (this.cause as PartialCreateError).reasons;
  }
}

/**
 * The dynamic provider's property in its resources' state. A resource moved to the plugin with an
 * alias keeps it until an update rewrites the state, so the diff reports it as deleted.
 */
const DYNAMIC_PROVIDER_PROPERTY = "__provider";

/** How each changed property changed, from stored outputs to new inputs. */
function changesOf(
  olds: Readonly<Record<string, unknown>>,
  news: Readonly<Record<string, unknown>>,
  changed: readonly string[],
): Record<string, PropertyChange> {
  return Object.fromEntries(
    changed.map((property) => [
      property,
      olds[property] === undefined ? "add" : news[property] === undefined ? "delete" : "update",
    ]),
  );
}

/**
 * Everything the plugin can be given besides its version; all optional. Test hooks: the plugin
 * serving the engine is made with none. Not stripped from the declarations, which name it in
 * `bucketEncryptionPlugin`; no entry of the package exports this module.
 */
export interface PluginOptions extends LifecycleOptions {
  /** Where the deployment's provider processes share their declarations. */
  readonly declarationsOptions?: DeclarationsOptions;
}

/** The plugin's handlers, over one lifecycle for the whole deployment. */
export function bucketEncryptionPlugin(
  version: string,
  options: PluginOptions = {},
): ProviderHandlers {
  const lifecycle = new BucketEncryptionLifecycle(SETTINGS, options);
  const schemaText = JSON.stringify(packageSchema(version));
  /** The config keys given as secrets. */
  let secretConfig: ReadonlySet<string> = new Set();
  return {
    version,
    resourceTypes: [BUCKET_ENCRYPTION.token],
    functions: [BUCKET_ENCRYPTION_AUDIT.token],
    schema: () => schemaText,

    attach: (address) => {
      lifecycle.joinDeployment(deploymentDeclarations(address, options.declarationsOptions));
    },

    checkConfig: (_olds, news) => {
      const { values, secretKeys } = reveal(news);
      return {
        inputs: conceal(values, new Set([...secretKeys, ...SECRET_CONFIG_NAMES])),
        failures: configFailures(values),
      };
    },

    configure: (config) => {
      const { values, secretKeys } = reveal(config);
      // The engine may configure without checking first (an old engine, any other client).
      const failures = [...configFailures(values), ...lifecycle.configure(configReader(values))];
      if (failures.length > 0) {
        throw new Error(
          `Invalid provider config: ${[...new Set(failures.map((failure) => failure.reason))].join("; ")}.`,
        );
      }
      secretConfig = secretKeys;
    },

    check: async ({ urn, name, olds, news, log }): Promise<CheckResult> => {
      const revealed = reveal(news);
      if (revealed.secretKeys.has("bucket")) {
        return { inputs: news, failures: [{ property: "bucket", reason: SECRET_BUCKET_REASON }] };
      }
      const outcome = await lifecycle.check(
        reveal(olds).values,
        revealed.values,
        { urn, name },
        log,
      );
      return outcome.ok
        ? { inputs: conceal(outcome.inputs, revealed.secretKeys), failures: [] }
        : { inputs: news, failures: reportedFailures(outcome.failures) };
    },

    diff: ({ id, olds, news }) => {
      const stored = reveal(olds).values;
      const declared = reveal(news).values;
      const diff = lifecycle.diff(id, stored, declared);
      return {
        changes: {
          ...changesOf(stored, declared, diff.changed),
          ...(DYNAMIC_PROVIDER_PROPERTY in stored ? { [DYNAMIC_PROVIDER_PROPERTY]: "delete" } : {}),
        },
        replaces: diff.replaces,
        deleteBeforeReplace: diff.deleteBeforeReplace,
      };
    },

    create: async ({ properties, log }) => {
      const { values, secretKeys } = reveal(properties);
      const secrets = secretOutputKeys({ inputs: secretKeys, config: secretConfig });
      try {
        const outputs = await lifecycle.create(values, log);
        return { id: outputs.bucket, properties: conceal(outputs, secrets) };
      } catch (error) {
        throw error instanceof PartialCreateError
          ? new PartialResource(error, conceal(error.properties, secrets))
          : error;
      }
    },

    read: async ({ id, properties }) => {
      const stored = properties === undefined ? undefined : reveal(properties);
      const outcome = await lifecycle.read(id, stored?.values);
      if (!outcome.found) {
        return undefined;
      }
      const secrets = secretOutputKeys({
        inputs: new Set(),
        ...(stored === undefined ? {} : { stored: stored.secretKeys }),
        config: secretConfig,
      });
      return {
        id,
        properties: conceal(outcome.outputs, secrets),
        inputs: conceal(outcome.inputs, secrets),
      };
    },

    update: async ({ id, olds, news }) => {
      const stored = reveal(olds);
      const declared = reveal(news);
      const outputs = await lifecycle.update(id, stored.values, declared.values);
      return conceal(
        outputs,
        secretOutputKeys({
          inputs: declared.secretKeys,
          stored: stored.secretKeys,
          config: secretConfig,
        }),
      );
    },

    delete: async ({ id, properties, log }) => {
      await lifecycle.delete(id, reveal(properties).values, log);
    },

    invoke: async ({ args }) => {
      const { values, secretKeys } = reveal(args);
      const checked = checkAuditInputs(values);
      if (!checked.ok) {
        return { outputs: {}, failures: reportedFailures(checked.failures) };
      }
      const result = await lifecycle.audit(checked.inputs).catch((error: unknown) => {
        // The engine shows a failure's message as it is: the secret arguments leave it.
        const message = error instanceof Error ? error.message : String(error);
        const secrets = [...secretKeys].flatMap((key) => {
          const value = values[key];
          return typeof value === "string" ? [value] : [];
        });
        // Not kept as the cause either, which a log could print.
        throw secrets.length > 0 ? new Error(redacted(message, secrets)) : error;
      });
      // Every output derives from every argument: one secret argument makes them all secret.
      return {
        outputs: conceal(result, secretKeys.size > 0 ? Object.keys(result) : SECRET_AUDIT_OUTPUTS),
        failures: [],
      };
    },
  };
}
