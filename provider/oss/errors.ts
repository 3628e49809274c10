/**
 * OSS failures in the project's own terms: what ali-oss reports, whether it is worth retrying,
 * and the one-sentence error users see.
 */
import { quoteKey, redacted } from "../core/displayText";

/** The OSS API operations this package calls, each with the RAM action it needs. */
const RAM_ACTIONS = {
  GetBucketEncryption: "oss:GetBucketEncryption",
  PutBucketEncryption: "oss:PutBucketEncryption",
  DeleteBucketEncryption: "oss:DeleteBucketEncryption",
  GetBucketVersioning: "oss:GetBucketVersioning",
  ListObjectsV2: "oss:ListObjects",
  HeadObject: "oss:GetObject",
  GetObjectACL: "oss:GetObjectAcl",
  PutObjectACL: "oss:PutObjectAcl",
  CopyObject: "oss:GetObject and oss:PutObject",
  InitiateMultipartUpload: "oss:PutObject",
  UploadPartCopy: "oss:GetObject and oss:PutObject",
  CompleteMultipartUpload: "oss:PutObject",
  AbortMultipartUpload: "oss:AbortMultipartUpload",
} as const;

/** An OSS API operation this package calls. */
export type OssOperation = keyof typeof RAM_ACTIONS;

/** The facts of one failed call, read off an ali-oss error. */
export interface OssFailure {
  /** The HTTP status; -1 for a network error, -2 for a timeout; absent when none was received. */
  readonly status?: number;
  /** The OSS error code (`AccessDenied`), or the client's error name for network failures. */
  readonly code: string;
  /** The OSS request id, when OSS answered. */
  readonly requestId?: string;
  /** OSS's message, or the first clause of the client's message for network failures. */
  readonly detail?: string;
}

/** The throttling codes OSS answers with 503 (wire contract, "Throttling and server errors"). */
export const THROTTLING_CODES = [
  "MetaOperationQpsLimitExceeded",
  "TotalQpsLimitExceeded",
  "ServiceUnavailable",
  "ActiveRequestLimitExceeded",
  "DownloadTrafficRateLimitExceeded",
  "UploadTrafficRateLimitExceeded",
  "CpuLimitExceeded",
] as const;

/** Server-side statuses worth another attempt. */
const RETRYABLE_STATUSES: readonly number[] = [500, 502, 503, 504];

/** ali-oss names for requests that got no (timely) response. */
const NETWORK_ERROR_NAMES: readonly string[] = [
  "ResponseError",
  "RequestError",
  "ConnectionTimeoutError",
  "ResponseTimeoutError",
  "RequestTimeoutError",
];

/** ali-oss marks network errors with status -1 and timeouts with -2. */
const NETWORK_STATUSES: readonly number[] = [-1, -2];

function stringField(source: object, key: string): string | undefined {
  const value = (source as Record<string, unknown>)[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Reads the facts of a failure off whatever ali-oss threw, with each of `secrets` (the call's
 * credentials) replaced wherever the answer echoed it.
 */
export function failureOf(error: unknown, secrets: readonly string[] = []): OssFailure {
  // Replaced before the texts are cut, so that no part of a secret is left at the cut.
  const kept = (text: string, maxLength: number) => bounded(redacted(text, secrets), maxLength);
  if (typeof error !== "object" || error === null) {
    return { code: "UnknownError", detail: kept(String(error), DETAIL_MAX_LENGTH) };
  }
  const status = (error as { status?: unknown }).status;
  const name = stringField(error, "name");
  const code = stringField(error, "code") ?? name ?? "UnknownError";
  const message = stringField(error, "message");
  const isNetwork =
    (typeof status === "number" && NETWORK_STATUSES.includes(status)) ||
    (name !== undefined && NETWORK_ERROR_NAMES.includes(name));
  // ali-oss appends the URL, socket and agent statistics to network messages: keep the cause
  // only, and of it no address (the endpoint may be a secret): "connect ECONNREFUSED 10.0.0.1:80"
  // is kept as "connect ECONNREFUSED".
  // Of any other message, the first line: ali-oss appends a body it could not parse as XML
  // ("raw xml: ..."), which a proxy echoing the request fills with its signature and token.
  const detail = isNetwork
    ? message?.split(",")[0]?.replace(/^(.*?\bE[A-Z]{3,}\b).*$/, "$1")
    : message?.split("\n")[0];
  const requestId = stringField(error, "requestId");
  return {
    ...(typeof status === "number" ? { status } : {}),
    code: kept(isNetwork && name !== undefined ? name : code, CODE_MAX_LENGTH),
    ...(requestId === undefined ? {} : { requestId: kept(requestId, CODE_MAX_LENGTH) }),
    ...(detail === undefined ? {} : { detail: kept(detail, DETAIL_MAX_LENGTH) }),
  };
}

/** The longest code or request id kept: what a server answers is of any size. */
const CODE_MAX_LENGTH = 100;

/** The longest message kept (OSS's are one sentence). */
const DETAIL_MAX_LENGTH = 500;

function bounded(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/**
 * Whether a failure is worth another attempt: throttling and server errors, a skewed clock, and
 * requests that got no response. Every other 4xx fails at once.
 */
export function isRetryable(failure: OssFailure): boolean {
  return (
    (failure.status !== undefined &&
      (RETRYABLE_STATUSES.includes(failure.status) || NETWORK_STATUSES.includes(failure.status))) ||
    NETWORK_ERROR_NAMES.includes(failure.code) ||
    (THROTTLING_CODES as readonly string[]).includes(failure.code) ||
    failure.code === "RequestTimeTooSkewed"
  );
}

/**
 * The failures every further call with the same credentials to the same bucket would meet: a
 * command working through many objects stops at the first instead of meeting them all.
 */
const STOPPING_CODES: readonly string[] = [
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "SecurityTokenExpired",
  "InvalidSecurityToken",
  "NoSuchBucket",
  "RequestTimeTooSkewed",
];

/** Whether every further call with these credentials to this bucket would fail as `failure` did. */
export function failsEveryCall(failure: Pick<OssFailure, "code">): boolean {
  return STOPPING_CODES.includes(failure.code);
}

/** What the user can do about a failure, where there is something to say. */
function hintFor(operation: OssOperation, failure: OssFailure, credentialSource: string): string {
  switch (failure.code) {
    case "AccessDenied":
      return `grant the RAM action ${RAM_ACTIONS[operation]} on this bucket to the credentials from ${credentialSource}`;
    case "InvalidAccessKeyId":
      return `check the access key id from ${credentialSource}`;
    case "SignatureDoesNotMatch":
      return `check the access key secret from ${credentialSource}, the region and the signatureVersion`;
    case "SecurityTokenExpired":
    case "InvalidSecurityToken":
      return `renew the STS security token from ${credentialSource}`;
    case "NoSuchBucket":
      return "create the bucket first, or check the bucket name, region and endpoint";
    case "RequestTimeTooSkewed":
      return "set this machine's clock right";
    default:
      return "";
  }
}

/** A failed OSS call, told in one sentence: operation, bucket, code, status, request id, hint. */
export class OssRequestError extends Error {
  override readonly name = "OssRequestError";

  constructor(
    /** The OSS API operation that failed. */
    readonly operation: OssOperation,
    /** The bucket it was called on. */
    readonly bucket: string,
    /** What OSS or the client reported. */
    readonly failure: OssFailure,
    /** How many attempts were made, the first included. */
    readonly attempts: number,
    credentialSource: string,
    /** The object it was called on, for object calls. */
    readonly key?: string,
  ) {
    super(describeFailure(operation, bucket, failure, attempts, credentialSource, key));
  }

  /** The OSS error code, e.g. `AccessDenied`. */
  get code(): string {
    return this.failure.code;
  }
}

function describeFailure(
  operation: OssOperation,
  bucket: string,
  failure: OssFailure,
  attempts: number,
  credentialSource: string,
  key: string | undefined,
): string {
  const facts = [
    failure.status !== undefined && failure.status > 0 ? `HTTP ${failure.status}` : undefined,
    failure.requestId === undefined ? undefined : `request id ${failure.requestId}`,
    attempts > 1 ? `after ${attempts} attempts` : undefined,
  ].filter((fact) => fact !== undefined);
  const detail = failure.detail === undefined ? "" : `: ${failure.detail.replace(/\.$/, "")}`;
  const hint = hintFor(operation, failure, credentialSource);
  return (
    `${operation} on ${key === undefined ? "" : `object ${quoteKey(key)} of `}bucket "${bucket}" failed with ${failure.code}` +
    (facts.length > 0 ? ` (${facts.join(", ")})` : "") +
    detail +
    (hint === "" ? "" : `; ${hint}`) +
    "."
  );
}
