/**
 * Whether an object is encrypted as its bucket's default rule says: the audit's one judgement,
 * pure. OSS applies a bucket's default rule when an object is written without encryption headers;
 * an object written before the rule, or with headers of its own, keeps what it was written with.
 * So an object conforms when OSS would have applied the current rule to it: the same algorithm,
 * the same key id where the rule names one (a rule without one uses the KMS-managed default key,
 * whose id the rule does not say), and the same KMS data encryption.
 */
import type { EncryptionRule } from "../core/encryptionRule";

/**
 * How one object is encrypted at rest, as HEAD answers it. The values are OSS's as sent, not
 * checked against the algorithms this package knows, so that an object is reported as it is.
 */
export interface ObjectEncryption {
  /** `x-oss-server-side-encryption`; absent when OSS does not encrypt the object. */
  readonly sseAlgorithm?: string;
  /** `x-oss-server-side-encryption-key-id` (KMS only). */
  readonly kmsMasterKeyId?: string;
  /** `x-oss-server-side-data-encryption` (KMS only). */
  readonly kmsDataEncryption?: string;
}

/** The headers an object's encryption is read from and written with, by their lower-case names. */
export const ENCRYPTION_HEADERS = {
  sseAlgorithm: "x-oss-server-side-encryption",
  kmsMasterKeyId: "x-oss-server-side-encryption-key-id",
  kmsDataEncryption: "x-oss-server-side-data-encryption",
} as const;

/** Header values longer than this are cut: a report must not grow with what a server sends. */
const VALUE_MAX_LENGTH = 1024;

/** An object's encryption from its HEAD response headers (lower-case names). */
export function encryptionOf(
  headers: Readonly<Record<string, string | undefined>>,
): ObjectEncryption {
  const value = (name: string) => {
    const text = headers[name];
    return text === undefined || text === "" ? undefined : text.slice(0, VALUE_MAX_LENGTH);
  };
  const algorithm = value(ENCRYPTION_HEADERS.sseAlgorithm);
  const keyId = value(ENCRYPTION_HEADERS.kmsMasterKeyId);
  const data = value(ENCRYPTION_HEADERS.kmsDataEncryption);
  return {
    ...(algorithm === undefined ? {} : { sseAlgorithm: algorithm }),
    ...(keyId === undefined ? {} : { kmsMasterKeyId: keyId }),
    ...(data === undefined ? {} : { kmsDataEncryption: data }),
  };
}

/**
 * Whether an object encrypted as `object` conforms to the bucket's default `rule`. With no rule
 * nothing conforms: there is nothing the data was meant to be encrypted with.
 */
export function conforms(object: ObjectEncryption, rule: EncryptionRule | undefined): boolean {
  if (rule === undefined || object.sseAlgorithm !== rule.sseAlgorithm) {
    return false;
  }
  if (rule.sseAlgorithm !== "KMS") {
    return true;
  }
  return (
    (rule.kmsMasterKeyId === undefined || object.kmsMasterKeyId === rule.kmsMasterKeyId) &&
    object.kmsDataEncryption === rule.kmsDataEncryption
  );
}

/**
 * How an object's encryption is named in a summary, grouping objects alike: `none`, `AES256`,
 * `SM4`, `KMS (default key)`, `KMS (key <id>)`, with `, SM4 data` when so.
 */
export function encryptionLabel(object: ObjectEncryption): string {
  if (object.sseAlgorithm === undefined) {
    return "none";
  }
  if (object.sseAlgorithm !== "KMS") {
    return object.sseAlgorithm;
  }
  const key = object.kmsMasterKeyId === undefined ? "default key" : `key ${object.kmsMasterKeyId}`;
  const data = object.kmsDataEncryption === undefined ? "" : `, ${object.kmsDataEncryption} data`;
  return `KMS (${key}${data})`;
}

/** The request headers that make OSS encrypt a written or copied object as `rule` says. */
export function headersFor(rule: EncryptionRule): Record<string, string> {
  return {
    [ENCRYPTION_HEADERS.sseAlgorithm]: rule.sseAlgorithm,
    ...(rule.kmsMasterKeyId === undefined
      ? {}
      : { [ENCRYPTION_HEADERS.kmsMasterKeyId]: rule.kmsMasterKeyId }),
    ...(rule.kmsDataEncryption === undefined
      ? {}
      : { [ENCRYPTION_HEADERS.kmsDataEncryption]: rule.kmsDataEncryption }),
  };
}
