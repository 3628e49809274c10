/**
 * What every operation handler works with: the request and answer types, the context a handler
 * gets, the caller's bucket and object as the state holds them, and the small readers of query
 * parameters and XML bodies that several operations share.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import type { Address } from "./addressing";
import type { EmulatorCredential } from "./auth";
import { COPY_SOURCE_HEADER, copySourceOf } from "./objectHeaders";
import { MESSAGES, OssError } from "./ossError";
import type { Headers, QueryParameters } from "./signing";
import type { EmulatorState, StoredBucket, StoredObject } from "./state";
import type { ObjectUpload } from "./storage";
import { childrenNamed, MalformedXmlError, parseXml, type XmlElement, type XmlFields } from "./xml";

/** A request as the operations see it; its body is read through the context. */
export interface OssRequest {
  readonly method: string;
  /** Header names lower case. */
  readonly headers: Headers;
  readonly address: Address;
  readonly query: QueryParameters;
}

/** An answer before the server adds its common headers. */
export interface OssResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** The body; a stream is sent as it is read (an object's bytes). */
  readonly body?: string | Buffer | Readable;
}

/** What a handler gets: the request, the state, the caller, the region, and its body readers. */
export interface OperationContext {
  readonly request: OssRequest;
  readonly state: EmulatorState;
  readonly caller: EmulatorCredential;
  /** The region the request was addressed to (the Host's, else the emulator's). */
  readonly region: string;
  /** The body as text, within the XML size limit. */
  readXmlBody(): Promise<string>;
  /** Receives the body as an object's bytes, within the object size limit. */
  receiveObject(): Promise<ObjectUpload>;
}

/** What an operation does; it reads the request body, if it takes one, through the context. */
export type Handler = (context: OperationContext) => OssResponse | Promise<OssResponse>;

/** The NoSuchBucket answer for the bucket `name`. */
export function noSuchBucket(name: string): OssError {
  return new OssError(404, "NoSuchBucket", MESSAGES.NoSuchBucket, { BucketName: name });
}

/** The account a key belongs to: keys with the same account see the same buckets. */
export function accountOf(credential: EmulatorCredential): string {
  return credential.account ?? "default";
}

/**
 * The bucket `name`, which must exist and belong to the caller's account.
 *
 * @throws OssError 404 NoSuchBucket, or 403 AccessDenied for another account's bucket.
 */
export function callersBucket(context: OperationContext, name: string): StoredBucket {
  const bucket = context.state.bucket(name);
  if (bucket === undefined) {
    throw noSuchBucket(name);
  }
  if (bucket.owner !== accountOf(context.caller)) {
    throw new OssError(403, "AccessDenied", MESSAGES.AccessDenied);
  }
  return bucket;
}

/** The bucket a request addresses; it must exist and belong to the caller's account. */
export function existingBucket(context: OperationContext): StoredBucket {
  return callersBucket(context, context.request.address.bucket ?? "");
}

/** The NoSuchKey answer for the object `key`. */
export function noSuchKey(key: string): OssError {
  return new OssError(404, "NoSuchKey", MESSAGES.NoSuchKey, { Key: key });
}

/** The object a request addresses, in the caller's bucket; answers NoSuchKey when absent. */
export function existingObject(context: OperationContext): {
  bucket: StoredBucket;
  object: StoredObject;
} {
  const bucket = existingBucket(context);
  const key = context.request.address.key ?? "";
  const object = bucket.objects.get(key);
  if (object === undefined) {
    throw noSuchKey(key);
  }
  return { bucket, object };
}

/**
 * The object a copy reads (`x-oss-copy-source`), in a bucket of the caller's account. Versioning
 * keeps no versions here: every object is its one version, `null`.
 *
 * @throws OssError 400 InvalidArgument for a malformed source (with `ec`, where the operation has
 *   its own), 404 NoSuchBucket, NoSuchKey or NoSuchVersion, 403 AccessDenied for another
 *   account's bucket.
 */
export function copySourceObject(
  context: OperationContext,
  ec?: string,
): { bucket: StoredBucket; object: StoredObject } {
  const source = copySourceOf(context.request.headers[COPY_SOURCE_HEADER] ?? "", ec);
  const bucket = callersBucket(context, source.bucket);
  const object = bucket.objects.get(source.key);
  if (object === undefined) {
    throw noSuchKey(source.key);
  }
  if (source.versionId !== undefined && source.versionId !== "null") {
    throw new OssError(404, "NoSuchVersion", MESSAGES.NoSuchVersion, {
      Key: source.key,
      VersionId: source.versionId,
    });
  }
  return { bucket, object };
}

/** Checks a body's Content-MD5, when the request sent one. */
export function checkContentMd5(request: OssRequest, md5: Buffer): void {
  const sent = request.headers["content-md5"];
  if (sent !== undefined && sent !== md5.toString("base64")) {
    throw new OssError(400, "InvalidDigest", MESSAGES.InvalidDigest, { "Content-MD5": sent });
  }
}

/** The MD5 of a text body. */
export function md5Of(text: string): Buffer {
  return createHash("md5").update(text).digest();
}

/** The MalformedXML answer. */
export function malformedXml(): OssError {
  return new OssError(400, "MalformedXML", MESSAGES.MalformedXML);
}

/** The single text child `name` of `parent`; absent gives undefined, more than one is malformed. */
export function singleText(parent: XmlElement, name: string): string | undefined {
  const found = childrenNamed(parent, name);
  if (found.length > 1 || found.some((element) => element.children.length > 0)) {
    throw new MalformedXmlError(`${name} must appear at most once, as text`);
  }
  return found[0]?.text.trim();
}

/** Parses a body, answering MalformedXML for anything that is not well-formed or as expected. */
export function parseBody<T>(body: string, read: (root: XmlElement) => T): T {
  try {
    return read(parseXml(body));
  } catch (error) {
    if (error instanceof MalformedXmlError) {
      throw malformedXml();
    }
    throw error;
  }
}

/** A 200 answer with an XML body, and `headers` besides. */
export function xml(text: string, headers: Readonly<Record<string, string>> = {}): OssResponse {
  return {
    status: 200,
    headers: { "content-type": "application/xml", ...headers },
    body: text,
  };
}

/** The `<Owner>` elements of an account. */
export function owner(account: string): XmlFields {
  return { ID: account, DisplayName: account };
}

/** A query parameter's value, or undefined when absent. */
export function queryValue(request: OssRequest, name: string): string | undefined {
  return request.query.find(([key]) => key === name)?.[1];
}

/**
 * The `max-keys` (or `max-uploads`, `max-parts`) of a list request: 1 to 1000, default
 * `fallback`.
 *
 * @throws OssError 400 InvalidArgument for a value out of range.
 */
export function maxKeys(request: OssRequest, name: string, fallback: number): number {
  const text = queryValue(request, name);
  if (text === undefined || text === "") {
    return fallback;
  }
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= 1_000)) {
    throw new OssError(400, "InvalidArgument", `${name} must be from 1 to 1000.`, {
      ArgumentName: name,
      ArgumentValue: text,
    });
  }
  return value;
}

/** Writes names as the request's `encoding-type` asks: `url` percent-encodes them. */
export function encoderFor(request: OssRequest): (text: string) => string {
  return queryValue(request, "encoding-type") === "url"
    ? (text) => encodeURIComponent(text)
    : (text) => text;
}

/** An object's ETag as OSS writes it: upper case, quoted. */
export function etagOf(object: Pick<StoredObject, "etag">): string {
  return `"${object.etag.toUpperCase()}"`;
}
