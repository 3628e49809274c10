/**
 * Raw HTTP requests to an OSS endpoint, signed with V1 by a few lines written here from the wire
 * contract (not by the emulator's own code), so that conformance tests control every byte.
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
  /** The canonical resource to sign; defaults to the path when path style. */
  readonly resource?: string;
  /** The request time; defaults to now. */
  readonly date?: Date;
  /** Leave out every date header. */
  readonly noDate?: boolean;
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
