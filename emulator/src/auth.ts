/**
 * Request authentication as the wire contract describes it: the access key, the STS token, the
 * 15-minute clock window, then the V1 or V4 signature.
 */
import { timingSafeEqual } from "node:crypto";
import { CAUSE_EC, MESSAGES, OssError } from "./ossError";
import {
  canonicalRequestV4,
  canonicalResourceV1,
  type Headers,
  parseV4Authorization,
  type QueryParameters,
  signatureV1,
  signatureV4,
  stringToSignV1,
  stringToSignV4,
  type V4Authorization,
} from "./signing";

/** An AccessKey pair the emulator accepts. */
export interface EmulatorCredential {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** When set, the key is temporary (STS): every request must carry this token. */
  readonly securityToken?: string;
  /** When set, the STS token has expired after this moment. */
  readonly tokenExpiresAt?: Date;
  /** Operations this key may not call: they answer 403 AccessDenied (a RAM deny). */
  readonly deniedOperations?: readonly string[];
  /** The account the key belongs to; keys of one account share buckets. Default `default`. */
  readonly account?: string;
}

/** The key pair the emulator accepts when none is configured. */
export const DEFAULT_CREDENTIAL: EmulatorCredential = {
  accessKeyId: "oss-emulator-access-key-id",
  accessKeySecret: "oss-emulator-access-key-secret",
};

/** The largest clock difference OSS accepts: 15 minutes. */
export const MAX_SKEW_MS = 900_000;

/** The parts of a request that authentication reads. */
export interface SignedRequest {
  readonly method: string;
  /** Header names lower case. */
  readonly headers: Headers;
  readonly bucket: string | undefined;
  readonly key: string | undefined;
  readonly query: QueryParameters;
  /** The region the Host names (`<bucket>.oss-<region>.aliyuncs.com`), if any. */
  readonly hostRegion: string | undefined;
}

/** Parses `yyyymmddTHHMMSSZ`. */
function parseCompactDate(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) {
    return undefined;
  }
  const [, year, month, day, hours, minutes, seconds] = match.map(Number);
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hours, minutes, seconds));
}

function parseHttpDate(text: string | undefined): Date | undefined {
  if (text === undefined) {
    return undefined;
  }
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time);
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function checkClock(requestTime: Date | undefined, sentTime: string, now: Date): void {
  if (requestTime === undefined) {
    throw new OssError(
      403,
      "AccessDenied",
      "The request has no valid date: send x-oss-date or Date.",
    );
  }
  if (Math.abs(requestTime.getTime() - now.getTime()) > MAX_SKEW_MS) {
    throw new OssError(403, "RequestTimeTooSkewed", MESSAGES.RequestTimeTooSkewed, {
      RequestTime: sentTime,
      ServerTime: now.toISOString().replace(/\.\d{3}Z$/, ".000Z"),
      MaxAllowedSkewMilliseconds: MAX_SKEW_MS,
    });
  }
}

function findCredential(
  accessKeyId: string,
  headers: Headers,
  credentials: readonly EmulatorCredential[],
  now: Date,
): EmulatorCredential {
  const credential = credentials.find((candidate) => candidate.accessKeyId === accessKeyId);
  const token = headers["x-oss-security-token"];
  if (credential === undefined) {
    throw new OssError(403, "InvalidAccessKeyId", MESSAGES.InvalidAccessKeyId, {
      OSSAccessKeyId: accessKeyId,
    });
  }
  if (credential.securityToken !== undefined && token === undefined) {
    throw new OssError(
      403,
      "InvalidAccessKeyId",
      MESSAGES.InvalidAccessKeyId,
      { OSSAccessKeyId: accessKeyId },
      CAUSE_EC.stsKeyWithoutToken,
    );
  }
  if (credential.securityToken !== undefined && token !== undefined) {
    if (!sameText(token, credential.securityToken)) {
      throw new OssError(403, "InvalidSecurityToken", MESSAGES.InvalidSecurityToken);
    }
    if (credential.tokenExpiresAt !== undefined && credential.tokenExpiresAt <= now) {
      throw new OssError(403, "SecurityTokenExpired", MESSAGES.SecurityTokenExpired);
    }
  }
  return credential;
}

function signatureMismatch(accessKeyId: string, stringToSign: string, provided: string): OssError {
  return new OssError(
    403,
    "SignatureDoesNotMatch",
    MESSAGES.SignatureDoesNotMatch,
    { OSSAccessKeyId: accessKeyId, StringToSign: stringToSign, SignatureProvided: provided },
    CAUSE_EC.signatureMismatch,
  );
}

/** Whether a V4 scope is OSS's: product `oss`, terminator `aliyun_v4_request`, an 8-digit day. */
function isOssScope(v4: V4Authorization): boolean {
  return v4.product === "oss" && v4.terminator === "aliyun_v4_request" && /^\d{8}$/.test(v4.date);
}

/** When a V4 request says it was signed: as sent, as a time, and its UTC day (`yyyymmdd`). */
interface SigningTime {
  readonly sent: string;
  readonly time: Date | undefined;
  readonly day: string | undefined;
}

/**
 * The signing time of a V4 request: `x-oss-date` (`yyyymmddTHHMMSSZ`), or, from clients that
 * send only `Date` (ossutil 1.7, the Go SDK v1), the `Date` header, whose text is then what the
 * string to sign holds.
 */
function v4SigningTime(headers: Headers): SigningTime {
  const ossDate = headers["x-oss-date"];
  if (ossDate !== undefined) {
    const time = parseCompactDate(ossDate);
    return { sent: ossDate, time, day: /^(\d{8})T/.exec(ossDate)?.[1] };
  }
  const sent = headers.date ?? "";
  const time = parseHttpDate(headers.date);
  return { sent, time, day: time?.toISOString().slice(0, 10).replace(/-/g, "") };
}

/**
 * Authenticates a request and returns the credential that signed it.
 *
 * @param region the emulator's region: a V4 signature must be scoped to it (and to the region the
 *   Host names, when it names one).
 * V4 is verified as OSS does: the scope's product (`oss`), terminator, day and region, and the
 * signing time from `x-oss-date` or, failing that, `Date`.
 *
 * @throws OssError with the code OSS would answer: AccessDenied (no signature or no date),
 *   InvalidAccessKeyId, InvalidSecurityToken, SecurityTokenExpired, RequestTimeTooSkewed,
 *   InvalidArgument (a V4 scope that is not OSS's, or for another region), SignatureDoesNotMatch.
 */
export function authenticate(
  request: SignedRequest,
  credentials: readonly EmulatorCredential[],
  now: Date,
  region: string,
): EmulatorCredential {
  const { headers } = request;
  const header = headers.authorization;
  if (header === undefined) {
    throw new OssError(403, "AccessDenied", MESSAGES.AccessDenied);
  }

  const v4 = parseV4Authorization(header);
  if (v4 === "malformed" || (v4 !== undefined && !isOssScope(v4))) {
    throw new OssError(
      400,
      "InvalidArgument",
      MESSAGES.InvalidCredential,
      {},
      CAUSE_EC.invalidCredential,
    );
  }
  if (v4 !== undefined) {
    const credential = findCredential(v4.accessKeyId, headers, credentials, now);
    const signed = v4SigningTime(headers);
    checkClock(signed.time, signed.sent, now);
    if (signed.day !== v4.date) {
      throw signatureMismatch(v4.accessKeyId, "", v4.signature);
    }
    if (v4.region !== region || (request.hostRegion ?? region) !== region) {
      throw new OssError(
        400,
        "InvalidArgument",
        MESSAGES.InvalidSigningRegion,
        {},
        CAUSE_EC.invalidSigningRegion,
      );
    }
    const canonical = canonicalRequestV4(
      request.method,
      request.bucket,
      request.key,
      request.query,
      headers,
      v4.additionalHeaders,
    );
    const stringToSign = stringToSignV4(signed.sent, v4, canonical);
    if (!sameText(signatureV4(credential.accessKeySecret, v4, stringToSign), v4.signature)) {
      throw signatureMismatch(v4.accessKeyId, stringToSign, v4.signature);
    }
    return credential;
  }

  const v1 = /^OSS ([^:]+):(.+)$/.exec(header);
  if (v1 === null) {
    throw new OssError(400, "InvalidArgument", "Authorization header is invalid.", {
      ArgumentName: "Authorization",
      ArgumentValue: header.split(" ")[0] ?? "",
    });
  }
  const [, accessKeyId = "", provided = ""] = v1;
  const credential = findCredential(accessKeyId, headers, credentials, now);
  const sentTime = headers["x-oss-date"] ?? headers.date;
  checkClock(parseHttpDate(sentTime), sentTime ?? "", now);
  const stringToSign = stringToSignV1(
    request.method,
    headers,
    canonicalResourceV1(request.bucket, request.key, request.query),
  );
  if (!sameText(signatureV1(credential.accessKeySecret, stringToSign), provided)) {
    throw signatureMismatch(accessKeyId, stringToSign, provided);
  }
  return credential;
}
