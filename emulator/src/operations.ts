/**
 * The OSS operations the emulator serves: which one a request is, how its body is read, and what
 * each one does to the state and answers, following the wire contract and OSS's API reference.
 */
import {
  checkContentMd5,
  encoderFor,
  etagOf,
  existingBucket,
  existingObject,
  type Handler,
  maxKeys,
  md5Of,
  type OssRequest,
  owner,
  parseBody,
  queryValue,
  singleText,
  accountOf,
  xml,
} from "./context";
import {
  encryptionHeaders,
  invalidAlgorithm,
  isAlgorithm,
  objectEncryption,
  SSE_DATA_HEADER,
  SSE_HEADER,
} from "./objectHeaders";
import { CAUSE_EC, MESSAGES, OssError } from "./ossError";
import type { StoredBucket, StoredObject, StoredRule } from "./state";
import {
  childrenNamed,
  MalformedXmlError,
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
  "GetBucketLocation",
  "ListObjects",
  "ListObjectsV2",
  "ListObjectVersions",
  "ListMultipartUploads",
  "DeleteMultipleObjects",
  "PutBucketEncryption",
  "GetBucketEncryption",
  "DeleteBucketEncryption",
  "PutObject",
  "GetObject",
  "HeadObject",
  "GetObjectMeta",
  "GetObjectACL",
  "DeleteObject",
] as const;

/** An OSS operation the emulator serves. */
export type OperationName = (typeof OPERATIONS)[number];

/** The region an emulator serves unless told otherwise. */
export const DEFAULT_REGION = "cn-hangzhou";

/** Bucket names: 3-63 lowercase letters, digits and hyphens, alphanumeric at both ends. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** The query parameters of the list operations; any other query names a subresource. */
const LIST_PARAMETERS: ReadonlySet<string> = new Set([
  "prefix",
  "marker",
  "max-keys",
  "delimiter",
  "encoding-type",
  "list-type",
  "continuation-token",
  "start-after",
  "fetch-owner",
  "key-marker",
  "version-id-marker",
  "upload-id-marker",
  "max-uploads",
]);

/** The bucket subresources served, with the operation each method calls. */
const BUCKET_SUBRESOURCES: Readonly<Record<string, Readonly<Record<string, OperationName>>>> = {
  encryption: {
    PUT: "PutBucketEncryption",
    GET: "GetBucketEncryption",
    DELETE: "DeleteBucketEncryption",
  },
  bucketInfo: { GET: "GetBucketInfo" },
  location: { GET: "GetBucketLocation" },
  delete: { POST: "DeleteMultipleObjects" },
  uploads: { GET: "ListMultipartUploads" },
  versions: { GET: "ListObjectVersions" },
};

/** The object subresources served, with the operation each method calls. */
const OBJECT_SUBRESOURCES: Readonly<Record<string, Readonly<Record<string, OperationName>>>> = {
  objectMeta: { HEAD: "GetObjectMeta" },
  acl: { GET: "GetObjectACL" },
};

const OBJECT_OPERATIONS: Readonly<Record<string, OperationName>> = {
  PUT: "PutObject",
  GET: "GetObject",
  HEAD: "HeadObject",
  DELETE: "DeleteObject",
};

/** The OSS operation a request calls, or undefined for one the emulator does not serve. */
export function identifyOperation(request: Omit<OssRequest, "headers">): OperationName | undefined {
  const { method, address, query } = request;
  const names = query.map(([name]) => name);
  if (address.bucket === undefined) {
    return method === "GET" && names.every((name) => LIST_PARAMETERS.has(name))
      ? "ListBuckets"
      : undefined;
  }
  if (address.key !== undefined) {
    const subresource = names.find((name) => name in OBJECT_SUBRESOURCES);
    if (subresource !== undefined) {
      return OBJECT_SUBRESOURCES[subresource]?.[method];
    }
    return names.length === 0 ? OBJECT_OPERATIONS[method] : undefined;
  }
  const subresource = names.find((name) => name in BUCKET_SUBRESOURCES);
  if (subresource !== undefined) {
    return BUCKET_SUBRESOURCES[subresource]?.[method];
  }
  if (!names.every((name) => LIST_PARAMETERS.has(name))) {
    return undefined;
  }
  switch (method) {
    case "GET":
      return query.some(([name, value]) => name === "list-type" && value === "2")
        ? "ListObjectsV2"
        : "ListObjects";
    case "PUT":
      return names.length === 0 ? "PutBucket" : undefined;
    case "DELETE":
      return names.length === 0 ? "DeleteBucket" : undefined;
    default:
      return undefined;
  }
}

/** Reads a PutBucketEncryption body into the rule OSS stores, or the error OSS answers. */
export function parseEncryptionRule(body: string): StoredRule {
  const { algorithm, keyId, dataEncryption } = parseBody(body, (root) => {
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
    const applied = defaults[0] as XmlElement;
    const allowed = ["SSEAlgorithm", "KMSMasterKeyID", "KMSDataEncryption"];
    if (applied.children.some((child) => !allowed.includes(child.name))) {
      throw new MalformedXmlError("unknown element in ApplyServerSideEncryptionByDefault");
    }
    return {
      algorithm: singleText(applied, "SSEAlgorithm"),
      keyId: singleText(applied, "KMSMasterKeyID"),
      dataEncryption: singleText(applied, "KMSDataEncryption"),
    };
  });
  if (algorithm === undefined || !isAlgorithm(algorithm)) {
    throw invalidAlgorithm();
  }
  if (algorithm !== "KMS") {
    if (keyId !== undefined && keyId !== "") {
      throw new OssError(
        400,
        "InvalidArgument",
        MESSAGES.KmsKeyIdNotApplicable,
        { ArgumentName: "KMSMasterKeyID", ArgumentValue: keyId },
        CAUSE_EC.kmsKeyIdNotApplicable,
      );
    }
    // OSS accepts KMSDataEncryption beside AES256 or SM4 and drops it.
    return { sseAlgorithm: algorithm };
  }
  if (dataEncryption !== undefined && dataEncryption !== "" && dataEncryption !== "SM4") {
    throw new OssError(
      400,
      "InvalidArgument",
      "KMSDataEncryption only supports SM4.",
      { ArgumentName: "KMSDataEncryption", ArgumentValue: dataEncryption },
      CAUSE_EC.kmsDataEncryptionNotSm4,
    );
  }
  return {
    sseAlgorithm: "KMS",
    ...(keyId === undefined || keyId === "" ? {} : { kmsMasterKeyId: keyId }),
    ...(dataEncryption === "SM4" ? { kmsDataEncryption: "SM4" as const } : {}),
  };
}

/** The most keys DeleteMultipleObjects takes in one request. */
const MAX_DELETE_KEYS = 1_000;

/** Reads a DeleteMultipleObjects body: its keys and whether the answer is quiet. */
function parseDeleteRequest(body: string): { keys: string[]; quiet: boolean } {
  return parseBody(body, (root) => {
    if (root.name !== "Delete") {
      throw new MalformedXmlError("expected a Delete element");
    }
    const objects = childrenNamed(root, "Object");
    if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) {
      throw new MalformedXmlError(`expected 1 to ${MAX_DELETE_KEYS} Object elements`);
    }
    const keys = objects.map((object) => {
      const key = singleText(object, "Key");
      if (key === undefined || key === "") {
        throw new MalformedXmlError("an Object without a Key");
      }
      return key;
    });
    return { keys, quiet: singleText(root, "Quiet") === "true" };
  });
}

/** The rule's elements for GetBucketEncryption: only those that are set. */
function ruleFields(rule: StoredRule): XmlFields {
  return {
    SSEAlgorithm: rule.sseAlgorithm,
    KMSMasterKeyID: rule.kmsMasterKeyId,
    KMSDataEncryption: rule.kmsDataEncryption,
  };
}

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

/** One page of a bucket's keys: objects and common prefixes, in key order. */
interface KeyPage {
  readonly objects: readonly StoredObject[];
  readonly commonPrefixes: readonly string[];
  readonly truncated: boolean;
  /** The last key or prefix of the page, where the next page starts after. */
  readonly last: string | undefined;
}

/** Lists a bucket's keys after `after`, under `prefix`, rolled up at `delimiter`. */
function listKeys(
  bucket: StoredBucket,
  options: { prefix: string; after: string; limit: number; delimiter: string },
): KeyPage {
  const { prefix, after, limit, delimiter } = options;
  const keys = [...bucket.objects.keys()]
    .filter((key) => key.startsWith(prefix) && key > after)
    .sort();
  const objects: StoredObject[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  for (const key of keys) {
    const cut = delimiter === "" ? -1 : key.indexOf(delimiter, prefix.length);
    const rolledUp = cut < 0 ? undefined : key.slice(0, cut + delimiter.length);
    if (rolledUp !== undefined && (rolledUp === last || rolledUp <= after)) {
      continue;
    }
    if (objects.length + commonPrefixes.length === limit) {
      return { objects, commonPrefixes, truncated: true, last };
    }
    if (rolledUp === undefined) {
      objects.push(bucket.objects.get(key) as StoredObject);
      last = key;
    } else {
      commonPrefixes.push(rolledUp);
      last = rolledUp;
    }
  }
  return { objects, commonPrefixes, truncated: false, last };
}

/** The options of a list request shared by its versions. */
function listOptions(request: OssRequest, afterParameter: string) {
  return {
    prefix: queryValue(request, "prefix") ?? "",
    after: queryValue(request, afterParameter) ?? "",
    limit: maxKeys(request, "max-keys", 100),
    delimiter: queryValue(request, "delimiter") ?? "",
  };
}

function objectSummary(
  object: StoredObject,
  encode: (text: string) => string,
  account: string | undefined,
): XmlFields {
  return {
    Key: encode(object.key),
    LastModified: object.lastModified.toISOString(),
    ETag: etagOf(object),
    Type: "Normal",
    Size: object.size,
    StorageClass: "Standard",
    Owner: account === undefined ? undefined : owner(account),
  };
}

function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    "content-type": object.contentType,
    etag: etagOf(object),
    "last-modified": object.lastModified.toUTCString(),
    "x-oss-object-type": "Normal",
    "x-oss-storage-class": "Standard",
    ...encryptionHeaders(object.encryption),
  };
}

/** What each operation does. Each throws `OssError` for the answers OSS gives. */
export const HANDLERS: Readonly<Record<OperationName, Handler>> = {
  ListBuckets: (context) => {
    const { request } = context;
    const account = accountOf(context.caller);
    const prefix = queryValue(request, "prefix") ?? "";
    const marker = queryValue(request, "marker") ?? "";
    const limit = maxKeys(request, "max-keys", 1_000);
    const matching = context.state
      .allBuckets()
      .filter(
        (bucket) =>
          bucket.owner === account && bucket.name.startsWith(prefix) && bucket.name > marker,
      );
    const page = matching.slice(0, limit);
    const truncated = matching.length > limit;
    // OSS states the paging only when the request asked for it.
    const paged = request.query.length > 0;
    return xml(
      xmlDocument("ListAllMyBucketsResult", {
        Prefix: paged ? prefix : undefined,
        Marker: paged ? marker : undefined,
        MaxKeys: paged ? limit : undefined,
        IsTruncated: paged ? String(truncated) : undefined,
        NextMarker: truncated ? page.at(-1)?.name : undefined,
        Owner: owner(account),
        Buckets: { Bucket: page.map(bucketSummary) },
      }),
    );
  },

  PutBucket: async (context) => {
    const name = context.request.address.bucket ?? "";
    if (!BUCKET_NAME.test(name)) {
      throw new OssError(400, "InvalidBucketName", MESSAGES.InvalidBucketName, {
        BucketName: name,
      });
    }
    // The optional CreateBucketConfiguration (storage class, redundancy) is read and not kept.
    const configuration = await context.readXmlBody();
    if (configuration.trim() !== "") {
      parseBody(configuration, () => undefined);
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
    const summary = bucketSummary(bucket);
    return xml(
      xmlDocument("BucketInfo", {
        Bucket: {
          AccessMonitor: "Disabled",
          CreationDate: summary.CreationDate,
          ExtranetEndpoint: summary.ExtranetEndpoint,
          IntranetEndpoint: summary.IntranetEndpoint,
          Location: summary.Location,
          StorageClass: "Standard",
          DataRedundancyType: "LRS",
          TransferAcceleration: "Disabled",
          CrossRegionReplication: "Disabled",
          Name: bucket.name,
          ResourceGroupId: "rg-default-id",
          Owner: owner(bucket.owner),
          AccessControlList: { Grant: "private" },
          ServerSideEncryptionRule:
            bucket.rule === undefined ? { SSEAlgorithm: "None" } : ruleFields(bucket.rule),
          BucketPolicy: { LogBucket: "", LogPrefix: "" },
          Comment: "",
          Versioning: "Suspended",
          BlockPublicAccess: "false",
        },
      }),
    );
  },

  GetBucketLocation: (context) =>
    xml(
      `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint>oss-${existingBucket(context).region}</LocationConstraint>`,
    ),

  ListObjects: (context) => {
    const bucket = existingBucket(context);
    const { request } = context;
    const options = listOptions(request, "marker");
    const page = listKeys(bucket, options);
    const encode = encoderFor(request);
    return xml(
      xmlDocument("ListBucketResult", {
        Name: bucket.name,
        Prefix: encode(options.prefix),
        Marker: encode(options.after),
        MaxKeys: options.limit,
        Delimiter: encode(options.delimiter),
        EncodingType: queryValue(request, "encoding-type"),
        IsTruncated: String(page.truncated),
        NextMarker: page.truncated && page.last !== undefined ? encode(page.last) : undefined,
        Contents: page.objects.map((object) => objectSummary(object, encode, bucket.owner)),
        CommonPrefixes: page.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) })),
      }),
    );
  },

  ListObjectsV2: (context) => {
    const bucket = existingBucket(context);
    const { request } = context;
    const token = queryValue(request, "continuation-token");
    const startAfter = queryValue(request, "start-after");
    const options = {
      ...listOptions(request, "start-after"),
      after: token === undefined ? (startAfter ?? "") : decodeToken(token),
    };
    const page = listKeys(bucket, options);
    const encode = encoderFor(request);
    const withOwner = queryValue(request, "fetch-owner") === "true";
    return xml(
      xmlDocument("ListBucketResult", {
        Name: bucket.name,
        Prefix: encode(options.prefix),
        StartAfter: startAfter === undefined ? undefined : encode(startAfter),
        ContinuationToken: token,
        MaxKeys: options.limit,
        Delimiter: encode(options.delimiter),
        EncodingType: queryValue(request, "encoding-type"),
        IsTruncated: String(page.truncated),
        KeyCount: page.objects.length + page.commonPrefixes.length,
        NextContinuationToken:
          page.truncated && page.last !== undefined ? encodeToken(page.last) : undefined,
        Contents: page.objects.map((object) =>
          objectSummary(object, encode, withOwner ? bucket.owner : undefined),
        ),
        CommonPrefixes: page.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) })),
      }),
    );
  },

  ListObjectVersions: (context) => {
    // Versioning stays off: every object has one version, "null", and it is the latest.
    const bucket = existingBucket(context);
    const { request } = context;
    const options = listOptions(request, "key-marker");
    const page = listKeys(bucket, options);
    const encode = encoderFor(request);
    return xml(
      xmlDocument("ListVersionsResult", {
        Name: bucket.name,
        Prefix: encode(options.prefix),
        KeyMarker: encode(options.after),
        VersionIdMarker: queryValue(request, "version-id-marker") ?? "",
        MaxKeys: options.limit,
        Delimiter: encode(options.delimiter),
        EncodingType: queryValue(request, "encoding-type"),
        IsTruncated: String(page.truncated),
        NextKeyMarker: page.truncated && page.last !== undefined ? encode(page.last) : undefined,
        NextVersionIdMarker: page.truncated ? "null" : undefined,
        Version: page.objects.map((object) => {
          const { Key, ...rest } = objectSummary(object, encode, bucket.owner);
          return { Key, VersionId: "null", IsLatest: "true", ...rest };
        }),
        CommonPrefixes: page.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) })),
      }),
    );
  },

  ListMultipartUploads: (context) => {
    // Multipart uploads are not emulated, so none is ever in progress.
    const bucket = existingBucket(context);
    const { request } = context;
    return xml(
      xmlDocument("ListMultipartUploadsResult", {
        Bucket: bucket.name,
        KeyMarker: queryValue(request, "key-marker") ?? "",
        UploadIdMarker: queryValue(request, "upload-id-marker") ?? "",
        NextKeyMarker: "",
        NextUploadIdMarker: "",
        Delimiter: queryValue(request, "delimiter") ?? "",
        Prefix: queryValue(request, "prefix") ?? "",
        MaxUploads: maxKeys(request, "max-uploads", 1_000),
        IsTruncated: "false",
      }),
    );
  },

  DeleteMultipleObjects: async (context) => {
    const bucket = existingBucket(context);
    const body = await context.readXmlBody();
    checkContentMd5(context.request, md5Of(body));
    const { keys, quiet } = parseDeleteRequest(body);
    for (const key of keys) {
      context.state.deleteObject(bucket.name, key);
    }
    const encode = encoderFor(context.request);
    return xml(
      xmlDocument("DeleteResult", {
        EncodingType: queryValue(context.request, "encoding-type"),
        Deleted: quiet ? [] : keys.map((key) => ({ Key: encode(key) })),
      }),
    );
  },

  PutBucketEncryption: async (context) => {
    const bucket = existingBucket(context);
    const body = await context.readXmlBody();
    checkContentMd5(context.request, md5Of(body));
    context.state.setRule(bucket.name, parseEncryptionRule(body));
    return { status: 200 };
  },

  GetBucketEncryption: (context) => {
    const bucket = existingBucket(context);
    if (bucket.rule === undefined) {
      throw new OssError(
        404,
        "NoSuchServerSideEncryptionRule",
        MESSAGES.NoSuchServerSideEncryptionRule,
        { BucketName: bucket.name },
      );
    }
    return xml(
      xmlDocument("ServerSideEncryptionRule", {
        ApplyServerSideEncryptionByDefault: ruleFields(bucket.rule),
      }),
    );
  },

  DeleteBucketEncryption: (context) => {
    context.state.setRule(existingBucket(context).name, undefined);
    return { status: 204 };
  },

  PutObject: async (context) => {
    const bucket = existingBucket(context);
    const { request } = context;
    const encryption = objectEncryption(request.headers, bucket);
    const upload = await context.receiveObject();
    const md5 = upload.digest();
    try {
      checkContentMd5(request, md5);
    } catch (error) {
      upload.discard();
      throw error;
    }
    const etag = md5.toString("hex");
    context.state.putObject(
      bucket.name,
      {
        key: request.address.key ?? "",
        size: upload.size,
        contentType: request.headers["content-type"] ?? "application/octet-stream",
        etag,
        lastModified: new Date(),
        ...(encryption === undefined ? {} : { encryption }),
      },
      upload,
    );
    return {
      status: 200,
      headers: { etag: `"${etag.toUpperCase()}"`, ...encryptionHeaders(encryption) },
    };
  },

  GetObject: (context) => {
    const { bucket, object } = existingObject(context);
    return {
      status: 200,
      headers: { ...objectHeaders(object), "content-length": String(object.size) },
      body: context.state.readObject(bucket.name, object.key),
    };
  },

  HeadObject: (context) => {
    const { object } = existingObject(context);
    return {
      status: 200,
      headers: { ...objectHeaders(object), "content-length": String(object.size) },
    };
  },

  GetObjectMeta: (context) => {
    const { object } = existingObject(context);
    return {
      status: 200,
      headers: {
        etag: etagOf(object),
        "content-length": String(object.size),
        "last-modified": object.lastModified.toUTCString(),
        "x-oss-last-access-time": object.lastModified.toUTCString(),
      },
    };
  },

  GetObjectACL: (context) => {
    const { bucket } = existingObject(context);
    return xml(
      xmlDocument("AccessControlPolicy", {
        Owner: owner(bucket.owner),
        AccessControlList: { Grant: "default" },
      }),
    );
  },

  DeleteObject: (context) => {
    const bucket = existingBucket(context);
    context.state.deleteObject(bucket.name, context.request.address.key ?? "");
    return { status: 204 };
  },
};

/** An opaque continuation token for ListObjectsV2: the key the next page starts after. */
function encodeToken(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

function decodeToken(token: string): string {
  return Buffer.from(token, "base64url").toString("utf8");
}
