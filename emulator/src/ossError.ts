/**
 * OSS error answers: the status, code, message and extra elements of the wire contract's
 * `<Error>` body, thrown by handlers and written by the server.
 */
import type { XmlFields } from "./xml";

/** An OSS error answer. */
export class OssError extends Error {
  override readonly name = "OssError";

  constructor(
    /** The HTTP status. */
    readonly status: number,
    /** The OSS error code, e.g. `NoSuchBucket`. */
    readonly code: string,
    message: string,
    /** Extra elements of the body, e.g. `{ BucketName: "logs" }`. */
    readonly extras: XmlFields = {},
    /**
     * OSS's detailed error code (`<EC>`, `x-oss-ec`) for this cause, where it differs between
     * causes of one code; otherwise `errorCodeOf` finds it by code.
     */
    readonly ec?: string,
  ) {
    super(message);
  }
}

/**
 * The detailed error codes OSS documents (its troubleshooting pages are named by them), by error
 * code, for the codes that have one cause here. Causes that share a code carry their own.
 */
const DOCUMENTED_EC: Readonly<Record<string, string>> = {
  NoSuchBucket: "0015-00000101",
  BucketAlreadyExists: "0015-00000104",
  BucketNotEmpty: "0015-00000301",
  NoSuchKey: "0026-00000001",
  NoSuchServerSideEncryptionRule: "0005-00000004",
  InvalidEncryptionAlgorithmError: "0005-00000003",
  RequestTimeTooSkewed: "0002-00000504",
};

/** The documented detailed error codes of causes that share an error code with others. */
export const CAUSE_EC = {
  /** InvalidArgument: KMSMasterKeyID beside an algorithm other than KMS. */
  kmsKeyIdNotApplicable: "0005-00000204",
  /** InvalidArgument: KMSDataEncryption other than SM4. */
  kmsDataEncryptionNotSm4: "0005-00000203",
  /** InvalidArgument: a V4 signature scoped to another region. */
  invalidSigningRegion: "0002-00000226",
  /** InvalidArgument: a V4 Credential not of the form `<id>/<day>/<region>/oss/aliyun_v4_request`. */
  invalidCredential: "0002-00000213",
  /** SignatureDoesNotMatch (header signatures). */
  signatureMismatch: "0002-00000040",
  /** InvalidAccessKeyId: an STS key id without its token. */
  stsKeyWithoutToken: "0002-00000002",
  /** InvalidArgument: PutObjectACL without an `x-oss-object-acl` value. */
  missingObjectAcl: "0017-00000105",
  /** InvalidArgument: an UploadPartCopy `x-oss-copy-source` not of the form `/bucket/key`. */
  invalidPartCopySource: "0042-00000301",
} as const;

/**
 * The detailed error code to answer with: the cause's own, else OSS's documented one for the code,
 * else a stable value of the emulator's own (`0000-` and eight digits) for causes OSS documents
 * none for.
 */
export function errorCodeOf(error: OssError): string {
  const documented = error.ec ?? DOCUMENTED_EC[error.code];
  if (documented !== undefined) {
    return documented;
  }
  let hash = 0;
  for (const character of error.code) {
    hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  }
  return `0000-${String(hash % 100_000_000).padStart(8, "0")}`;
}

/** The statuses of the throttling and server error codes the emulator can inject. */
export const FAULT_CODE_STATUS: Readonly<Record<string, number>> = {
  MetaOperationQpsLimitExceeded: 503,
  TotalQpsLimitExceeded: 503,
  ServiceUnavailable: 503,
  ActiveRequestLimitExceeded: 503,
  DownloadTrafficRateLimitExceeded: 503,
  UploadTrafficRateLimitExceeded: 503,
  CpuLimitExceeded: 503,
  InternalError: 500,
};

/** Short messages for the errors the emulator raises, where the contract quotes or implies one. */
export const MESSAGES = {
  NoSuchBucket: "The specified bucket does not exist.",
  NoSuchKey: "The specified key does not exist.",
  NoSuchServerSideEncryptionRule: "The server side encryption configuration was not found.",
  MalformedXML:
    "The XML you provided was not well-formed or did not validate against our published schema.",
  InvalidEncryptionAlgorithmError:
    "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4.",
  KmsKeyIdNotApplicable: "KMSMasterKeyID is not applicable if the default sse algorithm is not KMS",
  InvalidBucketName: "The specified bucket is not valid.",
  BucketAlreadyExists:
    "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
  BucketNotEmpty: "The bucket you tried to delete is not empty.",
  AccessDenied: "You have no right to access this object because of bucket acl.",
  InvalidAccessKeyId: "The OSS Access Key Id you provided does not exist in our records.",
  SignatureDoesNotMatch:
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  RequestTimeTooSkewed:
    "The difference between the request time and the current time is too large.",
  SecurityTokenExpired: "The security token you provided has expired.",
  InvalidSecurityToken: "The security token you provided is invalid.",
  InvalidDigest: "The Content-MD5 you specified is not valid.",
  InvalidSigningRegion: "Invalid signing region in Authorization header.",
  InvalidCredential: "Invalid credential in Authorization header.",
  InvalidURI: "Could not parse the specified URI.",
  EntityTooLarge: "Your proposed upload exceeds the maximum allowed size.",
  MissingContentLength: "You must provide the Content-Length HTTP header.",
  NotImplemented: "This operation is not emulated by the local OSS endpoint.",
  InvalidObjectAcl: "The object ACL you specified is not valid.",
  MissingObjectAcl: "The x-oss-object-acl header is missing or empty.",
  InvalidCopySource: "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.",
  InvalidCopySourceRange: "The x-oss-copy-source-range you specified is not valid for the source.",
  // The message OSS answered for a CopyObject of an object over its limit (aliyun/oss-browser#245).
  CopySourceTooLarge: "Source object Length exceeds the maximum allowed size.",
  InvalidMetadataDirective: "Unknown metadata directive.",
  NoSuchVersion: "The specified version does not exist.",
  PreconditionFailed: "At least one of the pre-conditions you specified did not hold.",
  InvalidRange: "The requested range cannot be satisfied",
  NoSuchUpload:
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
  InvalidPart:
    "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
  InvalidPartOrder:
    "The list of parts was not in ascending order. Parts list must specified in order by part number.",
  EntityTooSmall: "Your proposed upload is smaller than the minimum allowed size.",
  InvalidPartNumber: "Part number must be an integer between 1 and 10000, inclusive.",
} as const;
