/**
 * Raw HTTP requests to an OSS endpoint, signed with V1 by a few lines written here from the wire
 * contract, or with V4 through ali-oss's own signing helpers (never by the emulator's own code),
 * so that conformance tests control every byte.
 */
import { createHash, createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";

/** A raw request; the body is sent as given. */
export interface RawRequest {
  readonly method: string;
  /** The path and query, e.g. `/logs/?encryption`. */
  readonly path: string;
  /** The Host header; defaults to the endpoint's host. */
  readonly host?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Sign with this key pair (V1); leave out for an anonymous request. */
  readonly signWith?: { readonly accessKeyId: string; readonly accessKeySecret: string };
  /** Sign with V4 instead, path style (`/<bucket>/<key>`), with the scope given. */
  readonly signWithV4?: V4Signing;
  /** The canonical resource to sign; defaults to the path when path style. */
  readonly resource?: string;
  /** The request time; defaults to now. */
  readonly date?: Date;
  /** Leave out every date header. */
  readonly noDate?: boolean;
}

/** How to sign a raw request with V4. */
export interface V4Signing {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  /** The scope's region; default `cn-hangzhou`. */
  readonly region?: string;
  /** The scope's product; default `oss`. */
  readonly product?: string;
  /** The scope's terminator; default `aliyun_v4_request`. */
  readonly terminator?: string;
  /** Send only a `Date` header, as ossutil 1.7 and the OSS Go SDK v1 do, and sign its text. */
  readonly dateOnly?: boolean;
}

// ali-oss's canonical request, an independent reference for V4.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aliOssSigning = require("ali-oss/lib/common/signUtils") as {
  getCanonicalRequest(
    method: string,
    request: { headers: Record<string, string>; queries: Record<string, string | null> },
    bucket?: string,
    object?: string,
  ): string;
};

/** `yyyymmddTHHMMSSZ`. */
function compactDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** Adds a V4 Authorization (and its date headers) to `headers`, as the wire contract says. */
function signV4(raw: RawRequest, signing: V4Signing, headers: Record<string, string>): void {
  const date = raw.date ?? new Date();
  const day = compactDate(date).slice(0, 8);
  const signedDate = signing.dateOnly === true ? date.toUTCString() : compactDate(date);
  delete headers["x-oss-date"];
  if (signing.dateOnly === true) {
    headers.date = signedDate;
  } else {
    headers["x-oss-date"] = signedDate;
  }
  headers["x-oss-content-sha256"] = "UNSIGNED-PAYLOAD";
  const [path = "", search = ""] = raw.path.split("?", 2);
  const [bucket, ...key] = path.slice(1).split("/");
  const queries = Object.fromEntries(
    search === ""
      ? []
      : search.split("&").map((pair) => {
          const [name = "", value] = pair.split("=", 2);
          return [decodeURIComponent(name), value === undefined ? null : decodeURIComponent(value)];
        }),
  );
  const lowerCase = Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const canonical = aliOssSigning.getCanonicalRequest(
    raw.method,
    { headers: lowerCase, queries },
    bucket === "" ? undefined : bucket,
    key.length === 0 || key.join("/") === "" ? undefined : decodeURIComponent(key.join("/")),
  );
  const scope = [
    day,
    signing.region ?? "cn-hangzhou",
    signing.product ?? "oss",
    signing.terminator ?? "aliyun_v4_request",
  ];
  const stringToSign = [
    "OSS4-HMAC-SHA256",
    signedDate,
    scope.join("/"),
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n");
  const key4 = scope.reduce<string | Buffer>(
    (secret, part) => createHmac("sha256", secret).update(part).digest(),
    `aliyun_v4${signing.accessKeySecret}`,
  );
  const signature = createHmac("sha256", key4).update(stringToSign).digest("hex");
  headers.authorization = `OSS4-HMAC-SHA256 Credential=${signing.accessKeyId}/${scope.join("/")},Signature=${signature}`;
}

/** A raw answer. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** The `<Code>` of an OSS error body, or undefined. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}

/** The text of the first element `name` in an XML body, or undefined. */
export function elementText(body: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
}

/** Sends a raw request to `endpoint` (`http://127.0.0.1:port`). */
export function rawRequest(endpoint: string, raw: RawRequest): Promise<RawResponse> {
  const url = new URL(endpoint);
  const body = raw.body ?? "";
  const headers: Record<string, string> = {
    host: raw.host ?? url.host,
    ...(raw.noDate === true ? {} : { "x-oss-date": (raw.date ?? new Date()).toUTCString() }),
    ...(body === "" ? {} : { "content-md5": createHash("md5").update(body).digest("base64") }),
    ...raw.headers,
  };
  if (raw.signWithV4 !== undefined) {
    signV4(raw, raw.signWithV4, headers);
  }
  if (raw.signWith !== undefined) {
    const ossHeaders = Object.keys(headers)
      .filter((name) => name.toLowerCase().startsWith("x-oss-"))
      .sort()
      .map((name) => `${name.toLowerCase()}:${(headers[name] ?? "").trim()}\n`)
      .join("");
    const stringToSign =
      [
        raw.method,
        headers["content-md5"] ?? "",
        headers["content-type"] ?? "",
        headers["x-oss-date"] ?? headers.date ?? "",
      ].join("\n") +
      "\n" +
      ossHeaders +
      (raw.resource ?? raw.path);
    const signature = createHmac("sha1", raw.signWith.accessKeySecret)
      .update(stringToSign)
      .digest("base64");
    headers.authorization = `OSS ${raw.signWith.accessKeyId}:${signature}`;
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        headers,
        agent: false,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => {
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
