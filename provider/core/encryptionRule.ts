/**
 * The default server-side encryption rule of an OSS bucket, in the project's own terms.
 *
 * OSS calls it `ServerSideEncryptionRule/ApplyServerSideEncryptionByDefault`; the provider, the
 * OSS adapter and the tests all speak this type instead of XML. Its shape is the definition's
 * `EncryptionRule` (`definition.ts`).
 */
import { enumValues, type EnumValues, OBJECTS, type ObjectOf } from "./definition";

/** The algorithms OSS accepts as a bucket's default server-side encryption. */
export const SSE_ALGORITHMS = enumValues("SseAlgorithm");

/** A default server-side encryption algorithm: SSE-OSS with AES256 or SM4, or SSE-KMS. */
export type SseAlgorithm = EnumValues<"SseAlgorithm">;

/** The data encryption algorithms OSS accepts under SSE-KMS (only SM4). */
export const KMS_DATA_ENCRYPTIONS = enumValues("KmsDataEncryption");

/** The data encryption algorithm used under SSE-KMS instead of the default AES256. */
export type KmsDataEncryption = EnumValues<"KmsDataEncryption">;

/** A bucket's default encryption rule, canonical: absent optional fields are omitted. */
export type EncryptionRule = ObjectOf<typeof OBJECTS.EncryptionRule.properties>;

/** Whether two rules hold the same algorithm, key id and data encryption. */
export function rulesEqual(a: EncryptionRule, b: EncryptionRule): boolean {
  return (
    a.sseAlgorithm === b.sseAlgorithm &&
    a.kmsMasterKeyId === b.kmsMasterKeyId &&
    a.kmsDataEncryption === b.kmsDataEncryption
  );
}

/**
 * Describes a rule in words for messages and logs, e.g. `KMS with a customer master key and SM4
 * data encryption` or `KMS with the KMS-managed default key`.
 *
 * Key ids are never printed: a program may pass one as a secret, and a message or log line cannot
 * be marked secret. The outputs (`kmsMasterKeyId`, `priorRule`) carry them, secret when given so.
 */
export function describeRule(rule: EncryptionRule): string {
  if (rule.sseAlgorithm !== "KMS") {
    return rule.sseAlgorithm;
  }
  const key =
    rule.kmsMasterKeyId === undefined ? "the KMS-managed default key" : "a customer master key";
  const data = rule.kmsDataEncryption === undefined ? "" : " and SM4 data encryption";
  return `KMS with ${key}${data}`;
}

/**
 * Says how `found` differs from another rule for a message, e.g. `(SM4) that differs from the
 * declared one (AES256)`, with `otherName` naming the other rule. When the two read alike they
 * differ only in their key ids, and it says so without printing them.
 */
export function describeDifference(
  found: EncryptionRule,
  other: EncryptionRule,
  otherName: string,
): string {
  const foundWords = describeRule(found);
  const otherWords = describeRule(other);
  return foundWords === otherWords
    ? `(${foundWords}) with a key id other than ${otherName}'s`
    : `(${foundWords}) that differs from ${otherName} (${otherWords})`;
}

/** Builds a canonical rule, leaving out the optional fields that are undefined. */
export function makeRule(
  sseAlgorithm: SseAlgorithm,
  kmsMasterKeyId?: string,
  kmsDataEncryption?: KmsDataEncryption,
): EncryptionRule {
  return {
    sseAlgorithm,
    ...(kmsMasterKeyId === undefined ? {} : { kmsMasterKeyId }),
    ...(kmsDataEncryption === undefined ? {} : { kmsDataEncryption }),
  };
}
