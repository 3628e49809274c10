/**
 * Signed OSS requests through ali-oss, with retries: what every OSS call of this package goes
 * through, so that signing, timeouts, retries and error translation are one code path.
 *
 * Calls go through the client's own signed request path (`client.request`) with headers and
 * bodies built by the callers: ali-oss's higher-level methods rename or drop headers this package
 * must send as they are (its `putBucketEncryption` drops `KMSDataEncryption`; its `copy` renames
 * every given header to a copy condition).
 */
import type OSS from "ali-oss";
import type { OssConnection } from "./connection";
import { failureOf, isRetryable, type OssOperation, OssRequestError } from "./errors";
import { type Clock, SYSTEM_CLOCK, withRetries } from "./retry";
import { DEFAULT_STORE_TIMINGS, type StoreTimings } from "./storeTimings";

/** One signed request, as ali-oss's request path takes it (the parts this package uses). */
export interface SignedRequest {
  readonly method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE";
  readonly bucket: string;
  /** The object key, for object calls. */
  readonly object?: string;
  /** Subresources, signed: `encryption`, `{ uploadId, partNumber }`, `acl`, … */
  readonly subres?: string | Readonly<Record<string, string | number>>;
  /** Query parameters that are not subresources (`list-type`, `prefix`, …). */
  readonly query?: Readonly<Record<string, string | number>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly mime?: string;
  readonly content?: string;
  /** Parse an XML answer into `data`. */
  readonly xmlResponse?: boolean;
  readonly successStatuses: readonly number[];
}

/** An answer: the parsed body (for XML answers), the status and the headers. */
export interface SignedAnswer {
  readonly data: unknown;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** ali-oss's signed request path; present on every client but missing from its type definitions. */
interface SignedRequestClient {
  request(params: SignedRequest & { readonly timeout: number }): Promise<{
    readonly data: unknown;
    readonly res: {
      readonly status: number;
      readonly headers: Readonly<Record<string, string | undefined>>;
    };
  }>;
}

/** The HTTP client ali-oss sends through (urllib), as it calls it. */
interface HttpClient {
  request(url: unknown, options: unknown): Promise<unknown>;
}

/** A `.` or `..` path segment. */
const DOT_SEGMENT = /\/\.\.?(?=\/|$)/;

/**
 * `http`, sending a path with `.` or `..` segments as it is. urllib parses a URL given as text
 * with WHATWG URL, which resolves such segments: the key "a/../b" would be sent as "b" (and
 * refused, signed for "a/../b"). OSS takes such keys, and other SDKs write them. A URL given
 * parsed, in the fields urllib reads, is sent as it is.
 */
function keepingDotSegments(http: HttpClient): HttpClient {
  return {
    request: (url, options) =>
      http.request(typeof url === "string" ? withPathAsItIs(url) : url, options),
  };
}

/**
 * `url` as it is when its path has no dot segment; else parsed, in the fields urllib reads, its
 * path as it is.
 */
export function withPathAsItIs(url: string): string | Readonly<Record<string, string | null>> {
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url)?.[1] ?? "";
  if (!DOT_SEGMENT.test(path.split("?")[0] ?? "")) {
    return url;
  }
  const parsed = new URL(url);
  return {
    href: url,
    protocol: parsed.protocol,
    host: parsed.host,
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: parsed.port,
    path,
    auth: null,
  };
}

/** A failure whose code the caller expects (a 404 it treats as an answer), returned as a value. */
export interface ExpectedFailure {
  readonly expected: string;
}

/** Sends signed requests for one connection, retrying what is worth retrying. */
export class SignedRequests {
  private readonly client: SignedRequestClient;
  /** The credentials no error message may carry. */
  private readonly secrets: readonly string[];

  constructor(
    private readonly connection: OssConnection,
    private readonly timings: StoreTimings = DEFAULT_STORE_TIMINGS,
    private readonly clock: Clock = SYSTEM_CLOCK,
  ) {
    const { credentials, endpoint, region, signatureVersion } = connection;
    // Loaded on first use: programs that only declare resources, and previews, never call OSS,
    // and ali-oss adds about 160 ms to every process that loads it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Client = require("ali-oss") as typeof OSS;
    const client = new Client({
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
      ...(credentials.securityToken === undefined ? {} : { stsToken: credentials.securityToken }),
      endpoint,
      region: `oss-${region}`,
      secure: endpoint.startsWith("https:"),
      timeout: timings.requestTimeoutMs,
      authorizationV4: signatureVersion === "v4",
      // Without a refresh setting ali-oss warns on the console for every client built with a token.
      refreshSTSTokenInterval: Number.MAX_SAFE_INTEGER,
    });
    // ali-oss's `urllib` option would also drop its keep-alive agent: its client is wrapped.
    const http = client as unknown as { urllib: HttpClient };
    http.urllib = keepingDotSegments(http.urllib);
    this.client = client as unknown as SignedRequestClient;
    this.secrets = [credentials.accessKeySecret, credentials.securityToken ?? ""];
  }

  /**
   * Sends `request` with retries. A failure with one of the `expected` codes comes back as a
   * value; every other failure is thrown as an `OssRequestError` naming `operation`.
   */
  async send(
    operation: OssOperation,
    request: SignedRequest,
    expected: readonly string[] = [],
  ): Promise<SignedAnswer | ExpectedFailure> {
    const attempt = async (timeLeftMs: number): Promise<SignedAnswer | ExpectedFailure> => {
      try {
        const { data, res } = await this.client.request({
          ...request,
          // No attempt may outlast the retry deadline.
          timeout: Math.max(1, Math.min(this.timings.requestTimeoutMs, timeLeftMs)),
        });
        return { data, status: res.status, headers: res.headers };
      } catch (error) {
        const { code } = failureOf(error, this.secrets);
        if (expected.includes(code)) {
          return { expected: code };
        }
        throw error;
      }
    };
    return withRetries(
      attempt,
      (error) => isRetryable(failureOf(error, this.secrets)),
      (error, { attempts }) =>
        new OssRequestError(
          operation,
          request.bucket,
          failureOf(error, this.secrets),
          attempts,
          this.connection.credentials.source,
          request.object,
        ),
      this.timings.retry,
      this.clock,
    );
  }
}

/** Whether an answer is one of the expected failures. */
export function isExpected(answer: SignedAnswer | ExpectedFailure): answer is ExpectedFailure {
  return "expected" in answer;
}
