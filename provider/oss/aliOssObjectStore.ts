/**
 * The object store over ali-oss: a bucket's objects listed, read and rewritten in place, through
 * the signed request path (`signedRequests.ts`) with retries.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { EncryptionRule } from "../core/encryptionRule";
import { conforms, encryptionOf, headersFor } from "../audit/conformance";
import type { OssConnection } from "./connection";
import type {
  ObjectHead,
  ObjectPage,
  ObjectStore,
  RewriteOutcome,
  VersioningStatus,
} from "./objectStore";
import { quoteKey } from "../core/displayText";
import type { OssOperation } from "./errors";
import { isExpected, SignedRequests } from "./signedRequests";
import type { StoreTimings } from "./storeTimings";

/** Where a rewrite copies by parts, and in parts of what size. */
export interface CopyLimits {
  /** The largest object CopyObject copies: larger ones are copied part by part. */
  readonly copyObjectMaxBytes: number;
  /** The size of the parts of a multipart copy (at least 100 KB, OSS's smallest part). */
  readonly partBytes: number;
}

/** OSS's: CopyObject copies up to 1 GB; parts of 64 MiB. */
export const OSS_COPY_LIMITS: CopyLimits = {
  copyObjectMaxBytes: 1024 ** 3,
  partBytes: 64 * 1024 ** 2,
};

/** The most parts a multipart upload may have (OSS's limit). */
const MAX_PARTS = 10_000;

/**
 * The size of the parts an object of `objectBytes` is copied in: `preferred`, or larger where an
 * object that large would otherwise need more parts than OSS takes.
 */
export function partBytesFor(objectBytes: number, preferred: number): number {
  return Math.max(preferred, Math.ceil(objectBytes / MAX_PARTS));
}

/** How many parts of one object are copied at once. */
const PART_COPIES_AT_ONCE = 4;

/** The standard headers a rewrite by parts must give again (CopyObject keeps them by itself). */
const KEPT_HEADERS = [
  "cache-control",
  "content-disposition",
  "content-encoding",
  "content-type",
  "expires",
];

/** The object's storage class, which a rewrite gives again so that it stays in its class. */
const STORAGE_CLASS_HEADER = "x-oss-storage-class";

/** Whether an object is Normal, Appendable, Multipart or a Symlink. */
const OBJECT_TYPE_HEADER = "x-oss-object-type";

/** How many tags an object has, which a rewrite by parts could not keep. */
const TAGGING_COUNT_HEADER = "x-oss-tagging-count";

/** The failures that mean the object changed since its HEAD, or went. */
const CHANGED = ["PreconditionFailed", "NoSuchKey"];

/** An XML element that may hold one child or several. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value): unknown[] =>
      value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value],
    z.array(item),
  );
}

const listSchema = z.object({
  Contents: oneOrMany(z.object({ Key: z.string(), Size: z.coerce.number() })),
  IsTruncated: z.string().optional(),
  NextContinuationToken: z.string().optional(),
});

/** An XML element with no content reads as "": an empty object, for the schemas. */
function emptyAsObject<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? {} : value), schema);
}

/** GetBucketVersioning's answer: no Status for a bucket whose versioning was never set. */
const versioningSchema = emptyAsObject(
  z.object({ Status: z.enum(["Enabled", "Suspended"]).optional() }),
);

const aclSchema = z.object({ AccessControlList: z.object({ Grant: z.string() }) });

/** Decodes a key of a listing asked for with `encoding-type=url`, as the OSS SDKs do. */
function decodeKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, "%20"));
}

/** An `ObjectStore` of one bucket that calls OSS through ali-oss, with retries. */
export class AliOssObjectStore implements ObjectStore {
  private readonly requests: SignedRequests;

  /**
   * @param limits where a rewrite copies by parts; OSS's unless a test makes them smaller, to
   *   copy small objects by parts.
   */
  constructor(
    connection: OssConnection,
    private readonly bucket: string,
    timings?: StoreTimings,
    private readonly limits: CopyLimits = OSS_COPY_LIMITS,
  ) {
    this.requests = new SignedRequests(connection, timings);
  }

  /**
   * The answer's body as `schema` reads it.
   *
   * @throws Error naming the operation when the body is not what OSS answers.
   */
  private read<T extends z.ZodType>(
    operation: OssOperation,
    schema: T,
    data: unknown,
  ): z.output<T> {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new Error(
        `${operation} on bucket "${this.bucket}" answered a body that is not what OSS answers: ${parsed.error.issues[0]?.path.join(".") ?? ""} ${parsed.error.issues[0]?.message ?? ""}.`,
      );
    }
    return parsed.data;
  }

  async list(prefix: string, from: string | undefined, maxKeys: number): Promise<ObjectPage> {
    const answer = await this.requests.send("ListObjectsV2", {
      method: "GET",
      bucket: this.bucket,
      // Keys may hold characters XML cannot carry: they come URL-encoded.
      query: {
        "list-type": 2,
        // An empty prefix selects every key, as no prefix does: it is left out of the request.
        ...(prefix === "" ? {} : { prefix }),
        "max-keys": maxKeys,
        "encoding-type": "url",
      },
      ...(from === undefined ? {} : { subres: { "continuation-token": from } }),
      xmlResponse: true,
      successStatuses: [200],
    });
    if (isExpected(answer)) {
      throw new Error("unreachable: ListObjectsV2 expects no failure");
    }
    const page = this.read("ListObjectsV2", listSchema, answer.data);
    return {
      objects: page.Contents.map(({ Key, Size }) => ({ key: decodeKey(Key), size: Size })),
      ...(page.IsTruncated === "true" && page.NextContinuationToken !== undefined
        ? { next: page.NextContinuationToken }
        : {}),
    };
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    const answer = await this.requests.send(
      "HeadObject",
      { method: "HEAD", bucket: this.bucket, object: key, successStatuses: [200] },
      ["NoSuchKey"],
    );
    if (isExpected(answer)) {
      return undefined;
    }
    return {
      etag: answer.headers.etag ?? "",
      size: Number(answer.headers["content-length"] ?? 0),
      headers: answer.headers,
    };
  }

  async versioning(): Promise<VersioningStatus> {
    const answer = await this.requests.send("GetBucketVersioning", {
      method: "GET",
      bucket: this.bucket,
      subres: "versioning",
      xmlResponse: true,
      successStatuses: [200],
    });
    const status = isExpected(answer)
      ? undefined
      : this.read("GetBucketVersioning", versioningSchema, answer.data).Status;
    return status;
  }

  async rewrite(key: string, head: ObjectHead, rule: EncryptionRule): Promise<RewriteOutcome> {
    if (head.etag === "") {
      // An empty copy condition is no condition: the copy could overwrite a concurrent write.
      throw new Error(
        `HeadObject on object ${quoteKey(key)} of bucket "${this.bucket}" answered no ETag, so a copy could not be made on the condition that the object is unchanged; left as it is.`,
      );
    }
    if (head.headers[OBJECT_TYPE_HEADER] === "Symlink") {
      // HEAD answers for the target; a copy would replace the link with a copy of the target.
      throw new Error(
        `Object ${quoteKey(key)} of bucket "${this.bucket}" is a symlink, which has no data of its own: re-encrypt its target instead; the link is left as it is.`,
      );
    }
    const acl = await this.objectAcl(key);
    if (acl === undefined) {
      return "changed";
    }
    return head.size <= this.limits.copyObjectMaxBytes
      ? this.copyInPlace(key, head, rule, acl)
      : this.copyInPlaceByParts(key, head, rule, acl);
  }

  /** The object's ACL (`default` when it has none of its own); undefined when it is gone. */
  private async objectAcl(key: string): Promise<string | undefined> {
    const answer = await this.requests.send(
      "GetObjectACL",
      {
        method: "GET",
        bucket: this.bucket,
        object: key,
        subres: "acl",
        xmlResponse: true,
        successStatuses: [200],
      },
      ["NoSuchKey"],
    );
    if (isExpected(answer)) {
      return undefined;
    }
    return this.read("GetObjectACL", aclSchema, answer.data).AccessControlList.Grant;
  }

  /** The `x-oss-copy-source` of `key` in this bucket. */
  private copySource(key: string): string {
    return `/${this.bucket}/${encodeURIComponent(key)}`;
  }

  /** CopyObject onto itself, on the condition that it still has `head`'s ETag. */
  private async copyInPlace(
    key: string,
    head: ObjectHead,
    rule: EncryptionRule,
    acl: string,
  ): Promise<RewriteOutcome> {
    const answer = await this.requests.send(
      "CopyObject",
      {
        method: "PUT",
        bucket: this.bucket,
        object: key,
        headers: {
          "x-oss-copy-source": this.copySource(key),
          "x-oss-copy-source-if-match": head.etag,
          // The source's content type, user metadata and tags are kept.
          "x-oss-metadata-directive": "COPY",
          "x-oss-object-acl": acl,
          ...storageClassOf(head),
          ...headersFor(rule),
        },
        xmlResponse: true,
        successStatuses: [200],
      },
      CHANGED,
    );
    return isExpected(answer) ? "changed" : "rewritten";
  }

  /**
   * A multipart copy onto itself: every part copied on the condition that the object still has
   * `head`'s ETag, the upload aborted when a part fails. InitiateMultipartUpload takes the content
   * headers and user metadata but no ACL, so the ACL is set again once the object is complete.
   */
  private async copyInPlaceByParts(
    key: string,
    head: ObjectHead,
    rule: EncryptionRule,
    aclBefore: string,
  ): Promise<RewriteOutcome> {
    const tags = Number(head.headers[TAGGING_COUNT_HEADER] ?? 0);
    if (tags > 0) {
      throw new Error(
        `Object ${quoteKey(key)} is larger than CopyObject copies and has ${tags} tags, which a copy by parts would drop; re-encrypt it by hand, setting its tags again.`,
      );
    }
    const kept = Object.fromEntries(
      Object.entries(head.headers).filter(
        (entry): entry is [string, string] =>
          entry[1] !== undefined &&
          (KEPT_HEADERS.includes(entry[0]) || entry[0].startsWith("x-oss-meta-")),
      ),
    );
    const initiated = await this.requests.send("InitiateMultipartUpload", {
      method: "POST",
      bucket: this.bucket,
      object: key,
      subres: "uploads",
      headers: { ...kept, ...storageClassOf(head), ...headersFor(rule) },
      xmlResponse: true,
      successStatuses: [200],
    });
    if (isExpected(initiated)) {
      throw new Error("unreachable: InitiateMultipartUpload expects no failure");
    }
    const { UploadId: uploadId } = this.read(
      "InitiateMultipartUpload",
      z.object({ UploadId: z.string() }),
      initiated.data,
    );
    // Once CompleteMultipartUpload is sent the object may be the copy, which has the default
    // ACL until PutObjectACL gives the object's own back.
    let object: "unchanged" | "maybe replaced" | "replaced" = "unchanged";
    // The ACL to give back: the one read before the copy, then the one read just before the
    // completion, so that an ACL changed while the parts were copied is kept.
    let acl = aclBefore;
    try {
      const parts = await this.copyParts(key, head, uploadId);
      // CompleteMultipartUpload takes no condition: looking once more narrows the time in which
      // a write could land between the last part and the completion to one request.
      const aclNow =
        parts !== undefined && (await this.head(key))?.etag === head.etag
          ? await this.objectAcl(key)
          : undefined;
      if (parts === undefined || aclNow === undefined) {
        await this.abort(key, uploadId);
        return "changed";
      }
      acl = aclNow;
      object = "maybe replaced";
      const completion = await this.requests.send(
        "CompleteMultipartUpload",
        {
          method: "POST",
          bucket: this.bucket,
          object: key,
          subres: { uploadId },
          mime: "xml",
          content: completionXml(parts),
          xmlResponse: true,
          successStatuses: [200],
        },
        ["NoSuchUpload"],
      );
      // A retried completion finds no upload when the attempt whose answer was lost completed it.
      if (isExpected(completion)) {
        const earlier = await this.earlierCompletion(key, rule, parts);
        if (earlier !== "replaced") {
          object = earlier;
          throw new Error(
            `CompleteMultipartUpload on object ${quoteKey(key)} of bucket "${this.bucket}" found no upload, and ` +
              (earlier === "unchanged"
                ? "the object is not the re-encrypted copy: the upload was aborted before it completed (by another client, or a lifecycle rule); the object is as it was."
                : "the object is encrypted by the rule but has not the ETag of the copy's parts: another client wrote it, or OSS gave the copy another ETag"),
          );
        }
      }
      object = "replaced";
      await this.requests.send("PutObjectACL", {
        method: "PUT",
        bucket: this.bucket,
        object: key,
        subres: "acl",
        headers: { "x-oss-object-acl": acl },
        successStatuses: [200],
      });
    } catch (error) {
      if (object !== "replaced") {
        await this.abort(key, uploadId);
      }
      throw object !== "unchanged" && acl !== "default" ? aclNotRestored(key, acl, error) : error;
    }
    return "rewritten";
  }

  /**
   * Whether a completion that found no upload was done by an earlier attempt whose answer was
   * lost: then the object has the rule's encryption and the parts' ETag. (A copy by the same parts
   * of an earlier copy has the same ETag, but not yet the rule's encryption.) `unchanged` when the
   * object is not encrypted by the rule, so not the copy; `maybe replaced` when it is, with another
   * ETag.
   */
  private async earlierCompletion(
    key: string,
    rule: EncryptionRule,
    parts: readonly string[],
  ): Promise<"replaced" | "unchanged" | "maybe replaced"> {
    const now = await this.head(key);
    if (now === undefined || !conforms(encryptionOf(now.headers), rule)) {
      return "unchanged";
    }
    return sameEtag(now.etag, completedEtag(parts)) ? "replaced" : "maybe replaced";
  }

  /** Copies every part; the parts' ETags in order, or undefined when the object changed. */
  private async copyParts(
    key: string,
    head: ObjectHead,
    uploadId: string,
  ): Promise<string[] | undefined> {
    const partBytes = partBytesFor(head.size, this.limits.partBytes);
    const count = Math.max(1, Math.ceil(head.size / partBytes));
    const etags: string[] = new Array<string>(count);
    let next = 0;
    // Set by whichever part finds the object changed; the others then stop.
    const found = { changed: false };
    const copyNext = async (): Promise<void> => {
      while (!found.changed && next < count) {
        const index = next++;
        const first = index * partBytes;
        const last = Math.min(head.size, first + partBytes) - 1;
        const answer = await this.requests.send(
          "UploadPartCopy",
          {
            method: "PUT",
            bucket: this.bucket,
            object: key,
            subres: { partNumber: index + 1, uploadId },
            headers: {
              "x-oss-copy-source": this.copySource(key),
              "x-oss-copy-source-range": `bytes=${first}-${last}`,
              "x-oss-copy-source-if-match": head.etag,
            },
            successStatuses: [200],
          },
          CHANGED,
        );
        if (isExpected(answer)) {
          found.changed = true;
        } else {
          etags[index] = answer.headers.etag ?? "";
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PART_COPIES_AT_ONCE, count) }, copyNext));
    return found.changed ? undefined : etags;
  }

  /**
   * Aborts an upload. A failure to abort is left: the upload stays until aborted, or expired by
   * the bucket's lifecycle rule for incomplete uploads if it has one (the README says so).
   */
  private async abort(key: string, uploadId: string): Promise<void> {
    await this.requests
      .send(
        "AbortMultipartUpload",
        {
          method: "DELETE",
          bucket: this.bucket,
          object: key,
          subres: { uploadId },
          successStatuses: [204],
        },
        ["NoSuchUpload"],
      )
      .catch(() => undefined);
  }
}

/**
 * The failure of a copy by parts that may have replaced the object without giving its ACL back:
 * it names the ACL, which no later run could know, so that it can be set again by hand.
 */
function aclNotRestored(key: string, acl: string, cause: unknown): Error {
  const why = (cause instanceof Error ? cause.message : String(cause)).replace(/\.$/, "");
  return new Error(
    `Object ${quoteKey(key)} may now be re-encrypted with the default ACL instead of its own, "${acl}": a copy by parts cannot carry an ACL, and giving it back failed (${why}); set it to "${acl}" again by hand (PutObjectACL, or ossutil set-acl).`,
    { cause },
  );
}

/**
 * The ETag OSS gives an object completed from parts with `partEtags`: the MD5 of the parts'
 * MD5s, in order, then `-` and the number of parts.
 */
function completedEtag(partEtags: readonly string[]): string {
  const md5s = Buffer.concat(partEtags.map((etag) => Buffer.from(etag.replace(/"/g, ""), "hex")));
  return `${createHash("md5").update(md5s).digest("hex")}-${partEtags.length}`;
}

/** Whether two ETags are one, however quoted and in whichever letter case. */
function sameEtag(a: string, b: string): boolean {
  const bare = (etag: string) => etag.replace(/"/g, "").toUpperCase();
  return bare(a) === bare(b);
}

/** The storage class header of a rewrite: the object's own, when HEAD named it. */
function storageClassOf(head: ObjectHead): Record<string, string> {
  const storageClass = head.headers[STORAGE_CLASS_HEADER];
  return storageClass === undefined ? {} : { [STORAGE_CLASS_HEADER]: storageClass };
}

/** The body of CompleteMultipartUpload for parts 1, 2, … with these ETags. */
function completionXml(etags: readonly string[]): string {
  const escape = (text: string) =>
    text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  return `<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUpload>${etags
    .map(
      (etag, index) =>
        `<Part><PartNumber>${index + 1}</PartNumber><ETag>${escape(etag)}</ETag></Part>`,
    )
    .join("")}</CompleteMultipartUpload>`;
}
