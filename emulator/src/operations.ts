/**
 * The OSS operations the emulator serves: which one a request is, and what each one does to the
 * state and answers, following the wire contract.
 */
import { createHash } from "node:crypto";
import type { Address } from "./addressing";
import type { EmulatorCredential } from "./auth";
import { MESSAGES, OssError } from "./ossError";
import type { Headers, QueryParameters } from "./signing";
import {
  type Algorithm,
  ALGORITHMS,
  type EmulatorState,
  type ObjectEncryption,
  type StoredBucket,
  type StoredRule,
} from "./state";
import {
  childrenNamed,
  MalformedXmlError,
  parseXml,
  type XmlElement,
  xmlDocument,
  type XmlFields,
} from "./xml";

/** Every operation the emulator serves, by its OSS API name. */
export const OPERATIONS = [
  "ListBuckets",
  "PutBucket",
  "DeleteBucket",
  "GetBucketInfo",
  "PutBucketEncryption",
  "GetBucketEncryption",
  "DeleteBucketEncryption",
  "PutObject",
  "GetObject",
  "HeadObject",
  "DeleteObject",
] as const;

/** An OSS operation the emulator serves. */
export type OperationName = (typeof OPERATIONS)[number];

/** A request as the operations see it. */
export interface OssRequest {
  readonly method: string;
  /** Header names lower case. */
  readonly headers: Headers;
  readonly address: Address;
  readonly query: QueryParameters;
  readonly body: Buffer;
}

/** An answer before the server adds its common headers. */
export interface OssResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** What a handler gets: the request, the state, the caller and the region it was addressed to. */
export interface OperationContext {
  readonly request: OssRequest;
  readonly state: EmulatorState;
  readonly caller: EmulatorCredential;
  readonly region: string;
}

/** The region an emulator serves unless told otherwise. */
export const DEFAULT_REGION = "cn-hangzhou";

/** Bucket names: 3-63 lowercase letters, digits and hyphens, alphanumeric at both ends. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

const SSE_HEADER = "x-oss-server-side-encryption";
const SSE_DATA_HEADER = "x-oss-server-side-data-encryption";
const SSE_KEY_HEADER = "x-oss-server-side-encryption-key-id";

/** The OSS operation a request calls, or undefined for one the emulator does not serve. */
export function identifyOperation(request: OssRequest): OperationName | undefined {
  const { method, address, query } = request;
  const has = (name: string) => query.some(([key]) => key === name);
  if (address.bucket === undefined) {
    return method === "GET" ? "ListBuckets" : undefined;
  }
  if (address.key !== undefined) {
    const objectOperations: Readonly<Record<string, OperationName>> = {
      PUT: "PutObject",
      GET: "GetObject",
      HEAD: "HeadObject",
      DELETE: "DeleteObject",
    };
    return query.length === 0 ? objectOperations[method] : undefined;
  }
  if (has("encryption")) {
    const encryptionOperations: Readonly<Record<string, OperationName>> = {
      PUT: "PutBucketEncryption",
      GET: "GetBucketEncryption",
      DELETE: "DeleteBucketEncryption",
    };
    return encryptionOperations[method];
  }
  if (has("bucketInfo")) {
    return method === "GET" ? "GetBucketInfo" : undefined;
  }
  if (query.length === 0 && method === "PUT") {
    return "PutBucket";
  }
  return query.length === 0 && method === "DELETE" ? "DeleteBucket" : undefined;
}

function noSuchBucket(name: string): OssError {
  return new OssError(404, "NoSuchBucket", MESSAGES.NoSuchBucket, { BucketName: name });
}

/** The bucket a request addresses; it must exist and belong to the caller's account. */
function existingBucket(context: OperationContext): StoredBucket {
  const name = context.request.address.bucket ?? "";
  const bucket = context.state.bucket(name);
  if (bucket === undefined) {
    throw noSuchBucket(name);
  }
  if (bucket.owner !== accountOf(context.caller)) {
    throw new OssError(403, "AccessDenied", MESSAGES.AccessDenied);
  }
  return bucket;
}

/** The account a key belongs to: keys with the same account see the same buckets. */
export function accountOf(credential: EmulatorCredential): string {
  return credential.account ?? "default";
}

function checkContentMd5(request: OssRequest): void {
  const sent = request.headers["content-md5"];
  if (sent !== undefined && sent !== createHash("md5").update(request.body).digest("base64")) {
    throw new OssError(400, "InvalidDigest", MESSAGES.InvalidDigest, { "Content-MD5": sent });
  }
}

function invalidAlgorithm(): OssError {
  return new OssError(
    400,
    "InvalidEncryptionAlgorithmError",
    MESSAGES.InvalidEncryptionAlgorithmError,
  );
}

function isAlgorithm(value: string): value is Algorithm {
  return (ALGORITHMS as readonly string[]).includes(value);
}

/** The single text child `name` of `parent`; absent gives undefined, more than one is malformed. */
function singleText(parent: XmlElement, name: string): string | undefined {
  const found = childrenNamed(parent, name);
  if (found.length > 1 || found.some((element) => element.children.length > 0)) {
    throw new MalformedXmlError(`${name} must appear at most once, as text`);
  }
  return found[0]?.text.trim();
}

/** Reads a PutBucketEncryption body into the rule OSS stores, or the error OSS answers. */
export function parseEncryptionRule(body: string): StoredRule {
  let root: XmlElement;
  let applied: XmlElement;
  let algorithm: string | undefined;
  let keyId: string | undefined;
  let dataEncryption: string | undefined;
  try {
    root = parseXml(body);
    const defaults = childrenNamed(root, "ApplyServerSideEncryptionByDefault");
    if (
      root.name !== "ServerSideEncryptionRule" ||
      defaults.length !== 1 ||
      root.children.length !== 1
    ) {
      throw new MalformedXmlError(
        "expected one ApplyServerSideEncryptionByDefault in ServerSideEncryptionRule",
      );
    }
    applied = defaults[0] as XmlElement;
    const allowed = ["SSEAlgorithm", "KMSMasterKeyID", "KMSDataEncryption"];
    if (applied.children.some((child) => !allowed.includes(child.name))) {
      throw new MalformedXmlError("unknown element in ApplyServerSideEncryptionByDefault");
    }
    algorithm = singleText(applied, "SSEAlgorithm");
    keyId = singleText(applied, "KMSMasterKeyID");
    dataEncryption = singleText(applied, "KMSDataEncryption");
  } catch (error) {
    if (error instanceof MalformedXmlError) {
      throw new OssError(400, "MalformedXML", MESSAGES.MalformedXML);
    }
    throw error;
  }
  if (algorithm === undefined || !isAlgorithm(algorithm)) {
    throw invalidAlgorithm();
  }
  if (algorithm !== "KMS") {
    if (keyId !== undefined && keyId !== "") {
      throw new OssError(400, "InvalidArgument", MESSAGES.KmsKeyIdNotApplicable, {
        ArgumentName: "KMSMasterKeyID",
        ArgumentValue: keyId,
      });
    }
    // OSS accepts KMSDataEncryption beside AES256 or SM4 and drops it.
    return { sseAlgorithm: algorithm };
  }
  if (dataEncryption !== undefined && dataEncryption !== "" && dataEncryption !== "SM4") {
    throw new OssError(400, "InvalidArgument", "KMSDataEncryption only supports SM4.", {
      ArgumentName: "KMSDataEncryption",
      ArgumentValue: dataEncryption,
    });
  }
  return {
    sseAlgorithm: "KMS",
    ...(keyId === undefined || keyId === "" ? {} : { kmsMasterKeyId: keyId }),
    ...(dataEncryption === "SM4" ? { kmsDataEncryption: "SM4" as const } : {}),
  };
}

/** The rule's elements for GetBucketEncryption: only those that are set. */
function ruleFields(rule: StoredRule): XmlFields {
  return {
    SSEAlgorithm: rule.sseAlgorithm,
    KMSMasterKeyID: rule.kmsMasterKeyId,
    KMSDataEncryption: rule.kmsDataEncryption,
  };
}

const xml = (text: string): OssResponse => ({
  status: 200,
  headers: { "content-type": "application/xml" },
  body: text,
});

function bucketSummary(bucket: StoredBucket): XmlFields {
  return {
    CreationDate: bucket.createdAt.toISOString(),
    ExtranetEndpoint: `oss-${bucket.region}.aliyuncs.com`,
    IntranetEndpoint: `oss-${bucket.region}-internal.aliyuncs.com`,
    Location: `oss-${bucket.region}`,
    Name: bucket.name,
    Region: bucket.region,
    StorageClass: "Standard",
  };
}

function owner(credential: EmulatorCredential): XmlFields {
  return { ID: accountOf(credential), DisplayName: accountOf(credential) };
}

/** The encryption an object gets: its own headers, else the bucket's rule, else none. */
function objectEncryption(request: OssRequest, bucket: StoredBucket): ObjectEncryption | undefined {
  const algorithm = request.headers[SSE_HEADER];
  const dataEncryption = request.headers[SSE_DATA_HEADER];
  const keyId = request.headers[SSE_KEY_HEADER];
  if (algorithm === undefined) {
    if (dataEncryption !== undefined || keyId !== undefined) {
      throw new OssError(
        400,
        "InvalidArgument",
        `${SSE_DATA_HEADER} and ${SSE_KEY_HEADER} need ${SSE_HEADER}: KMS.`,
      );
    }
    const rule = bucket.rule;
    return rule === undefined
      ? undefined
      : rule.sseAlgorithm === "KMS"
        ? {
            algorithm: "KMS",
            keyId: rule.kmsMasterKeyId ?? bucket.defaultKmsKeyId,
            ...(rule.kmsDataEncryption === undefined
              ? {}
              : { dataEncryption: rule.kmsDataEncryption }),
          }
        : { algorithm: rule.sseAlgorithm };
  }
  if (!isAlgorithm(algorithm)) {
    throw invalidAlgorithm();
  }
  if (algorithm !== "KMS") {
    if (dataEncryption !== undefined || keyId !== undefined) {
      throw new OssError(
        400,
        "InvalidArgument",
        `${SSE_DATA_HEADER} and ${SSE_KEY_HEADER} apply only with KMS.`,
      );
    }
    return { algorithm };
  }
  if (dataEncryption !== undefined && dataEncryption !== "SM4") {
    throw new OssError(400, "InvalidArgument", `${SSE_DATA_HEADER} only supports SM4.`, {
      ArgumentName: SSE_DATA_HEADER,
      ArgumentValue: dataEncryption,
    });
  }
  return {
    algorithm: "KMS",
    keyId: keyId ?? bucket.defaultKmsKeyId,
    ...(dataEncryption === "SM4" ? { dataEncryption: "SM4" as const } : {}),
  };
}

function encryptionHeaders(encryption: ObjectEncryption | undefined): Record<string, string> {
  if (encryption === undefined) {
    return {};
  }
  return {
    [SSE_HEADER]: encryption.algorithm,
    ...(encryption.keyId === undefined ? {} : { [SSE_KEY_HEADER]: encryption.keyId }),
    ...(encryption.dataEncryption === undefined
      ? {}
      : { [SSE_DATA_HEADER]: encryption.dataEncryption }),
  };
}

function existingObject(context: OperationContext) {
  const bucket = existingBucket(context);
  const key = context.request.address.key ?? "";
  const object = bucket.objects.get(key);
  if (object === undefined) {
    throw new OssError(404, "NoSuchKey", MESSAGES.NoSuchKey, { Key: key });
  }
  return object;
}

function objectHeaders(object: ReturnType<typeof existingObject>): Record<string, string> {
  return {
    "content-type": object.contentType,
    etag: `"${object.etag.toUpperCase()}"`,
    "last-modified": object.lastModified.toUTCString(),
    "x-oss-object-type": "Normal",
    ...encryptionHeaders(object.encryption),
  };
}

/** What each operation does. Each throws `OssError` for the answers the contract lists. */
export const HANDLERS: Readonly<Record<OperationName, (context: OperationContext) => OssResponse>> =
  {
    ListBuckets: (context) =>
      xml(
        xmlDocument("ListAllMyBucketsResult", {
          Owner: owner(context.caller),
          Buckets: {
            Bucket: context.state
              .allBuckets()
              .filter((bucket) => bucket.owner === accountOf(context.caller))
              .map(bucketSummary),
          },
        }),
      ),

    PutBucket: (context) => {
      const name = context.request.address.bucket ?? "";
      if (!BUCKET_NAME.test(name)) {
        throw new OssError(400, "InvalidBucketName", MESSAGES.InvalidBucketName, {
          BucketName: name,
        });
      }
      const existing = context.state.bucket(name);
      if (existing !== undefined) {
        if (existing.owner !== accountOf(context.caller)) {
          throw new OssError(409, "BucketAlreadyExists", MESSAGES.BucketAlreadyExists, {
            BucketName: name,
          });
        }
        return { status: 200 };
      }
      const algorithm = context.request.headers[SSE_HEADER];
      const dataEncryption = context.request.headers[SSE_DATA_HEADER];
      let rule: StoredRule | undefined;
      if (algorithm !== undefined) {
        if (!isAlgorithm(algorithm)) {
          throw invalidAlgorithm();
        }
        rule =
          algorithm === "KMS" && dataEncryption === "SM4"
            ? { sseAlgorithm: "KMS", kmsDataEncryption: "SM4" }
            : { sseAlgorithm: algorithm };
      }
      context.state.createBucket(name, context.region, accountOf(context.caller), rule);
      return { status: 200 };
    },

    DeleteBucket: (context) => {
      const bucket = existingBucket(context);
      if (bucket.objects.size > 0) {
        throw new OssError(409, "BucketNotEmpty", MESSAGES.BucketNotEmpty, {
          BucketName: bucket.name,
        });
      }
      context.state.deleteBucket(bucket.name);
      return { status: 204 };
    },

    GetBucketInfo: (context) => {
      const bucket = existingBucket(context);
      return xml(
        xmlDocument("BucketInfo", {
          Bucket: {
            ...bucketSummary(bucket),
            Owner: owner(context.caller),
            AccessControlList: { Grant: "private" },
            ServerSideEncryptionRule:
              bucket.rule === undefined ? { SSEAlgorithm: "None" } : ruleFields(bucket.rule),
          },
        }),
      );
    },

    PutBucketEncryption: (context) => {
      const bucket = existingBucket(context);
      checkContentMd5(context.request);
      context.state.setRule(bucket, parseEncryptionRule(context.request.body.toString("utf8")));
      return { status: 200 };
    },

    GetBucketEncryption: (context) => {
      const bucket = existingBucket(context);
      if (bucket.rule === undefined) {
        throw new OssError(
          404,
          "NoSuchServerSideEncryptionRule",
          MESSAGES.NoSuchServerSideEncryptionRule,
          {
            BucketName: bucket.name,
          },
        );
      }
      return xml(
        xmlDocument("ServerSideEncryptionRule", {
          ApplyServerSideEncryptionByDefault: ruleFields(bucket.rule),
        }),
      );
    },

    DeleteBucketEncryption: (context) => {
      context.state.setRule(existingBucket(context), undefined);
      return { status: 204 };
    },

    PutObject: (context) => {
      const bucket = existingBucket(context);
      const { request } = context;
      checkContentMd5(request);
      const encryption = objectEncryption(request, bucket);
      const etag = createHash("md5").update(request.body).digest("hex");
      context.state.putObject(bucket, request.address.key ?? "", {
        body: request.body,
        contentType: request.headers["content-type"] ?? "application/octet-stream",
        etag,
        lastModified: new Date(),
        ...(encryption === undefined ? {} : { encryption }),
      });
      return {
        status: 200,
        headers: { etag: `"${etag.toUpperCase()}"`, ...encryptionHeaders(encryption) },
      };
    },

    GetObject: (context) => {
      const object = existingObject(context);
      return { status: 200, headers: objectHeaders(object), body: object.body };
    },

    HeadObject: (context) => {
      const object = existingObject(context);
      return {
        status: 200,
        headers: { ...objectHeaders(object), "content-length": String(object.body.length) },
      };
    },

    DeleteObject: (context) => {
      const bucket = existingBucket(context);
      context.state.deleteObject(bucket, context.request.address.key ?? "");
      return { status: 204 };
    },
  };
