/**
 * The encryption store over ali-oss: the three bucket encryption calls, through the signed
 * request path with a body built here, because ali-oss's `putBucketEncryption` drops
 * `KMSDataEncryption` (see `signedRequests.ts`).
 */
import type { EncryptionRule } from "../core/encryptionRule";
import type { OssConnection } from "./connection";
import type { BucketEncryptionState, EncryptionStore } from "./encryptionStore";
import type { OssOperation } from "./errors";
import type { Clock } from "./retry";
import { ruleFromBody, ruleToXml } from "./ruleXml";
import { isExpected, type SignedRequest, SignedRequests } from "./signedRequests";
import type { StoreTimings } from "./storeTimings";

const OPERATION_OF = {
  GET: "GetBucketEncryption",
  PUT: "PutBucketEncryption",
  DELETE: "DeleteBucketEncryption",
} as const satisfies Partial<Record<SignedRequest["method"], OssOperation>>;

/** OSS answers PutBucketEncryption with 200 and DeleteBucketEncryption with 204. */
const SUCCESS_STATUSES: readonly number[] = [200, 204];

/** An `EncryptionStore` that calls OSS through ali-oss, with retries. */
export class AliOssEncryptionStore implements EncryptionStore {
  private readonly requests: SignedRequests;

  constructor(connection: OssConnection, timings?: StoreTimings, clock?: Clock) {
    this.requests = new SignedRequests(connection, timings, clock);
  }

  async read(bucket: string): Promise<BucketEncryptionState> {
    const answer = await this.send(
      bucket,
      "GET",
      ["NoSuchBucket", "NoSuchServerSideEncryptionRule"],
      {
        xmlResponse: true,
      },
    );
    if (!isExpected(answer)) {
      return { kind: "rule", rule: ruleFromBody(answer.data, bucket) };
    }
    return answer.expected === "NoSuchBucket" ? { kind: "noBucket" } : { kind: "noRule" };
  }

  async write(bucket: string, rule: EncryptionRule): Promise<void> {
    await this.send(bucket, "PUT", [], { mime: "xml", content: ruleToXml(rule) });
  }

  async remove(bucket: string): Promise<void> {
    // OSS may answer a bucket without a rule either way: 204, or 404 NoSuchServerSideEncryptionRule.
    await this.send(bucket, "DELETE", ["NoSuchBucket", "NoSuchServerSideEncryptionRule"], {});
  }

  private send(
    bucket: string,
    method: keyof typeof OPERATION_OF,
    expected: readonly string[],
    body: Pick<SignedRequest, "xmlResponse" | "mime" | "content">,
  ) {
    return this.requests.send(
      OPERATION_OF[method],
      { method, bucket, subres: "encryption", successStatuses: SUCCESS_STATUSES, ...body },
      expected,
    );
  }
}
