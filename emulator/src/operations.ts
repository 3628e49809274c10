/**
 * The OSS operations the emulator serves: which one a request is, how its body is read, and what
 * each one does to the state and answers, following the wire contract and OSS's API reference.
 */
import {
  accountOf,
  checkContentMd5,
  copySourceObject,
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
  xml,
} from "./context";
import { MULTIPART_HANDLERS, MULTIPART_OPERATIONS } from "./multipart";
import {
  checkConditions,
  COPY_CONDITIONS,
  COPY_SOURCE_HEADER,
  encryptionHeaders,
  invalidAlgorithm,
  isAlgorithm,
  OBJECT_ACL_HEADER,
  objectAclOf,
  objectSettingsOf,
  READ_CONDITIONS,
  requestedRange,
  SSE_DATA_HEADER,
  SSE_HEADER,
  userMetadataHeaders,
} from "./objectHeaders";
import { CAUSE_EC, MESSAGES, OssError } from "./ossError";
import type { StoredBucket, StoredObject, StoredRule, VersioningStatus } from "./state";
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
  "DeleteMultipleObjects",
  "PutBucketEncryption",
  "GetBucketEncryption",
  "DeleteBucketEncryption",
  "PutBucketVersioning",
  "GetBucketVersioning",
  "PutObject",
  "CopyObject",
  "GetObject",
  "HeadObject",
  "GetObjectMeta",
  "PutObjectACL",
  "GetObjectACL",
  "DeleteObject",
  ...MULTIPART_OPERATIONS,
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
  versioning: { PUT: "PutBucketVersioning", GET: "GetBucketVersioning" },
};

/** The object subresources served, with the operation each method calls. */
const OBJECT_SUBRESOURCES: Readonly<Record<string, Readonly<Record<string, OperationName>>>> = {
  objectMeta: { HEAD: "GetObjectMeta" },
  acl: { PUT: "PutObjectACL", GET: "GetObjectACL" },
};

/** The operations on an upload in progress (`?uploadId=`), by method. */
const UPLOAD_OPERATIONS: Readonly<Record<string, OperationName>> = {
  POST: "CompleteMultipartUpload",
  DELETE: "AbortMultipartUpload",
  GET: "ListParts",
};

const OBJECT_OPERATIONS: Readonly<Record<string, OperationName>> = {
  PUT: "PutObject",
  GET: "GetObject",
  HEAD: "HeadObject",
  DELETE: "DeleteObject",
};

/**
 * The OSS operation a request calls, or undefined for one the emulator does not serve. A PUT
 * with `x-oss-copy-source` copies (CopyObject, UploadPartCopy) instead of taking a body.
 */
export function identifyOperation(request: OssRequest): OperationName | undefined {
  const { method, address, query } = request;
  const names = query.map(([name]) => name);
  if (address.bucket === undefined) {
    return method === "GET" && names.every((name) => LIST_PARAMETERS.has(name))
      ? "ListBuckets"
      : undefined;
  }
  if (address.key !== undefined) {
    return objectOperation(method, names, request.headers[COPY_SOURCE_HEADER] !== undefined);
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

/** The operation of a request that addresses an object, with query parameters `names`. */
function objectOperation(
  method: string,
  names: readonly string[],
  copying: boolean,
): OperationName | undefined {
  if (names.includes("uploads")) {
    return method === "POST" ? "InitiateMultipartUpload" : undefined;
  }
  if (names.includes("uploadId")) {
    if (method === "PUT") {
      return !names.includes("partNumber") ? undefined : copying ? "UploadPartCopy" : "UploadPart";
    }
    return UPLOAD_OPERATIONS[method];
  }
  const subresource = names.find((name) => name in OBJECT_SUBRESOURCES);
  if (subresource !== undefined) {
    return OBJECT_SUBRESOURCES[subresource]?.[method];
  }
  if (names.length > 0) {
    return undefined;
  }
  return method === "PUT" && copying ? "CopyObject" : OBJECT_OPERATIONS[method];
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
    Type: object.type,
    Size: object.size,
    StorageClass: "Standard",
    Owner: account === undefined ? undefined : owner(account),
  };
}

/** The headers GetObject and HeadObject answer for an object. */
function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    "content-type": object.contentType,
    "content-length": String(object.size),
    "accept-ranges": "bytes",
    etag: etagOf(object),
    "last-modified": object.lastModified.toUTCString(),
    "x-oss-object-type": object.type,
    "x-oss-storage-class": "Standard",
    ...userMetadataHeaders(object.userMetadata),
    ...encryptionHeaders(object.encryption),
  };
}

/** The answer to a read whose none-match or modified-since condition failed. */
function notModified(object: StoredObject): { status: number; headers: Record<string, string> } {
  return {
    status: 304,
    headers: { etag: etagOf(object), "last-modified": object.lastModified.toUTCString() },
  };
}

/** The largest object CopyObject copies: 1 GB, as the wire contract says; UploadPartCopy beyond. */
const MAX_COPY_SIZE = 1024 ** 3;

/** The header choosing whether a copy keeps the source's metadata. */
const METADATA_DIRECTIVE_HEADER = "x-oss-metadata-directive";

/** Reads a PutBucketVersioning body: `Enabled` or `Suspended`. */
export function parseVersioningConfiguration(body: string): VersioningStatus {
  return parseBody(body, (root) => {
    const status = singleText(root, "Status");
    if (
      root.name !== "VersioningConfiguration" ||
      root.children.length !== 1 ||
      (status !== "Enabled" && status !== "Suspended")
    ) {
      throw new MalformedXmlError("expected a Status of Enabled or Suspended");
    }
    return status;
  });
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
    // Parts of uploads in progress keep a bucket, as objects do.
    if (bucket.objects.size > 0 || bucket.uploads.size > 0) {
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
          // OSS documents no value here for a bucket whose versioning was never set; the emulator
          // answered Suspended before it kept the status, and still does for such a bucket.
          Versioning: bucket.versioning ?? "Suspended",
          BlockPublicAccess: String(bucket.blockPublicAccess),
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

  PutBucketVersioning: async (context) => {
    const bucket = existingBucket(context);
    const body = await context.readXmlBody();
    checkContentMd5(context.request, md5Of(body));
    context.state.setVersioning(bucket.name, parseVersioningConfiguration(body));
    return { status: 200 };
  },

  GetBucketVersioning: (context) =>
    // A bucket whose versioning was never set has no Status.
    xml(xmlDocument("VersioningConfiguration", { Status: existingBucket(context).versioning })),

  PutObject: async (context) => {
    const bucket = existingBucket(context);
    const { request } = context;
    const settings = objectSettingsOf(request.headers, bucket);
    const upload = await context.receiveObject();
    const md5 = upload.digest();
    try {
      checkContentMd5(request, md5);
    } catch (error) {
      upload.discard();
      throw error;
    }
    const object: StoredObject = {
      key: request.address.key ?? "",
      size: upload.size,
      etag: md5.toString("hex"),
      lastModified: new Date(),
      type: "Normal",
      ...settings,
    };
    context.state.putObject(bucket.name, object, upload);
    return {
      status: 200,
      headers: { etag: etagOf(object), ...encryptionHeaders(settings.encryption) },
    };
  },

  CopyObject: async (context) => {
    const bucket = existingBucket(context);
    const { request } = context;
    const source = copySourceObject(context);
    if (checkConditions(request.headers, COPY_CONDITIONS, source.object) === "not-modified") {
      return notModified(source.object);
    }
    // OSS's reference now allows more within one bucket; the wire contract holds CopyObject to
    // 1 GB, beyond which clients copy with UploadPartCopy.
    if (source.object.size > MAX_COPY_SIZE) {
      throw new OssError(400, "EntityTooLarge", MESSAGES.CopySourceTooLarge, {
        MaxSizeAllowed: MAX_COPY_SIZE,
      });
    }
    const directive = request.headers[METADATA_DIRECTIVE_HEADER] ?? "COPY";
    if (directive !== "COPY" && directive !== "REPLACE") {
      throw new OssError(400, "InvalidArgument", MESSAGES.InvalidMetadataDirective, {
        ArgumentName: METADATA_DIRECTIVE_HEADER,
        ArgumentValue: directive,
      });
    }
    // Encryption and ACL come from the request (else the destination bucket's rule, and
    // `default`) whatever the directive: OSS does not copy them from the source.
    const settings = objectSettingsOf(request.headers, bucket);
    const key = request.address.key ?? "";
    const object: StoredObject = {
      key,
      size: source.object.size,
      // The bytes are the source's, and so are their ETag and how they were written.
      etag: source.object.etag,
      type: source.object.type,
      lastModified: new Date(),
      ...settings,
      ...(directive === "COPY"
        ? { contentType: source.object.contentType, userMetadata: source.object.userMetadata }
        : {}),
    };
    if (source.bucket.name === bucket.name && source.object.key === key) {
      // A copy onto itself rewrites the metadata only; the stored bytes stay.
      context.state.updateObject(bucket.name, object);
    } else {
      const bytes = await context.state.receive(
        context.state.readObject(source.bucket.name, source.object.key),
      );
      context.state.putObject(bucket.name, object, bytes);
    }
    return xml(
      xmlDocument("CopyObjectResult", {
        ETag: etagOf(object),
        LastModified: object.lastModified.toISOString(),
      }),
      encryptionHeaders(object.encryption),
    );
  },

  GetObject: (context) => {
    const { bucket, object } = existingObject(context);
    const { headers } = context.request;
    if (checkConditions(headers, READ_CONDITIONS, object) === "not-modified") {
      return notModified(object);
    }
    const range = requestedRange(headers, object.size);
    if (range === undefined) {
      return {
        status: 200,
        headers: objectHeaders(object),
        body: context.state.readObject(bucket.name, object.key),
      };
    }
    return {
      status: 206,
      headers: {
        ...objectHeaders(object),
        "content-length": String(range.end - range.start + 1),
        "content-range": `bytes ${range.start}-${range.end}/${object.size}`,
      },
      body: context.state.readObject(bucket.name, object.key, range),
    };
  },

  HeadObject: (context) => {
    const { object } = existingObject(context);
    if (checkConditions(context.request.headers, READ_CONDITIONS, object) === "not-modified") {
      return notModified(object);
    }
    return { status: 200, headers: objectHeaders(object) };
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

  PutObjectACL: (context) => {
    const { bucket, object } = existingObject(context);
    const { headers } = context.request;
    const given = headers[OBJECT_ACL_HEADER];
    if (given === undefined || given === "") {
      throw new OssError(
        400,
        "InvalidArgument",
        MESSAGES.MissingObjectAcl,
        { ArgumentName: OBJECT_ACL_HEADER, ArgumentValue: given ?? "" },
        CAUSE_EC.missingObjectAcl,
      );
    }
    context.state.updateObject(bucket.name, { ...object, acl: objectAclOf(headers) });
    return { status: 200 };
  },

  GetObjectACL: (context) => {
    const { bucket, object } = existingObject(context);
    return xml(
      xmlDocument("AccessControlPolicy", {
        Owner: owner(bucket.owner),
        AccessControlList: { Grant: object.acl },
      }),
    );
  },

  DeleteObject: (context) => {
    const bucket = existingBucket(context);
    context.state.deleteObject(bucket.name, context.request.address.key ?? "");
    return { status: 204 };
  },

  ...MULTIPART_HANDLERS,
};

/** An opaque continuation token for ListObjectsV2: the key the next page starts after. */
function encodeToken(key: string): string {
  return Buffer.from(key, "utf8").toString("base64url");
}

function decodeToken(token: string): string {
  return Buffer.from(token, "base64url").toString("utf8");
}
