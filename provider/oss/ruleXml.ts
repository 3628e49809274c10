/**
 * The XML body of PutBucketEncryption and the parsed body of GetBucketEncryption, both in
 * the shape of the wire contract (`ServerSideEncryptionRule/ApplyServerSideEncryptionByDefault`).
 */
import { z } from "zod";
import {
  type EncryptionRule,
  KMS_DATA_ENCRYPTIONS,
  makeRule,
  SSE_ALGORITHMS,
} from "../core/encryptionRule";

const XML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => XML_ESCAPES[character] ?? character);
}

/**
 * The PutBucketEncryption body for a rule. Unlike ali-oss's `putBucketEncryption`, it carries
 * `KMSDataEncryption`, which ali-oss drops.
 */
export function ruleToXml(rule: EncryptionRule): string {
  const elements = [
    `<SSEAlgorithm>${rule.sseAlgorithm}</SSEAlgorithm>`,
    rule.kmsMasterKeyId === undefined
      ? ""
      : `<KMSMasterKeyID>${escapeXml(rule.kmsMasterKeyId)}</KMSMasterKeyID>`,
    rule.kmsDataEncryption === undefined
      ? ""
      : `<KMSDataEncryption>${rule.kmsDataEncryption}</KMSDataEncryption>`,
  ].join("");
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault>${elements}</ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>`
  );
}

/** An element that may be missing or empty (`<KMSMasterKeyID></KMSMasterKeyID>`): both mean absent. */
const optionalText = z
  .string()
  .optional()
  .transform((text) => (text === undefined || text === "" ? undefined : text));

/** The GetBucketEncryption body as ali-oss parses it (root element dropped, single values). */
const getBucketEncryptionBody = z.object({
  ApplyServerSideEncryptionByDefault: z.object({
    SSEAlgorithm: z.enum(SSE_ALGORITHMS),
    KMSMasterKeyID: optionalText,
    KMSDataEncryption: optionalText.pipe(z.enum(KMS_DATA_ENCRYPTIONS).optional()),
  }),
});

/**
 * Reads the rule out of a parsed GetBucketEncryption body of `bucket`.
 *
 * @throws Error naming what was unexpected, when OSS answers in a shape the contract does not
 *   describe (for instance an algorithm this provider does not know).
 */
export function ruleFromBody(body: unknown, bucket: string): EncryptionRule {
  const parsed = getBucketEncryptionBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "body" : issue.path.join(".");
    throw new Error(
      `GetBucketEncryption on bucket "${bucket}" returned a rule this provider does not understand (${where}: ${issue?.message ?? "unreadable"}).`,
    );
  }
  const { SSEAlgorithm, KMSMasterKeyID, KMSDataEncryption } =
    parsed.data.ApplyServerSideEncryptionByDefault;
  return makeRule(SSEAlgorithm, KMSMasterKeyID, KMSDataEncryption);
}
