/**
 * Which bucket and object a request addresses, from its Host header and path, as the wire
 * contract describes: virtual-host style (`<bucket>.oss-<region>.aliyuncs.com`, also when the
 * connection goes to an IP, as ali-oss does), path style, and ali-oss's `sldEnable` mix of both.
 */

import { MESSAGES, OssError } from "./ossError";

/** The bucket, object key and region a request addresses. */
export interface Address {
  /** The bucket, or undefined for service-level requests (ListBuckets). */
  readonly bucket: string | undefined;
  /** The object key, URL-decoded, or undefined for bucket-level requests. */
  readonly key: string | undefined;
  /** The region named by the Host (`cn-hangzhou`), or undefined when the Host names none. */
  readonly region: string | undefined;
  /** Whether the Host named the bucket (virtual-host style) or the path did. */
  readonly style: "virtual-host" | "path";
}

/**
 * Decodes one percent-encoded part of a URL.
 *
 * @throws OssError 400 InvalidURI for malformed percent-encoding (`%`, `%zz`).
 */
export function decodeUriPart(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new OssError(400, "InvalidURI", MESSAGES.InvalidURI);
  }
}

const OSS_DOMAIN = ".aliyuncs.com";
const REGION_LABEL = /^oss-([a-z0-9-]+?)(?:-internal)?$/;

/** Splits a path into segments after the leading slash, URL-decoding the rest as a key. */
function splitPath(path: string): { first: string; rest: string | undefined } {
  const trimmed = path.startsWith("/") ? path.slice(1) : path;
  const slash = trimmed.indexOf("/");
  return slash < 0
    ? { first: trimmed, rest: undefined }
    : { first: trimmed.slice(0, slash), rest: trimmed.slice(slash + 1) };
}

function decodeKey(raw: string | undefined): string | undefined {
  return raw === undefined || raw === "" ? undefined : decodeUriPart(raw);
}

/**
 * Resolves the address of a request.
 *
 * @param host the Host header, port included or not
 * @param path the request path without the query string, still URL-encoded
 * @throws OssError 400 InvalidURI when the path's percent-encoding is malformed.
 */
export function resolveAddress(host: string, path: string): Address {
  const hostname = host.replace(/:\d+$/, "").toLowerCase();
  if (hostname.endsWith(OSS_DOMAIN)) {
    const labels = hostname.slice(0, -OSS_DOMAIN.length).split(".");
    const regionLabel = labels.find((label) => REGION_LABEL.test(label));
    const region = regionLabel === undefined ? undefined : REGION_LABEL.exec(regionLabel)?.[1];
    const first = labels[0] ?? "";
    if (!first.startsWith("oss-")) {
      // Virtual-host style: the bucket is the first label. ali-oss with sldEnable also puts the
      // bucket first in the path; strip it when present.
      const { first: pathFirst, rest } = splitPath(path);
      const key = pathFirst === first ? rest : path.replace(/^\//, "");
      return { bucket: first, key: decodeKey(key), region, style: "virtual-host" };
    }
    const { first: bucket, rest } = splitPath(path);
    return {
      bucket: bucket === "" ? undefined : bucket,
      key: decodeKey(rest),
      region,
      style: "path",
    };
  }
  const { first: bucket, rest } = splitPath(path);
  return {
    bucket: bucket === "" ? undefined : bucket,
    key: decodeKey(rest),
    region: undefined,
    style: "path",
  };
}
