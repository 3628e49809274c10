/**
 * What an object request's headers ask for, read as OSS reads them: server-side encryption (the
 * bucket's default rule when the request names none), user metadata, the object ACL, the source
 * of a copy, the conditions of a read or a copy, and the byte range of a read; and the headers an
 * answer carries for them.
 */
import { decodeUriPart } from "./addressing";
import { MESSAGES, OssError } from "./ossError";
import type { Headers } from "./signing";
import {
  type Algorithm,
  ALGORITHMS,
  type ByteRange,
  OBJECT_ACLS,
  type ObjectAcl,
  type ObjectEncryption,
  type ObjectSettings,
  type StoredBucket,
  type StoredObject,
} from "./state";

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

/** The prefix of user metadata headers. */
const META_PREFIX = "x-oss-meta-";

/** The user metadata a request sets: its `x-oss-meta-*` headers, by name after the prefix. */
export function userMetadataOf(headers: Headers): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => name.startsWith(META_PREFIX))
      .map(([name, value]) => [name.slice(META_PREFIX.length), value]),
  );
}

/** The `x-oss-meta-*` headers an answer carries for an object's user metadata. */
export function userMetadataHeaders(
  userMetadata: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(userMetadata).map(([name, value]) => [`${META_PREFIX}${name}`, value]),
  );
}

/** The header that sets an object's ACL. */
export const OBJECT_ACL_HEADER = "x-oss-object-acl";

function isObjectAcl(value: string): value is ObjectAcl {
  return (OBJECT_ACLS as readonly string[]).includes(value);
}

/**
 * The ACL a request gives the object it writes: its `x-oss-object-acl`, else `default`.
 *
 * @throws OssError 400 InvalidArgument for a value that is not an object ACL.
 */
export function objectAclOf(headers: Headers): ObjectAcl {
  const acl = headers[OBJECT_ACL_HEADER];
  if (acl === undefined) {
    return "default";
  }
  if (!isObjectAcl(acl)) {
    throw new OssError(400, "InvalidArgument", MESSAGES.InvalidObjectAcl, {
      ArgumentName: OBJECT_ACL_HEADER,
      ArgumentValue: acl,
    });
  }
  return acl;
}

/** The content type of an object written without one. */
const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/**
 * What a PutObject, InitiateMultipartUpload or replacing CopyObject sets on the object it writes:
 * content type, user metadata, ACL and encryption, from its headers and the bucket's rule.
 */
export function objectSettingsOf(headers: Headers, bucket: StoredBucket): ObjectSettings {
  const encryption = objectEncryption(headers, bucket);
  return {
    contentType: headers["content-type"] ?? DEFAULT_CONTENT_TYPE,
    userMetadata: userMetadataOf(headers),
    acl: objectAclOf(headers),
    ...(encryption === undefined ? {} : { encryption }),
  };
}

/** The header naming the source of a copy. */
export const COPY_SOURCE_HEADER = "x-oss-copy-source";

/** The object a copy reads: `x-oss-copy-source: /<bucket>/<url-encoded key>[?versionId=<id>]`. */
export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
}

/**
 * Reads `x-oss-copy-source`. The key is URL-decoded with `+` read as a space: the OSS Go SDK v1
 * (ossutil) escapes it with `url.QueryEscape`, ali-oss with `encodeURIComponent`.
 *
 * @throws OssError 400 InvalidArgument when the value is not of that form (OSS's EC
 *   0042-00000301 for UploadPartCopy: it must start with `/`), 400 InvalidURI for malformed
 *   percent-encoding.
 */
export function copySourceOf(value: string, ec?: string): CopySource {
  const match = /^\/([^/?]+)\/([^?]+)(?:\?versionId=(.*))?$/.exec(value);
  if (match === null) {
    throw new OssError(
      400,
      "InvalidArgument",
      MESSAGES.InvalidCopySource,
      { ArgumentName: COPY_SOURCE_HEADER, ArgumentValue: value },
      ec,
    );
  }
  const [, bucket = "", key = "", versionId] = match;
  return {
    bucket,
    key: decodeUriPart(key.replace(/\+/g, " ")),
    versionId: versionId === undefined ? undefined : decodeUriPart(versionId),
  };
}

/** The header names of a request's four conditions: a read's own, or a copy's on its source. */
export interface ConditionHeaders {
  readonly ifMatch: string;
  readonly ifNoneMatch: string;
  readonly ifModifiedSince: string;
  readonly ifUnmodifiedSince: string;
}

/** GetObject's and HeadObject's conditions. */
export const READ_CONDITIONS: ConditionHeaders = {
  ifMatch: "if-match",
  ifNoneMatch: "if-none-match",
  ifModifiedSince: "if-modified-since",
  ifUnmodifiedSince: "if-unmodified-since",
};

/** The conditions of CopyObject and UploadPartCopy on the source object. */
export const COPY_CONDITIONS: ConditionHeaders = {
  ifMatch: "x-oss-copy-source-if-match",
  ifNoneMatch: "x-oss-copy-source-if-none-match",
  ifModifiedSince: "x-oss-copy-source-if-modified-since",
  ifUnmodifiedSince: "x-oss-copy-source-if-unmodified-since",
};

/** Whether an If-Match style list (`"etag", "etag"`, or `*`) names the object's ETag. */
function matchesEtag(list: string, etag: string): boolean {
  return list
    .split(",")
    .map((entry) => entry.trim().replace(/^W\//, "").replace(/^"|"$/g, ""))
    .some((entry) => entry === "*" || entry.toUpperCase() === etag.toUpperCase());
}

/** Whether the object changed after the HTTP date `text`; undefined for a date that is not one. */
function modifiedAfter(object: Pick<StoredObject, "lastModified">, text: string) {
  const time = Date.parse(text);
  // HTTP dates have whole seconds: the object's time is compared at that precision.
  return Number.isNaN(time)
    ? undefined
    : Math.floor(object.lastModified.getTime() / 1000) * 1000 > time;
}

/**
 * What a request's conditions make of an object, in RFC 7232's order as OSS documents them for
 * GetObject and CopyObject: a failed match or unmodified-since condition answers 412
 * PreconditionFailed; a failed none-match or modified-since condition answers 304 Not Modified,
 * returned as `"not-modified"` (OSS documents UploadPartCopy as answering 412 for those too:
 * `notModifiedFails`). A date that is not one is ignored.
 *
 * @throws OssError 412 PreconditionFailed.
 */
export function checkConditions(
  headers: Headers,
  names: ConditionHeaders,
  object: Pick<StoredObject, "etag" | "lastModified">,
  notModifiedFails = false,
): "proceed" | "not-modified" {
  const ifMatch = headers[names.ifMatch];
  const ifUnmodifiedSince = headers[names.ifUnmodifiedSince];
  const failed =
    ifMatch !== undefined
      ? !matchesEtag(ifMatch, object.etag)
      : ifUnmodifiedSince !== undefined && modifiedAfter(object, ifUnmodifiedSince) === true;
  if (failed) {
    throw preconditionFailed();
  }
  const ifNoneMatch = headers[names.ifNoneMatch];
  const ifModifiedSince = headers[names.ifModifiedSince];
  const notModified =
    ifNoneMatch !== undefined
      ? matchesEtag(ifNoneMatch, object.etag)
      : ifModifiedSince !== undefined && modifiedAfter(object, ifModifiedSince) === false;
  if (notModified && notModifiedFails) {
    throw preconditionFailed();
  }
  return notModified ? "not-modified" : "proceed";
}

function preconditionFailed(): OssError {
  return new OssError(412, "PreconditionFailed", MESSAGES.PreconditionFailed);
}

/** The header that asks GetObject for standard (RFC 7233) range behaviour. */
const RANGE_BEHAVIOR_HEADER = "x-oss-range-behavior";

function invalidRange(): OssError {
  return new OssError(416, "InvalidRange", MESSAGES.InvalidRange);
}

/**
 * The bytes a GetObject of an object of `size` bytes answers for its `Range` header: undefined
 * for the whole object (a 200). OSS's own behaviour: a range that is malformed or outside the
 * object is ignored and the whole object answered. With `x-oss-range-behavior: standard`, a
 * range starting past the end answers 416, and one ending past it is cut at the end. A request
 * for several ranges answers 416 in both (OSS's HTTP 416 page names it as the cause).
 *
 * @throws OssError 416 InvalidRange.
 */
export function requestedRange(headers: Headers, size: number): ByteRange | undefined {
  const header = headers.range;
  if (header === undefined) {
    return undefined;
  }
  if (/^bytes=.*,/.test(header)) {
    throw invalidRange();
  }
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const [, first = "", last = ""] = match ?? [];
  if (match === null || (first === "" && last === "")) {
    return undefined;
  }
  const standard = headers[RANGE_BEHAVIOR_HEADER] === "standard";
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) {
      return standard ? unsatisfiable() : undefined;
    }
    if (suffix > size) {
      return standard ? { start: 0, end: size - 1 } : undefined;
    }
    return { start: size - suffix, end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) {
    return undefined;
  }
  const end = last === "" ? size - 1 : Number(last);
  if (start >= size) {
    return standard ? unsatisfiable() : undefined;
  }
  if (end >= size) {
    return standard ? { start, end: size - 1 } : undefined;
  }
  return { start, end };
}

function unsatisfiable(): never {
  throw invalidRange();
}

/** The header giving the bytes of the source that UploadPartCopy copies. */
const COPY_SOURCE_RANGE_HEADER = "x-oss-copy-source-range";

/**
 * The bytes of a source of `size` bytes that UploadPartCopy copies: `bytes=first-last` within the
 * source, or undefined for the whole source when the header is absent.
 *
 * @throws OssError 400 InvalidArgument for a range that is malformed or not within the source
 *   (OSS documents no answer for it).
 */
export function copySourceRange(headers: Headers, size: number): ByteRange | undefined {
  const header = headers[COPY_SOURCE_RANGE_HEADER];
  if (header === undefined) {
    return undefined;
  }
  const match = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (match === null || end < start || end >= size) {
    throw new OssError(400, "InvalidArgument", MESSAGES.InvalidCopySourceRange, {
      ArgumentName: COPY_SOURCE_RANGE_HEADER,
      ArgumentValue: header,
    });
  }
  return { start, end };
}
