/**
 * Secret property values as the engine exchanges them with a plugin that accepts secrets: an
 * object carrying Pulumi's secret signature and the value. The plugin reveals them to work with
 * the values, and marks its outputs secret where their inputs were.
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";

/** Property values as the engine sends them: JSON-like, secrets wrapped. */
export type Properties = Readonly<Record<string, unknown>>;

/** Whether a value is a wrapped secret. */
export function isSecret(value: unknown): value is { readonly value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[specialSigKey] === specialSecretSig
  );
}

/** Wraps a value as a secret. */
export function secret(value: unknown): Readonly<Record<string, unknown>> {
  return { [specialSigKey]: specialSecretSig, value };
}

function revealValue(value: unknown): { value: unknown; hadSecret: boolean } {
  if (isSecret(value)) {
    return { value: revealValue(value.value).value, hadSecret: true };
  }
  if (Array.isArray(value)) {
    const revealed = value.map(revealValue);
    return {
      value: revealed.map((item) => item.value),
      hadSecret: revealed.some((item) => item.hadSecret),
    };
  }
  if (typeof value === "object" && value !== null) {
    const revealed = Object.entries(value).map(([key, item]) => [key, revealValue(item)] as const);
    return {
      value: Object.fromEntries(revealed.map(([key, item]) => [key, item.value])),
      hadSecret: revealed.some(([, item]) => item.hadSecret),
    };
  }
  return { value, hadSecret: false };
}

/** Property values with every secret unwrapped, and the top-level keys that held one. */
export function reveal(properties: Properties): {
  readonly values: Record<string, unknown>;
  readonly secretKeys: ReadonlySet<string>;
} {
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  for (const [key, value] of Object.entries(properties)) {
    const revealed = revealValue(value);
    if (revealed.value === undefined) {
      // A secret of nothing: a value left out.
      continue;
    }
    values[key] = revealed.value;
    if (revealed.hadSecret) {
      secretKeys.add(key);
    }
  }
  return { values, secretKeys };
}

/** `values` with the top-level `keys` that are present wrapped as secrets. */
export function conceal(values: object, keys: Iterable<string>): Record<string, unknown> {
  const concealed: Record<string, unknown> = { ...values };
  for (const key of keys) {
    if (concealed[key] !== undefined) {
      concealed[key] = secret(concealed[key]);
    }
  }
  return concealed;
}
