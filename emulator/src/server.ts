/**
 * The emulator's HTTP server. For each request it works out the address and the operation from
 * the URL, applies injected faults, authenticates from the headers, and only then lets the
 * operation read the body, within a size limit; it answers with OSS's headers and XML error
 * bodies. Path-style requests under `/_emulator/` (a name no bucket can have) go to the admin API,
 * which needs the admin token.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { type Address, decodeUriPart, resolveAddress } from "./addressing";
import { authenticate, type EmulatorCredential } from "./auth";
import type { Fault, FaultPlan } from "./faults";
import type { RequestJournal } from "./journal";
import type { OssRequest, OssResponse } from "./context";
import { HANDLERS, identifyOperation } from "./operations";
import { errorCodeOf, MESSAGES, OssError } from "./ossError";
import type { Headers, QueryParameters } from "./signing";
import type { EmulatorState } from "./state";
import type { ObjectUpload } from "./storage";
import { toXml } from "./xml";

/** How large request bodies may be. */
export interface BodyLimits {
  /** The largest object, in bytes. */
  readonly maxObjectSize: number;
  /** The largest XML body (a rule, a list of keys to delete), in bytes. */
  readonly maxXmlSize: number;
}

/** Answers one admin request: method, path under `/_emulator/`, body. */
export type AdminApi = (method: string, path: string, body: string) => Promise<OssResponse>;

/** Everything the server works with. */
export interface ServerParts {
  readonly state: EmulatorState;
  readonly faults: FaultPlan;
  readonly journal: RequestJournal;
  /** Read at each request, so that tests can change credentials while the server runs. */
  readonly credentials: () => readonly EmulatorCredential[];
  /** Milliseconds added to the server's clock, to emulate a skewed client. */
  readonly clockOffsetMs: number;
  /** The region this endpoint serves, e.g. `cn-hangzhou`: V4 signatures must be scoped to it. */
  readonly region: string;
  readonly limits: BodyLimits;
  readonly admin: AdminApi;
  /** The token admin requests must carry as `Authorization: Bearer <token>`. */
  readonly adminToken: string;
}

/** The path-style "bucket" of the admin API; `_` cannot start a real bucket name. */
const ADMIN_BUCKET = "_emulator";

/** The largest admin request body. */
const MAX_ADMIN_BODY = 64 * 1024;

/** An unread body up to this size is drained to keep the connection; a larger one closes it. */
const DRAIN_LIMIT = 64 * 1024;

/** A request id the way OSS writes them: 24 upper-case hex digits. */
function newRequestId(): string {
  return randomBytes(12).toString("hex").toUpperCase();
}

/** Splits a query string into decoded parameters; an empty value stands for a bare key. */
function parseQuery(search: string): QueryParameters {
  if (search === "") {
    return [];
  }
  return search.split("&").map((pair) => {
    const equals = pair.indexOf("=");
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const value = equals < 0 ? "" : pair.slice(equals + 1);
    return [decodeUriPart(name), decodeUriPart(value)] as const;
  });
}

function lowerCaseHeaders(request: IncomingMessage): Headers {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
    }
  }
  return headers;
}

function entityTooLarge(limit: number): OssError {
  return new OssError(400, "EntityTooLarge", MESSAGES.EntityTooLarge, { MaxSizeAllowed: limit });
}

/** The length a request declares, or undefined when it streams without one. */
function declaredLength(request: IncomingMessage): number | undefined {
  const header = request.headers["content-length"];
  return header === undefined ? undefined : Number(header);
}

/** Reads a request body, refusing it as soon as it exceeds `limit` bytes. */
async function readLimited(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = declaredLength(request);
  if (declared !== undefined && declared > limit) {
    throw entityTooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      throw entityTooLarge(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Streams a request body into an upload, refusing it as soon as it exceeds `limit` bytes. */
async function receiveLimited(
  request: IncomingMessage,
  upload: ObjectUpload,
  limit: number,
): Promise<void> {
  const declared = declaredLength(request);
  if (declared !== undefined && declared > limit) {
    throw entityTooLarge(limit);
  }
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (upload.size + chunk.length > limit) {
      throw entityTooLarge(limit);
    }
    upload.write(chunk);
  }
}

function errorBody(error: OssError, requestId: string, host: string): string {
  const ec = errorCodeOf(error);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    toXml({
      Code: error.code,
      Message: error.message,
      RequestId: requestId,
      HostId: host,
      ...error.extras,
      EC: ec,
      RecommendDoc: `https://api.aliyun.com/troubleshoot?q=${ec}`,
    }) +
    "</Error>"
  );
}

function errorAnswer(
  error: OssError,
  method: string,
  requestId: string,
  host: string,
): OssResponse {
  const body = errorBody(error, requestId, host);
  const headers = {
    "content-type": "application/xml",
    "x-oss-ec": errorCodeOf(error),
    // HEAD answers carry no body; SDKs read the error from this header instead.
    ...(method === "HEAD" ? { "x-oss-err": Buffer.from(body).toString("base64") } : {}),
  };
  return { status: error.status, headers, body };
}

function send(
  response: ServerResponse,
  method: string,
  requestId: string,
  answer: OssResponse,
  closeConnection: boolean,
): void {
  const common = {
    server: "AliyunOSS",
    date: new Date().toUTCString(),
    "x-oss-request-id": requestId,
    ...(closeConnection ? { connection: "close" } : {}),
  };
  if (answer.body instanceof Readable) {
    response.writeHead(answer.status, { ...common, ...answer.headers });
    if (method === "HEAD") {
      answer.body.destroy();
      response.end();
    } else {
      answer.body.pipe(response);
    }
    return;
  }
  const body =
    method === "HEAD" || answer.body === undefined ? Buffer.alloc(0) : Buffer.from(answer.body);
  response.writeHead(answer.status, {
    ...common,
    "content-length": String(body.length),
    // A HEAD answer states the length the GET would have, and so overrides the one above.
    ...answer.headers,
  });
  response.end(body);
}

// Unreferenced: a delayed answer must not keep a closed emulator's process alive.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Whether an admin request carries the admin token. */
function hasAdminToken(request: IncomingMessage, token: string): boolean {
  const sent = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "");
  const expected = Buffer.from(token);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

async function answerAdmin(
  parts: ServerParts,
  incoming: IncomingMessage,
  method: string,
  address: Address,
): Promise<OssResponse> {
  if (!hasAdminToken(incoming, parts.adminToken)) {
    return {
      status: 401,
      headers: { "content-type": "application/json", "www-authenticate": "Bearer" },
      body: JSON.stringify({
        error:
          "the admin API needs the admin token as Authorization: Bearer <token> (printed at start, or given with --admin-token or OSS_EMULATOR_ADMIN_TOKEN)",
      }),
    };
  }
  const body = await readLimited(incoming, MAX_ADMIN_BODY);
  return parts.admin(method, address.key ?? "", body.toString("utf8"));
}

/** Creates the emulator's HTTP server (not yet listening). */
export function createOssServer(parts: ServerParts): Server {
  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = Date.now();
    const method = incoming.method ?? "GET";
    const rawUrl = incoming.url ?? "/";
    const [path = "/", search = ""] = rawUrl.split("?", 2);
    const host = incoming.headers.host ?? "";
    const hostId = host.replace(/:\d+$/, "");
    const requestId = newRequestId();
    const headers = lowerCaseHeaders(incoming);
    let bodyRead = false;
    let loggedBody: string | undefined;

    /** Answers and logs; a body left unread is drained when small, else the connection closes. */
    const finish = (
      operation: string,
      answer: OssResponse,
      extra: {
        address?: Address;
        code?: string;
        accessKeyId?: string;
        fault?: Fault["kind"];
      },
    ) => {
      const unread = !bodyRead && !incoming.readableEnded;
      const declared = declaredLength(incoming);
      const close = unread && (declared === undefined || declared > DRAIN_LIMIT);
      parts.journal.add({
        time: new Date(started).toISOString(),
        operation,
        method,
        url: rawUrl,
        ...(extra.address?.bucket === undefined ? {} : { bucket: extra.address.bucket }),
        ...(extra.address?.key === undefined ? {} : { key: extra.address.key }),
        status: answer.status,
        requestId,
        durationMs: Date.now() - started,
        ...(extra.code === undefined ? {} : { code: extra.code }),
        ...(extra.accessKeyId === undefined ? {} : { accessKeyId: extra.accessKeyId }),
        ...(extra.fault === undefined ? {} : { fault: extra.fault }),
        ...(loggedBody === undefined ? {} : { body: loggedBody }),
      });
      if (extra.fault === "lose") {
        // Carried out, then the connection is cut: the client never learns that it was.
        incoming.socket.destroy();
        return;
      }
      send(response, method, requestId, answer, close);
      if (unread && !close) {
        incoming.resume();
      }
    };

    let address: Address;
    let query: QueryParameters;
    try {
      address = resolveAddress(host, path);
      query = parseQuery(search);
    } catch (error) {
      if (!(error instanceof OssError)) {
        throw error;
      }
      parts.journal.arrived("Malformed");
      finish("Malformed", errorAnswer(error, method, requestId, hostId), { code: error.code });
      return;
    }

    if (address.bucket === ADMIN_BUCKET && address.style === "path") {
      bodyRead = true;
      const answer = await answerAdmin(parts, incoming, method, address).catch((error: unknown) => {
        if (error instanceof OssError) {
          return errorAnswer(error, method, requestId, hostId);
        }
        throw error;
      });
      send(response, method, requestId, answer, false);
      return;
    }

    const request: OssRequest = { method, headers, address, query };
    const operation = identifyOperation(request);
    const operationName = operation ?? "Unsupported";
    parts.journal.arrived(operationName);

    const fault =
      operation === undefined ? undefined : parts.faults.take(operation, address.bucket);
    const delay = parts.faults.latency() + (fault?.kind === "delay" ? fault.ms : 0);
    if (delay > 0) {
      await sleep(delay);
    }
    /** Logs a request that got no answer: its connection was cut, or its client went away. */
    const record = (status: 0) => {
      parts.journal.add({
        time: new Date(started).toISOString(),
        operation: operationName,
        method,
        url: rawUrl,
        ...(address.bucket === undefined ? {} : { bucket: address.bucket }),
        ...(address.key === undefined ? {} : { key: address.key }),
        status,
        requestId,
        durationMs: Date.now() - started,
        ...(fault === undefined ? {} : { fault: fault.kind }),
      });
    };
    if (fault?.kind === "reset") {
      record(0);
      incoming.socket.destroy();
      return;
    }

    let answer: OssResponse;
    let code: string | undefined;
    let accessKeyId: string | undefined;
    try {
      if (fault?.kind === "error") {
        throw new OssError(
          fault.status,
          fault.code,
          `${fault.code} (injected by the local OSS endpoint).`,
        );
      }
      if (operation === undefined) {
        throw new OssError(501, "NotImplemented", MESSAGES.NotImplemented);
      }
      const now = new Date(Date.now() + parts.clockOffsetMs);
      const caller = authenticate(
        {
          method,
          headers,
          bucket: address.bucket,
          key: address.key,
          query,
          hostRegion: address.region,
        },
        parts.credentials(),
        now,
        parts.region,
      );
      accessKeyId = caller.accessKeyId;
      if (caller.deniedOperations?.includes(operation) === true) {
        throw new OssError(
          403,
          "AccessDenied",
          "You are not authorized to do this action. You should be authorized by RAM.",
        );
      }
      answer = await HANDLERS[operation]({
        request,
        state: parts.state,
        caller,
        region: address.region ?? parts.region,
        readXmlBody: async () => {
          bodyRead = true;
          const text = (await readLimited(incoming, parts.limits.maxXmlSize)).toString("utf8");
          loggedBody = text;
          return text;
        },
        receiveObject: async () => {
          bodyRead = true;
          const upload = parts.state.newUpload();
          try {
            await receiveLimited(incoming, upload, parts.limits.maxObjectSize);
          } catch (error) {
            upload.discard();
            throw error;
          }
          return upload;
        },
      });
    } catch (error) {
      if (!(error instanceof OssError)) {
        if (incoming.socket.destroyed) {
          // The client went away (a timeout) while its body was read: nobody to answer.
          record(0);
          return;
        }
        throw error;
      }
      code = error.code;
      answer = errorAnswer(error, method, requestId, hostId);
    }
    finish(operationName, answer, {
      address,
      ...(code === undefined ? {} : { code }),
      ...(accessKeyId === undefined ? {} : { accessKeyId }),
      ...(fault === undefined ? {} : { fault: fault.kind }),
    });
  };

  return createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      const requestId = newRequestId();
      const message = error instanceof Error ? error.message : String(error);
      if (response.headersSent) {
        response.destroy();
        return;
      }
      send(
        response,
        incoming.method ?? "GET",
        requestId,
        errorAnswer(
          new OssError(500, "InternalError", message),
          incoming.method ?? "GET",
          requestId,
          "",
        ),
        true,
      );
    });
  });
}
