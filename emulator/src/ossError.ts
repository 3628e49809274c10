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
  ) {
    super(message);
  }
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
  NotImplemented: "This operation is not emulated by the local OSS endpoint.",
} as const;
