/**
 * How patient the OSS adapter is, and the optional config that tunes it. The config is checked
 * when the provider is configured, so that a typo fails the preview instead of a later destroy.
 */
import {
  type ConfigName,
  PROVIDER_CONFIG,
  type PropertyDefinition,
  type TuningName,
} from "../core/definition";
import type { InputFailure } from "../core/inputs";
import type { ConfigReader } from "./connection";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";

/** How patient the store is with OSS. */
export interface StoreTimings {
  /** The retry policy for every operation. */
  readonly retry: RetryPolicy;
  /** How long one request may take before it is abandoned (and retried). */
  readonly requestTimeoutMs: number;
}

/** The default timings: the default retry policy and a 10 s request timeout. */
export const DEFAULT_STORE_TIMINGS: StoreTimings = {
  retry: DEFAULT_RETRY_POLICY,
  requestTimeoutMs: Number(PROVIDER_CONFIG.keys.requestTimeoutMs.default),
};

/** One tuning setting: its name within the config namespace and the whole numbers it accepts. */
interface TuningSetting {
  readonly name: TuningName;
  readonly min: number;
  readonly max: number;
  /** What the number counts, for messages. */
  readonly unit: string;
}

/**
 * The tuning settings and their bounds: the definition's integer config keys. The timeout stays
 * far below Node's timer limit (2^31-1 ms, above which Node fires at once) and the deadline at
 * most an hour, so that a slip of the keyboard cannot make every call fail at once or hang a
 * deployment for days.
 */
export const TUNING_SETTINGS: readonly TuningSetting[] = (
  Object.entries(PROVIDER_CONFIG.keys) as [ConfigName, PropertyDefinition][]
).flatMap(([name, { type }]) =>
  type.kind === "integer"
    ? [{ name: name as TuningName, min: type.min, max: type.max, unit: type.unit }]
    : [],
);

/** The outcome of reading the tuning config: the timings, or every setting that is wrong. */
export type TuningOutcome =
  | { readonly ok: true; readonly timings: StoreTimings }
  | { readonly ok: false; readonly failures: readonly InputFailure[] };

const WHOLE_NUMBER = /^\d+$/;

/**
 * Reads the tuning settings `<namespace>:requestTimeoutMs`, `<namespace>:retryDeadlineMs` and
 * `<namespace>:maxAttempts` (each optional) over the defaults. A value that is not a whole
 * number within its bounds is a failure naming the key and the range.
 */
export function storeTimingsFromConfig(read: ConfigReader, namespace: string): TuningOutcome {
  const values: Partial<Record<TuningSetting["name"], number>> = {};
  const failures: InputFailure[] = [];
  for (const setting of TUNING_SETTINGS) {
    const key = `${namespace}:${setting.name}`;
    const text = read(key)?.trim();
    if (text === undefined || text === "") {
      continue;
    }
    const value = WHOLE_NUMBER.test(text) ? Number(text) : Number.NaN;
    if (value >= setting.min && value <= setting.max) {
      values[setting.name] = value;
    } else {
      failures.push({
        property: key,
        // The value is not quoted: stack config may be a secret.
        reason: `${key} must be a whole number of ${setting.unit} from ${setting.min} to ${setting.max}`,
      });
    }
  }
  if (failures.length > 0) {
    return { ok: false, failures };
  }
  const defaults = DEFAULT_STORE_TIMINGS;
  return {
    ok: true,
    timings: {
      requestTimeoutMs: values.requestTimeoutMs ?? defaults.requestTimeoutMs,
      retry: {
        ...defaults.retry,
        deadlineMs: values.retryDeadlineMs ?? defaults.retry.deadlineMs,
        maxAttempts: values.maxAttempts ?? defaults.retry.maxAttempts,
      },
    },
  };
}
