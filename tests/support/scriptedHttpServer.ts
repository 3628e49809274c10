/**
 * A real HTTP server on 127.0.0.1 and a free port that answers from a script and records every
 * request, for testing the OSS adapter's wire behaviour without the full emulator.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the server received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How to answer one request. */
export type ScriptedAnswer =
  | { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> }
  | { readonly reset: true }
  | { readonly delayMs: number; readonly status: number };

/** A running scripted server. */
export interface ScriptedHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Every request so far, in order. */
  readonly requests: RecordedRequest[];
  /** Queues answers; when the queue is empty the server answers 200 with no body. */
  answer(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

/** An OSS error body, as OSS sends it. */
export function ossError(
  status: number,
  code: string,
  message = `${code} message`,
): ScriptedAnswer {
  return {
    status,
    headers: { "content-type": "application/xml", "x-oss-request-id": "5F0000000000000000000ABC" },
    body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message><RequestId>5F0000000000000000000ABC</RequestId><HostId>logs.oss-cn-hangzhou.aliyuncs.com</HostId><EC>0000-00000000</EC></Error>`,
  };
}

/** Starts a scripted server on a free loopback port. */
export async function startScriptedHttpServer(): Promise<ScriptedHttpServer> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedAnswer[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const next = queue.shift() ?? { status: 200 };
      if ("reset" in next) {
        request.socket.destroy();
        return;
      }
      const send = () => {
        const body = "body" in next ? (next.body ?? "") : "";
        response.writeHead(next.status, "headers" in next ? next.headers : {});
        response.end(body);
      };
      if ("delayMs" in next) {
        setTimeout(send, next.delayMs);
      } else {
        send();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    answer: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
