/**
 * Multipart upload as OSS's API reference describes it: InitiateMultipartUpload, UploadPart,
 * UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload, ListParts and
 * ListMultipartUploads. An upload in progress lives in the state's memory, its parts' bytes in the
 * storage's scratch space; the object it completes is stored like any other. Parts are received,
 * copied and joined as streams, a chunk at a time, never held whole.
 */
import { createHash } from "node:crypto";
import {
  checkContentMd5,
  copySourceObject,
  encoderFor,
  etagOf,
  existingBucket,
  type Handler,
  type OperationContext,
  maxKeys,
  md5Of,
  parseBody,
  queryValue,
  singleText,
  xml,
} from "./context";
import {
  checkConditions,
  COPY_CONDITIONS,
  copySourceRange,
  encryptionHeaders,
  objectSettingsOf,
} from "./objectHeaders";
import { CAUSE_EC, MESSAGES, OssError } from "./ossError";
import {
  discardParts,
  type MultipartUpload,
  type StoredBucket,
  type StoredObject,
  type UploadedPart,
} from "./state";
import { childrenNamed, MalformedXmlError, xmlDocument, type XmlFields } from "./xml";

/** The multipart operations, by their OSS API names. */
export const MULTIPART_OPERATIONS = [
  "InitiateMultipartUpload",
  "UploadPart",
  "UploadPartCopy",
  "CompleteMultipartUpload",
  "AbortMultipartUpload",
  "ListParts",
  "ListMultipartUploads",
] as const;

/** A multipart operation. */
export type MultipartOperation = (typeof MULTIPART_OPERATIONS)[number];

/** The highest part number. */
const MAX_PART_NUMBER = 10_000;

/** The smallest part but the last one, checked at CompleteMultipartUpload: 100 KB. */
const MIN_PART_SIZE = 100 * 1024;

/** The largest part: 5 GB. */
const MAX_PART_SIZE = 5 * 1024 ** 3;

function noSuchUpload(): OssError {
  return new OssError(404, "NoSuchUpload", MESSAGES.NoSuchUpload);
}

/** The upload a request names with `uploadId`, which must be one of its bucket's for its key. */
function requestedUpload(context: OperationContext, bucket: StoredBucket): MultipartUpload {
  const upload = bucket.uploads.get(queryValue(context.request, "uploadId") ?? "");
  if (upload === undefined || upload.key !== context.request.address.key) {
    throw noSuchUpload();
  }
  return upload;
}

/**
 * The `partNumber` of an UploadPart or UploadPartCopy.
 *
 * @throws OssError 400 InvalidArgument unless it is a whole number from 1 to 10,000.
 */
function partNumberOf(context: OperationContext): number {
  const text = queryValue(context.request, "partNumber") ?? "";
  const number = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(number >= 1 && number <= MAX_PART_NUMBER)) {
    throw new OssError(400, "InvalidArgument", MESSAGES.InvalidPartNumber, {
      ArgumentName: "partNumber",
      ArgumentValue: text,
    });
  }
  return number;
}

/**
 * Keeps a part in its upload; drops its bytes and answers NoSuchUpload when the upload ended
 * while they arrived.
 */
function keepPart(
  context: OperationContext,
  bucket: StoredBucket,
  upload: MultipartUpload,
  part: UploadedPart,
): void {
  part.bytes.finish();
  if (!context.state.putPart(bucket.name, upload.id, part)) {
    part.bytes.discard();
    throw noSuchUpload();
  }
}

/**
 * The ETag OSS gives an object completed from parts: the MD5 of the parts' MD5s (binary, in
 * order), hex, then `-` and the number of parts.
 */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5s = Buffer.concat(partEtags.map((etag) => Buffer.from(etag, "hex")));
  return `${createHash("md5").update(md5s).digest("hex")}-${partEtags.length}`;
}

/** A part as CompleteMultipartUpload lists it. */
export interface ListedPart {
  readonly number: number;
  /** The ETag as sent, without quotes. */
  readonly etag: string;
}

/** Reads a CompleteMultipartUpload body: its parts, in the order given. */
export function parseCompleteRequest(body: string): ListedPart[] {
  return parseBody(body, (root) => {
    const parts = childrenNamed(root, "Part");
    if (
      root.name !== "CompleteMultipartUpload" ||
      parts.length === 0 ||
      parts.length !== root.children.length
    ) {
      throw new MalformedXmlError("expected Part elements in CompleteMultipartUpload");
    }
    return parts.map((part) => {
      const number = singleText(part, "PartNumber") ?? "";
      const etag = singleText(part, "ETag");
      if (!/^\d+$/.test(number) || etag === undefined) {
        throw new MalformedXmlError("a Part needs a PartNumber and an ETag");
      }
      return { number: Number(number), etag: etag.replace(/"/g, "") };
    });
  });
}

/**
 * The upload's parts that CompleteMultipartUpload lists, checked as OSS checks them: in
 * ascending order, each uploaded with that ETag, each but the last at least 100 KB.
 *
 * @throws OssError 400 InvalidPartOrder, InvalidPart or EntityTooSmall.
 */
function completedParts(upload: MultipartUpload, listed: readonly ListedPart[]): UploadedPart[] {
  if (listed.some((part, index) => index > 0 && part.number <= (listed[index - 1]?.number ?? 0))) {
    throw new OssError(400, "InvalidPartOrder", MESSAGES.InvalidPartOrder);
  }
  const parts = listed.map((listedPart) => {
    const part = upload.parts.get(listedPart.number);
    if (part === undefined || part.etag.toUpperCase() !== listedPart.etag.toUpperCase()) {
      throw new OssError(400, "InvalidPart", MESSAGES.InvalidPart);
    }
    return part;
  });
  const small = parts.slice(0, -1).find((part) => part.size < MIN_PART_SIZE);
  if (small !== undefined) {
    throw new OssError(400, "EntityTooSmall", MESSAGES.EntityTooSmall);
  }
  return parts;
}

/** The bytes of the parts, one after the other. */
async function* joined(parts: readonly UploadedPart[]): AsyncGenerator<Buffer> {
  for (const part of parts) {
    yield* part.bytes.read() as AsyncIterable<Buffer>;
  }
}

/** One entry of a ListMultipartUploads page: an upload, or a prefix rolling several up. */
type UploadListEntry = MultipartUpload | string;

/**
 * Lists a bucket's uploads in key order, then upload id order, after the markers (`keyMarker`
 * alone: keys after it; with `uploadIdMarker`: also that key's later uploads), under `prefix`,
 * rolled up at `delimiter`.
 */
function listUploads(
  bucket: StoredBucket,
  options: {
    prefix: string;
    keyMarker: string;
    uploadIdMarker: string;
    limit: number;
    delimiter: string;
  },
): { entries: UploadListEntry[]; truncated: boolean } {
  const { prefix, keyMarker, uploadIdMarker, limit, delimiter } = options;
  const after = (upload: MultipartUpload) =>
    upload.key > keyMarker ||
    (upload.key === keyMarker && uploadIdMarker !== "" && upload.id > uploadIdMarker);
  const uploads = [...bucket.uploads.values()]
    .filter((upload) => upload.key.startsWith(prefix) && after(upload))
    .sort((a, b) => (a.key === b.key ? compare(a.id, b.id) : compare(a.key, b.key)));
  const entries: UploadListEntry[] = [];
  for (const upload of uploads) {
    const cut = delimiter === "" ? -1 : upload.key.indexOf(delimiter, prefix.length);
    const rolledUp = cut < 0 ? undefined : upload.key.slice(0, cut + delimiter.length);
    if (rolledUp !== undefined && (entries.at(-1) === rolledUp || rolledUp <= keyMarker)) {
      continue;
    }
    if (entries.length === limit) {
      return { entries, truncated: true };
    }
    entries.push(rolledUp ?? upload);
  }
  return { entries, truncated: false };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** What each multipart operation does. Each throws `OssError` for the answers OSS gives. */
export const MULTIPART_HANDLERS: Readonly<Record<MultipartOperation, Handler>> = {
  InitiateMultipartUpload: (context) => {
    const bucket = existingBucket(context);
    const { request } = context;
    const settings = objectSettingsOf(request.headers, bucket);
    const upload = context.state.initiateUpload(bucket.name, request.address.key ?? "", settings);
    const encode = encoderFor(request);
    return xml(
      xmlDocument("InitiateMultipartUploadResult", {
        Bucket: bucket.name,
        Key: encode(upload.key),
        UploadId: upload.id,
        EncodingType: queryValue(request, "encoding-type"),
      }),
      encryptionHeaders(settings.encryption),
    );
  },

  UploadPart: async (context) => {
    const bucket = existingBucket(context);
    const upload = requestedUpload(context, bucket);
    const number = partNumberOf(context);
    const bytes = await context.receiveObject();
    const md5 = bytes.digest();
    try {
      checkContentMd5(context.request, md5);
    } catch (error) {
      bytes.discard();
      throw error;
    }
    const etag = md5.toString("hex");
    keepPart(context, bucket, upload, {
      number,
      etag,
      size: bytes.size,
      lastModified: new Date(),
      bytes,
    });
    return {
      status: 200,
      headers: { etag: etagOf({ etag }), ...encryptionHeaders(upload.settings.encryption) },
    };
  },

  UploadPartCopy: async (context) => {
    const bucket = existingBucket(context);
    const upload = requestedUpload(context, bucket);
    const number = partNumberOf(context);
    const { headers } = context.request;
    const source = copySourceObject(context, CAUSE_EC.invalidPartCopySource);
    // UploadPartCopy's reference answers 412 for every condition that fails, 304 for none.
    checkConditions(headers, COPY_CONDITIONS, source.object, true);
    const range = copySourceRange(headers, source.object.size);
    const size = range === undefined ? source.object.size : range.end - range.start + 1;
    if (size > MAX_PART_SIZE) {
      throw new OssError(400, "EntityTooLarge", MESSAGES.EntityTooLarge, {
        MaxSizeAllowed: MAX_PART_SIZE,
      });
    }
    const bytes = await context.state.receive(
      context.state.readObject(source.bucket.name, source.object.key, range),
    );
    const part: UploadedPart = {
      number,
      etag: bytes.digest().toString("hex"),
      size: bytes.size,
      lastModified: new Date(),
      bytes,
    };
    keepPart(context, bucket, upload, part);
    // ali-oss and the Go SDKs read the part's ETag from the header.
    return xml(
      xmlDocument("CopyPartResult", {
        LastModified: part.lastModified.toISOString(),
        ETag: etagOf(part),
      }),
      { etag: etagOf(part), ...encryptionHeaders(upload.settings.encryption) },
    );
  },

  CompleteMultipartUpload: async (context) => {
    const bucket = existingBucket(context);
    const { request } = context;
    requestedUpload(context, bucket);
    const body = await context.readXmlBody();
    checkContentMd5(request, md5Of(body));
    const listed = parseCompleteRequest(body);
    // Checked against the upload as it is once the body has arrived, then taken at once: parts
    // uploaded meanwhile count, and no part changes while the object is put together.
    const upload = requestedUpload(context, bucket);
    const parts = completedParts(upload, listed);
    context.state.takeUpload(bucket.name, upload.id);
    let object: StoredObject;
    try {
      const bytes = await context.state.receive(joined(parts));
      object = {
        key: upload.key,
        size: bytes.size,
        etag: multipartEtag(parts.map((part) => part.etag)),
        lastModified: new Date(),
        type: "Multipart",
        ...upload.settings,
      };
      context.state.putObject(bucket.name, object, bytes);
    } finally {
      discardParts(upload);
    }
    const encode = encoderFor(request);
    // ali-oss reads the object's ETag from the header.
    return xml(
      xmlDocument("CompleteMultipartUploadResult", {
        EncodingType: queryValue(request, "encoding-type"),
        Location: `http://${bucket.name}.oss-${bucket.region}.aliyuncs.com/${encodeURIComponent(upload.key).replace(/%2F/g, "/")}`,
        Bucket: bucket.name,
        Key: encode(upload.key),
        ETag: etagOf(object),
      }),
      { etag: etagOf(object), ...encryptionHeaders(object.encryption) },
    );
  },

  AbortMultipartUpload: (context) => {
    const bucket = existingBucket(context);
    const upload = requestedUpload(context, bucket);
    context.state.abortUpload(bucket.name, upload.id);
    return { status: 204 };
  },

  ListParts: (context) => {
    const bucket = existingBucket(context);
    const upload = requestedUpload(context, bucket);
    const { request } = context;
    const limit = maxKeys(request, "max-parts", 1_000);
    const markerText = queryValue(request, "part-number-marker") ?? "";
    if (!/^\d*$/.test(markerText)) {
      throw new OssError(400, "InvalidArgument", "part-number-marker must be a whole number.", {
        ArgumentName: "part-number-marker",
        ArgumentValue: markerText,
      });
    }
    const marker = Number(markerText);
    const parts = [...upload.parts.values()]
      .filter((part) => part.number > marker)
      .sort((a, b) => a.number - b.number);
    const page = parts.slice(0, limit);
    return xml(
      xmlDocument("ListPartsResult", {
        EncodingType: queryValue(request, "encoding-type"),
        Bucket: bucket.name,
        Key: encoderFor(request)(upload.key),
        UploadId: upload.id,
        PartNumberMarker: marker,
        NextPartNumberMarker: page.at(-1)?.number ?? marker,
        MaxParts: limit,
        IsTruncated: String(parts.length > limit),
        Part: page.map((part): XmlFields => ({
          PartNumber: part.number,
          LastModified: part.lastModified.toISOString(),
          ETag: etagOf(part),
          Size: part.size,
        })),
      }),
    );
  },

  ListMultipartUploads: (context) => {
    const bucket = existingBucket(context);
    const { request } = context;
    const options = {
      prefix: queryValue(request, "prefix") ?? "",
      keyMarker: queryValue(request, "key-marker") ?? "",
      uploadIdMarker: queryValue(request, "upload-id-marker") ?? "",
      limit: maxKeys(request, "max-uploads", 1_000),
      delimiter: queryValue(request, "delimiter") ?? "",
    };
    const { entries, truncated } = listUploads(bucket, options);
    const encode = encoderFor(request);
    const last = entries.at(-1);
    const uploads = entries.filter((entry) => typeof entry !== "string");
    return xml(
      xmlDocument("ListMultipartUploadsResult", {
        EncodingType: queryValue(request, "encoding-type"),
        Bucket: bucket.name,
        KeyMarker: encode(options.keyMarker),
        UploadIdMarker: options.uploadIdMarker,
        // Where the next page starts: the last upload (or rolled-up prefix) of this one.
        NextKeyMarker: encode(typeof last === "string" ? last : (last?.key ?? "")),
        NextUploadIdMarker: typeof last === "string" ? "" : (last?.id ?? ""),
        Delimiter: encode(options.delimiter),
        Prefix: encode(options.prefix),
        MaxUploads: options.limit,
        IsTruncated: String(truncated),
        Upload: uploads.map((upload): XmlFields => ({
          Key: encode(upload.key),
          UploadId: upload.id,
          Initiated: upload.initiated.toISOString(),
        })),
        CommonPrefixes: entries
          .filter((entry) => typeof entry === "string")
          .map((prefix) => ({ Prefix: encode(prefix) })),
      }),
    );
  },
};
