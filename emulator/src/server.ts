/**
 * The emulator's HTTP server: reads a request, works out the operation, applies injected faults,
 * authenticates, runs the operation and answers with OSS's headers and XML error bodies.
 * Requests under `/_emulator/` (which no bucket name can start with) go to the admin API.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { resolveAddress } from "./addressing";
import { authenticate, type EmulatorCredential } from "./auth";
import type { FaultPlan } from "./faults";
import type { RequestJournal } from "./journal";
import { HANDLERS, identifyOperation, type OssRequest, type OssResponse } from "./operations";
import { MESSAGES, OssError } from "./ossError";
import type { Headers, QueryParameters } from "./signing";
import type { EmulatorState } from "./state";
import { toXml } from "./xml";

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
  /** Answers admin requests (`/_emulator/...`). */
  readonly admin: (method: string, path: string, body: string) => Promise<OssResponse>;
}

/** The path-style "bucket" of the admin API; `_` cannot start a real bucket name. */
const ADMIN_BUCKET = "_emulator";

/** A request id the way OSS writes them: 24 upper-case hex digits. */
function newRequestId(): string {
  return randomBytes(12).toString("hex").toUpperCase();
}

/** An `x-oss-ec` value; stable per code. The emulator's EC values are not OSS's real ones. */
function errorCodeNumber(code: string): string {
  let hash = 0;
  for (const character of code) {
    hash = (hash * 31 + character.charCodeAt(0)) >>> 0;
  }
  return `0000-${String(hash % 100_000_000).padStart(8, "0")}`;
}

function parseQuery(search: string): QueryParameters {
  if (search === "") {
    return [];
  }
  return search.split("&").map((pair) => {
    const equals = pair.indexOf("=");
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const value = equals < 0 ? "" : pair.slice(equals + 1);
    return [decodeURIComponent(name), decodeURIComponent(value)] as const;
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

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      resolve(Buffer.concat(chunks));
    });
    request.on("error", reject);
  });
}

function errorBody(error: OssError, requestId: string, host: string): string {
  const ec = errorCodeNumber(error.code);
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

function send(
  response: ServerResponse,
  method: string,
  requestId: string,
  answer: OssResponse,
): void {
  const body =
    method === "HEAD" || answer.body === undefined ? Buffer.alloc(0) : Buffer.from(answer.body);
  response.writeHead(answer.status, {
    server: "AliyunOSS",
    date: new Date().toUTCString(),
    "x-oss-request-id": requestId,
    "content-length": String(body.length),
    // A HEAD answer states the length the GET would have, and so overrides the one above.
    ...answer.headers,
  });
  response.end(body);
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
    "x-oss-ec": errorCodeNumber(error.code),
    // HEAD answers carry no body; SDKs read the error from this header instead.
    ...(method === "HEAD" ? { "x-oss-err": Buffer.from(body).toString("base64") } : {}),
  };
  return { status: error.status, headers, body };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates the emulator's HTTP server (not yet listening). */
export function createOssServer(parts: ServerParts): Server {
  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const started = Date.now();
    const body = await readBody(incoming);
    const method = incoming.method ?? "GET";
    const rawUrl = incoming.url ?? "/";
    const [path = "/", search = ""] = rawUrl.split("?", 2);
    const host = incoming.headers.host ?? "";
    const address = resolveAddress(host, path);

    if (address.bucket === ADMIN_BUCKET) {
      const answer = await parts.admin(method, address.key ?? "", body.toString("utf8"));
      send(response, method, newRequestId(), answer);
      return;
    }

    const request: OssRequest = {
      method,
      headers: lowerCaseHeaders(incoming),
      address,
      query: parseQuery(search),
      body,
    };
    const operation = identifyOperation(request);
    parts.journal.arrived(operation ?? "Unsupported");
    const requestId = newRequestId();
    const record = (
      status: number,
      extra: { code?: string; accessKeyId?: string; fault?: "error" | "reset" | "delay" },
    ) => {
      parts.journal.add({
        time: new Date(started).toISOString(),
        operation: operation ?? "Unsupported",
        method,
        url: rawUrl,
        ...(address.bucket === undefined ? {} : { bucket: address.bucket }),
        ...(address.key === undefined ? {} : { key: address.key }),
        status,
        requestId,
        durationMs: Date.now() - started,
        ...extra,
        ...(operation === "PutObject" ? {} : { body: body.toString("utf8") }),
      });
    };

    const fault =
      operation === undefined ? undefined : parts.faults.take(operation, address.bucket);
    const delay = parts.faults.latency() + (fault?.kind === "delay" ? fault.ms : 0);
    if (delay > 0) {
      await sleep(delay);
    }
    if (fault?.kind === "reset") {
      record(0, { fault: "reset" });
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
          headers: request.headers,
          bucket: address.bucket,
          key: address.key,
          query: request.query,
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
      answer = HANDLERS[operation]({
        request,
        state: parts.state,
        caller,
        region: address.region ?? parts.region,
      });
    } catch (error) {
      if (!(error instanceof OssError)) {
        throw error;
      }
      code = error.code;
      answer = errorAnswer(error, method, requestId, host.replace(/:\d+$/, ""));
    }
    record(answer.status, {
      ...(code === undefined ? {} : { code }),
      ...(accessKeyId === undefined ? {} : { accessKeyId }),
      ...(fault === undefined ? {} : { fault: fault.kind }),
    });
    send(response, method, requestId, answer);
  };

  return createServer((incoming, response) => {
    handle(incoming, response).catch((error: unknown) => {
      const requestId = newRequestId();
      const message = error instanceof Error ? error.message : String(error);
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
      );
    });
  });
}
