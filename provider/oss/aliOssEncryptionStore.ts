/**
 * The encryption store over ali-oss: the only code that talks to OSS.
 *
 * All three operations go through the client's own signed request path (`client.request`) with
 * a body built here, because ali-oss's `putBucketEncryption` drops `KMSDataEncryption`; using one
 * path for all three keeps signing, timeouts and error parsing identical.
 */
import type OSS from "ali-oss";
import type { EncryptionRule } from "../core/encryptionRule";
import type { OssConnection } from "./connection";
import type { BucketEncryptionState, EncryptionStore } from "./encryptionStore";
import { failureOf, isRetryable, type OssOperation, OssRequestError } from "./errors";
import { type Clock, SYSTEM_CLOCK, withRetries } from "./retry";
import { ruleFromBody, ruleToXml } from "./ruleXml";
import { DEFAULT_STORE_TIMINGS, type StoreTimings } from "./storeTimings";

/** The request parameters of ali-oss's signed request path that this store uses. */
interface SignedRequest {
  readonly method: "GET" | "PUT" | "DELETE";
  readonly bucket: string;
  readonly subres: "encryption";
  readonly successStatuses: readonly number[];
  readonly xmlResponse?: boolean;
  readonly mime?: string;
  readonly content?: string;
  readonly timeout: number;
}

/** ali-oss's signed request path; present on every client but missing from its type definitions. */
interface SignedRequestClient {
  request(params: SignedRequest): Promise<{ readonly data: unknown }>;
}

const OPERATION_OF = {
  GET: "GetBucketEncryption",
  PUT: "PutBucketEncryption",
  DELETE: "DeleteBucketEncryption",
} as const satisfies Record<SignedRequest["method"], OssOperation>;

/** An `EncryptionStore` that calls OSS through ali-oss, with retries. */
export class AliOssEncryptionStore implements EncryptionStore {
  private readonly client: SignedRequestClient;

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
    this.client = client as unknown as SignedRequestClient;
  }

  async read(bucket: string): Promise<BucketEncryptionState> {
    const result = await this.send(
      bucket,
      "GET",
      ["NoSuchBucket", "NoSuchServerSideEncryptionRule"],
      {
        xmlResponse: true,
      },
    );
    switch (result.kind) {
      case "answered":
        return { kind: "rule", rule: ruleFromBody(result.data, bucket) };
      case "NoSuchBucket":
        return { kind: "noBucket" };
      case "NoSuchServerSideEncryptionRule":
        return { kind: "noRule" };
    }
  }

  async write(bucket: string, rule: EncryptionRule): Promise<void> {
    await this.send(bucket, "PUT", [], { mime: "xml", content: ruleToXml(rule) });
  }

  async remove(bucket: string): Promise<void> {
    // OSS may answer a bucket without a rule either way: 204, or 404 NoSuchServerSideEncryptionRule.
    await this.send(bucket, "DELETE", ["NoSuchBucket", "NoSuchServerSideEncryptionRule"], {});
  }

  /**
   * Sends one signed request with retries. The "not found" codes the caller expects come back as
   * values; every other failure is thrown as an `OssRequestError`.
   */
  private async send(
    bucket: string,
    method: SignedRequest["method"],
    expectedNotFound: readonly NotFoundCode[],
    body: Pick<SignedRequest, "xmlResponse" | "mime" | "content">,
  ): Promise<SendResult> {
    const operation = OPERATION_OF[method];
    const attempt = async (timeLeftMs: number): Promise<SendResult> => {
      const request: SignedRequest = {
        method,
        bucket,
        subres: "encryption",
        successStatuses: SUCCESS_STATUSES,
        // No attempt may outlast the retry deadline.
        timeout: Math.max(1, Math.min(this.timings.requestTimeoutMs, timeLeftMs)),
        ...body,
      };
      try {
        const response = await this.client.request(request);
        return { kind: "answered", data: response.data };
      } catch (error) {
        const failure = failureOf(error);
        const notFound = expectedNotFound.find((code) => code === failure.code);
        if (failure.status === 404 && notFound !== undefined) {
          return { kind: notFound };
        }
        throw error;
      }
    };
    return withRetries(
      attempt,
      (error) => isRetryable(failureOf(error)),
      (error, { attempts }) =>
        new OssRequestError(
          operation,
          bucket,
          failureOf(error),
          attempts,
          this.connection.credentials.source,
        ),
      this.timings.retry,
      this.clock,
    );
  }
}

/** OSS answers PutBucketEncryption with 200 and DeleteBucketEncryption with 204. */
const SUCCESS_STATUSES: readonly number[] = [200, 204];

/** The 404 codes an operation may report as values rather than errors. */
type NotFoundCode = "NoSuchBucket" | "NoSuchServerSideEncryptionRule";

/** A request's answer: a success body, or one of the expected "not found" codes. */
type SendResult =
  { readonly kind: "answered"; readonly data: unknown } | { readonly kind: NotFoundCode };
