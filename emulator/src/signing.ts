/**
 * OSS request signatures V1 and V4, computed the way the wire contract describes them, so that
 * the emulator can check what a client signed. Pure functions only.
 */
import { createHash, createHmac } from "node:crypto";

/** Request headers with lower-case names, one value each. */
export type Headers = Readonly<Record<string, string>>;

/** Query parameters as they arrived, decoded, in order; an empty value stands for a bare key. */
export type QueryParameters = readonly (readonly [string, string])[];

/** The query parameters that V1 signs (the SDKs' subresource list); `x-oss-*` ones are signed too. */
// prettier-ignore
export const V1_SUBRESOURCES: ReadonlySet<string> = new Set([
  "acl", "append", "asyncFetch", "bucketInfo", "callback", "callback-var", "cname", "comp",
  "continuation-token", "cors", "delete", "encryption", "endTime", "img", "inventory",
  "inventoryId", "lifecycle", "live", "location", "logging", "metaQuery", "objectInfo",
  "objectMeta", "partNumber", "policy", "policyStatus", "position", "qos", "qosInfo", "referer",
  "regionList", "replication", "replicationLocation", "replicationProgress", "requestPayment",
  "resourceGroup", "response-cache-control", "response-content-disposition",
  "response-content-encoding", "response-content-language", "response-content-type",
  "response-expires", "restore", "security-token", "sequential", "startTime", "stat", "status",
  "style", "styleName", "symlink", "tagging", "transferAcceleration", "udf", "udfApplication",
  "udfApplicationLog", "udfId", "udfImage", "udfImageDesc", "udfName", "uploadId", "uploads",
  "versionId", "versioning", "versions", "vod", "website", "worm", "wormExtend", "wormId",
]);

/** The resource path both versions sign: `/<bucket>/<key>`, `/<bucket>/`, or `/`. */
function resourcePath(bucket: string | undefined, key: string | undefined): string {
  return bucket === undefined ? "/" : `/${bucket}/${key ?? ""}`;
}

/** The `x-oss-*` headers, values trimmed, sorted, each as `name:value\n`. */
function canonicalOssHeaders(headers: Headers): string {
  return Object.keys(headers)
    .filter((name) => name.startsWith("x-oss-"))
    .sort()
    .map((name) => `${name}:${(headers[name] ?? "").trim()}\n`)
    .join("");
}

/** The V1 canonical resource: the path, then the signed subresources sorted as `k=v` or `k`. */
export function canonicalResourceV1(
  bucket: string | undefined,
  key: string | undefined,
  query: QueryParameters,
): string {
  const signed = query
    .filter(([name]) => V1_SUBRESOURCES.has(name) || name.startsWith("x-oss-"))
    .map(([name, value]) => (value === "" ? name : `${name}=${value}`))
    .sort();
  return resourcePath(bucket, key) + (signed.length > 0 ? `?${signed.join("&")}` : "");
}

/**
 * The V1 string to sign: `VERB\nContent-MD5\nContent-Type\nDate\n`, the canonical OSS headers and
 * the canonical resource. The date line is `x-oss-date` when present, else `Date`.
 */
export function stringToSignV1(
  method: string,
  headers: Headers,
  canonicalResource: string,
): string {
  const date = headers["x-oss-date"] ?? headers.date ?? "";
  return (
    [method.toUpperCase(), headers["content-md5"] ?? "", headers["content-type"] ?? "", date].join(
      "\n",
    ) +
    "\n" +
    canonicalOssHeaders(headers) +
    canonicalResource
  );
}

/** The V1 signature: base64(HMAC-SHA1(secret, string to sign)). */
export function signatureV1(secret: string, stringToSign: string): string {
  return createHmac("sha1", secret).update(stringToSign, "utf8").digest("base64");
}

/** The parts of a V4 Authorization header. */
export interface V4Authorization {
  readonly accessKeyId: string;
  /** `yyyymmdd` from the credential scope. */
  readonly date: string;
  readonly region: string;
  /** The product of the scope: `oss` for OSS. */
  readonly product: string;
  /** The scope's terminator: `aliyun_v4_request` for OSS. */
  readonly terminator: string;
  /** Extra signed headers, lower case, sorted as sent. */
  readonly additionalHeaders: readonly string[];
  readonly signature: string;
}

/** The algorithm name that starts a V4 Authorization header. */
export const V4_ALGORITHM = "OSS4-HMAC-SHA256";

/** What a V4 header holds: its parts, or `malformed` when it has no five-part Credential or no Signature. */
export type ParsedV4 = V4Authorization | "malformed";

/**
 * Parses `OSS4-HMAC-SHA256 Credential=<ak>/<date>/<region>/<product>/<terminator>[,AdditionalHeaders=a;b],Signature=<hex>`.
 * Returns undefined when the header is not a V4 one at all.
 */
export function parseV4Authorization(header: string): ParsedV4 | undefined {
  if (!header.startsWith(`${V4_ALGORITHM} `)) {
    return undefined;
  }
  const fields = new Map(
    header
      .slice(V4_ALGORITHM.length + 1)
      .split(",")
      .map((field) => field.trim())
      .map((field) => {
        const equals = field.indexOf("=");
        return [field.slice(0, equals), field.slice(equals + 1)] as const;
      }),
  );
  const credential = fields.get("Credential")?.split("/");
  const signature = fields.get("Signature");
  if (credential?.length !== 5 || signature === undefined) {
    return "malformed";
  }
  const [accessKeyId = "", date = "", region = "", product = "", terminator = ""] = credential;
  const additional = fields.get("AdditionalHeaders");
  return {
    accessKeyId,
    date,
    region,
    product,
    terminator,
    additionalHeaders: additional === undefined || additional === "" ? [] : additional.split(";"),
    signature,
  };
}

/** RFC 3986 percent-encoding: everything but unreserved characters. */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The V4 canonical request, lines joined by `\n`, as the wire contract describes it. */
export function canonicalRequestV4(
  method: string,
  bucket: string | undefined,
  key: string | undefined,
  query: QueryParameters,
  headers: Headers,
  additionalHeaders: readonly string[],
): string {
  const canonicalUri = rfc3986(resourcePath(bucket, key)).replace(/%2F/g, "/");
  const canonicalQuery = query
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => (value === "" ? name : `${name}=${value}`))
    .join("&");
  const signedNames = new Set([
    ...Object.keys(headers).filter(
      (name) => name === "content-type" || name === "content-md5" || name.startsWith("x-oss-"),
    ),
    ...additionalHeaders,
  ]);
  const canonicalHeaders = [...signedNames]
    .sort()
    .map((name) => `${name}:${(headers[name] ?? "").trim()}\n`)
    .join("");
  return [
    method.toUpperCase(),
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    additionalHeaders.join(";"),
    headers["x-oss-content-sha256"] ?? "UNSIGNED-PAYLOAD",
  ].join("\n");
}

/**
 * The V4 string to sign for a canonical request. `signedDate` is the request time as sent:
 * `x-oss-date`, or the `Date` header when a client (ossutil, the Go SDK v1) sends only that.
 */
export function stringToSignV4(
  signedDate: string,
  authorization: Pick<V4Authorization, "date" | "region" | "product" | "terminator">,
  canonicalRequest: string,
): string {
  return [
    V4_ALGORITHM,
    signedDate,
    `${authorization.date}/${authorization.region}/${authorization.product}/${authorization.terminator}`,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
}

/** The V4 signature: the HMAC-SHA256 key chain from `aliyun_v4<secret>`, hex encoded. */
export function signatureV4(
  secret: string,
  authorization: Pick<V4Authorization, "date" | "region" | "product">,
  stringToSign: string,
): string {
  const hmac = (key: string | Buffer, data: string) =>
    createHmac("sha256", key).update(data).digest();
  const signingKey = [
    authorization.date,
    authorization.region,
    authorization.product,
    "aliyun_v4_request",
  ].reduce<string | Buffer>((key, part) => hmac(key, part), `aliyun_v4${secret}`);
  return createHmac("sha256", signingKey).update(stringToSign).digest("hex");
}
