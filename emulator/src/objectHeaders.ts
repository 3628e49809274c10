/**
 * What an object request's headers ask for, read as OSS reads them: the server-side encryption
 * headers (with the bucket's default rule when there are none), and the encryption headers an
 * answer carries.
 */
import { MESSAGES, OssError } from "./ossError";
import type { Headers } from "./signing";
import { type Algorithm, ALGORITHMS, type ObjectEncryption, type StoredBucket } from "./state";

/** The header naming an object's server-side encryption algorithm. */
export const SSE_HEADER = "x-oss-server-side-encryption";
/** The header naming the data encryption under KMS (SM4 only). */
export const SSE_DATA_HEADER = "x-oss-server-side-data-encryption";
/** The header naming the KMS key. */
export const SSE_KEY_HEADER = "x-oss-server-side-encryption-key-id";

/** Whether `value` names an algorithm OSS knows. */
export function isAlgorithm(value: string): value is Algorithm {
  return (ALGORITHMS as readonly string[]).includes(value);
}

/** The InvalidEncryptionAlgorithmError answer. */
export function invalidAlgorithm(): OssError {
  return new OssError(
    400,
    "InvalidEncryptionAlgorithmError",
    MESSAGES.InvalidEncryptionAlgorithmError,
  );
}

/**
 * The encryption an object gets: its own headers, else the bucket's rule, else none.
 *
 * @throws OssError 400 InvalidEncryptionAlgorithmError for an unknown algorithm, 400
 *   InvalidArgument for headers in combinations OSS does not allow.
 */
export function objectEncryption(
  headers: Headers,
  bucket: StoredBucket,
): ObjectEncryption | undefined {
  const algorithm = headers[SSE_HEADER];
  const dataEncryption = headers[SSE_DATA_HEADER];
  const keyId = headers[SSE_KEY_HEADER];
  if (algorithm === undefined) {
    if (dataEncryption !== undefined || keyId !== undefined) {
      throw new OssError(
        400,
        "InvalidArgument",
        `${SSE_DATA_HEADER} and ${SSE_KEY_HEADER} need ${SSE_HEADER}: KMS.`,
      );
    }
    const rule = bucket.rule;
    return rule === undefined
      ? undefined
      : rule.sseAlgorithm === "KMS"
        ? {
            algorithm: "KMS",
            keyId: rule.kmsMasterKeyId ?? bucket.defaultKmsKeyId,
            ...(rule.kmsDataEncryption === undefined
              ? {}
              : { dataEncryption: rule.kmsDataEncryption }),
          }
        : { algorithm: rule.sseAlgorithm };
  }
  if (!isAlgorithm(algorithm)) {
    throw invalidAlgorithm();
  }
  if (algorithm !== "KMS") {
    if (dataEncryption !== undefined || keyId !== undefined) {
      throw new OssError(
        400,
        "InvalidArgument",
        `${SSE_DATA_HEADER} and ${SSE_KEY_HEADER} apply only with KMS.`,
      );
    }
    return { algorithm };
  }
  if (dataEncryption !== undefined && dataEncryption !== "SM4") {
    throw new OssError(400, "InvalidArgument", `${SSE_DATA_HEADER} only supports SM4.`, {
      ArgumentName: SSE_DATA_HEADER,
      ArgumentValue: dataEncryption,
    });
  }
  return {
    algorithm: "KMS",
    keyId: keyId ?? bucket.defaultKmsKeyId,
    ...(dataEncryption === "SM4" ? { dataEncryption: "SM4" as const } : {}),
  };
}

/** The SSE headers an answer carries for an object's encryption; none when it has none. */
export function encryptionHeaders(
  encryption: ObjectEncryption | undefined,
): Record<string, string> {
  if (encryption === undefined) {
    return {};
  }
  return {
    [SSE_HEADER]: encryption.algorithm,
    ...(encryption.keyId === undefined ? {} : { [SSE_KEY_HEADER]: encryption.keyId }),
    ...(encryption.dataEncryption === undefined
      ? {}
      : { [SSE_DATA_HEADER]: encryption.dataEncryption }),
  };
}
