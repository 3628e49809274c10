/**
 * How patient the OSS adapter is, and the optional config that tunes it. The config is checked
 * when the provider is configured, so that a typo fails the preview instead of a later destroy.
 */
import { type ConfigName, PROVIDER_CONFIG, type TuningName } from "../core/definition";
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

/** Sets one tuning setting's value in the timings. */
type TuningUse = (timings: StoreTimings, value: number) => StoreTimings;

/**
 * What each tuning setting (the definition's integer config keys) sets. Typed over every
 * `TuningName`, so that an integer key added to the definition does not compile until it is given
 * a use here: otherwise it would be validated, then ignored.
 */
const TUNING_USES: { readonly [K in TuningName]: TuningUse } = {
  requestTimeoutMs: (timings, value) => ({ ...timings, requestTimeoutMs: value }),
  retryDeadlineMs: (timings, value) => ({
    ...timings,
    retry: { ...timings.retry, deadlineMs: value },
  }),
  maxAttempts: (timings, value) => ({
    ...timings,
    retry: { ...timings.retry, maxAttempts: value },
  }),
};

/** Every `TuningName`, in the definition's order. */
const TUNING_NAMES = (Object.keys(PROVIDER_CONFIG.keys) as ConfigName[]).filter(
  (name): name is TuningName => name in TUNING_USES,
);

/**
 * The stack or provider config keys of the tuning settings in `namespace`, by setting:
 * `{ maxAttempts: "<namespace>:maxAttempts", ... }`.
 */
export function tuningConfigKeys<N extends string>(
  namespace: N,
): { readonly [K in TuningName]: `${N}:${K}` } {
  return Object.fromEntries(TUNING_NAMES.map((name) => [name, `${namespace}:${name}`])) as {
    readonly [K in TuningName]: `${N}:${K}`;
  };
}

/** The outcome of reading the tuning config: the timings, or every setting that is wrong. */
export type TuningOutcome =
  | { readonly ok: true; readonly timings: StoreTimings }
  | { readonly ok: false; readonly failures: readonly InputFailure[] };

const WHOLE_NUMBER = /^\d+$/;

/**
 * Reads the tuning settings `<namespace>:<name>`, one per integer config key of the definition
 * (each optional), over the defaults. A value that is not a whole number within the key's bounds
 * is a failure naming the key and the range. The bounds keep the timeout far below Node's timer
 * limit (2^31-1 ms, above which Node fires at once) and the deadline at most an hour, so that a
 * slip of the keyboard cannot make every call fail at once or hang a deployment for days.
 */
export function storeTimingsFromConfig(read: ConfigReader, namespace: string): TuningOutcome {
  const keys = tuningConfigKeys(namespace);
  let timings = DEFAULT_STORE_TIMINGS;
  const failures: InputFailure[] = [];
  for (const name of TUNING_NAMES) {
    const key = keys[name];
    const text = read(key)?.trim();
    if (text === undefined || text === "") {
      continue;
    }
    const { min, max, unit } = PROVIDER_CONFIG.keys[name].type;
    const value = WHOLE_NUMBER.test(text) ? Number(text) : Number.NaN;
    if (value >= min && value <= max) {
      timings = TUNING_USES[name](timings, value);
    } else {
      failures.push({
        property: key,
        // The value is not quoted: stack config may be a secret.
        reason: `${key} must be a whole number of ${unit} from ${min} to ${max}`,
      });
    }
  }
  return failures.length > 0 ? { ok: false, failures } : { ok: true, timings };
}
