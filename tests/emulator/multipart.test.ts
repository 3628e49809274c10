/**
 * Multipart upload with real content, driven by ali-oss 6.23.0 in V1 and V4 (and by raw signed
 * requests where ali-oss cannot send the request): parts uploaded and copied, completed into one
 * object with OSS's multipart ETag and the settings given at InitiateMultipartUpload; abort;
 * ListParts and ListMultipartUploads with their paging; the errors CompleteMultipartUpload and
 * UploadPart answer; counters and injected faults by operation name.
 */
import { createHash } from "node:crypto";
import { DEFAULT_CREDENTIAL, type OssEmulator, startOssEmulator } from "local-oss-endpoint";
import { aliOssClient, type EncryptionClient } from "../../tooling/aliOssClient";
import { failureOf } from "../support/failures";
import { elementText, errorCode, rawRequest } from "../support/rawOss";

let oss: OssEmulator;
let bucketCount = 0;

beforeAll(async () => {
  oss = await startOssEmulator();
});

afterAll(async () => {
  await oss.close();
});

/** A new bucket with a unique name, and a client for it. */
async function newBucket(v4 = true): Promise<{ name: string; client: EncryptionClient }> {
  bucketCount += 1;
  const name = `multipart-${bucketCount}`;
  await aliOssClient(oss.endpoint).putBucket(name);
  return { name, client: aliOssClient(oss.endpoint, { bucket: name, v4 }) };
}

/** `size` bytes of a pattern that differs from part to part. */
function bytesOf(size: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, index) => (index * 7 + seed) % 251));
}

function md5(bytes: Buffer): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** OSS's multipart ETag, computed here from the parts' bytes: the MD5 of their MD5s, `-N`. */
function multipartEtag(parts: readonly Buffer[]): string {
  const md5s = Buffer.concat(parts.map((part) => createHash("md5").update(part).digest()));
  return `"${md5(md5s).toUpperCase()}-${parts.length}"`;
}

const KIB = 1024;

/** ListParts' parts as ali-oss gives them: the XML's elements as text (its types say otherwise). */
function partsOf(result: { parts: unknown }) {
  return result.parts as { PartNumber: string; Size: string; ETag: string }[];
}

describe.each([
  ["V1", false],
  ["V4", true],
])("multipart upload through ali-oss signing %s", (_version, v4) => {
  it("joins uploaded and copied parts into one object with OSS's multipart ETag and the settings given at Initiate", async () => {
    const { name, client } = await newBucket(v4);
    const source = bytesOf(300 * KIB, 1);
    await client.put("source.bin", source);
    const init = await client.initMultipartUpload("joined.txt", {
      mime: "text/plain",
      meta: { owner: "audit", run: "7" },
      headers: {
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "key-9",
        "x-oss-object-acl": "private",
      },
    } as object);
    expect((init.res.headers as Record<string, string>)["x-oss-server-side-encryption"]).toBe(
      "KMS",
    );
    const first = bytesOf(200 * KIB, 2);
    const last = bytesOf(10, 3);
    const part1 = await client.uploadPart("joined.txt", init.uploadId, 1, first, 0, first.length);
    const part2 = await client.uploadPartCopy(
      "joined.txt",
      init.uploadId,
      2,
      `${100 * KIB}-${250 * KIB - 1}`,
      { sourceKey: "source.bin", sourceBucketName: name },
      {},
    );
    const part3 = await client.uploadPart("joined.txt", init.uploadId, 3, last, 0, last.length);
    const copied = source.subarray(100 * KIB, 250 * KIB);
    expect([part1.etag, part2.etag, part3.etag]).toStrictEqual(
      [first, copied, last].map((part) => `"${md5(part).toUpperCase()}"`),
    );
    const done = await client.completeMultipartUpload("joined.txt", init.uploadId, [
      { number: 1, etag: part1.etag },
      { number: 2, etag: part2.etag },
      { number: 3, etag: part3.etag },
    ]);
    expect(done.etag).toBe(multipartEtag([first, copied, last]));

    const got = await client.get("joined.txt");
    expect(got.content).toStrictEqual(Buffer.concat([first, copied, last]));
    const head = (await client.head("joined.txt")).res.headers as Record<string, string>;
    expect({
      type: head["x-oss-object-type"],
      etag: head.etag,
      contentType: head["content-type"],
      sse: head["x-oss-server-side-encryption"],
      keyId: head["x-oss-server-side-encryption-key-id"],
      owner: head["x-oss-meta-owner"],
      run: head["x-oss-meta-run"],
    }).toStrictEqual({
      type: "Multipart",
      etag: done.etag,
      contentType: "text/plain",
      sse: "KMS",
      keyId: "key-9",
      owner: "audit",
      run: "7",
    });
    await expect(client.getACL("joined.txt")).resolves.toMatchObject({ acl: "private" });
    expect(oss.bucket(name)?.uploads.size).toBe(0);
  });

  it("aborts an upload: it is no longer listed, and ListParts and Complete answer NoSuchUpload", async () => {
    const { client } = await newBucket(v4);
    const init = await client.initMultipartUpload("dropped.bin");
    const part = await client.uploadPart("dropped.bin", init.uploadId, 1, bytesOf(10, 1), 0, 10);
    await expect(client.listUploads({})).resolves.toMatchObject({
      uploads: [{ name: "dropped.bin", uploadId: init.uploadId }],
    });
    await expect(client.abortMultipartUpload("dropped.bin", init.uploadId)).resolves.toMatchObject({
      res: { status: 204 },
    });
    await expect(client.listUploads({})).resolves.toMatchObject({ uploads: [] });
    for (const call of [
      client.listParts("dropped.bin", init.uploadId),
      client.completeMultipartUpload("dropped.bin", init.uploadId, [
        { number: 1, etag: part.etag },
      ]),
      client.abortMultipartUpload("dropped.bin", init.uploadId),
    ]) {
      await expect(failureOf(call)).resolves.toStrictEqual({
        status: 404,
        code: "NoSuchUpload",
        message:
          "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
      });
    }
    await expect(failureOf(client.head("dropped.bin"))).resolves.toMatchObject({ status: 404 });
  });

  it("lists an upload's parts in order, paged with max-parts and part-number-marker", async () => {
    const { name, client } = await newBucket(v4);
    const init = await client.initMultipartUpload("parts.bin");
    for (const number of [3, 1, 2]) {
      await client.uploadPart(
        "parts.bin",
        init.uploadId,
        number,
        bytesOf(number, number),
        0,
        number,
      );
    }
    const first = await client.listParts("parts.bin", init.uploadId, {
      "max-parts": 2,
    } as never);
    expect({
      bucket: first.bucket,
      name: first.name,
      uploadId: first.uploadId,
      next: first.nextPartNumberMarker,
      max: first.maxParts,
      truncated: first.isTruncated,
      parts: partsOf(first).map((part) => [part.PartNumber, part.Size, part.ETag]),
    }).toStrictEqual({
      bucket: name,
      name: "parts.bin",
      uploadId: init.uploadId,
      next: "2",
      max: "2",
      truncated: "true",
      parts: [
        ["1", "1", `"${md5(bytesOf(1, 1)).toUpperCase()}"`],
        ["2", "2", `"${md5(bytesOf(2, 2)).toUpperCase()}"`],
      ],
    });
    const rest = await client.listParts("parts.bin", init.uploadId, {
      "part-number-marker": 2,
    } as never);
    // ali-oss gives a single part as an object, several as a list.
    expect([rest.isTruncated, rest.parts]).toMatchObject(["false", { PartNumber: "3", Size: "3" }]);
  });
});

describe("ListMultipartUploads", () => {
  it("lists uploads by key, then upload id, under a prefix, paged with key-marker and upload-id-marker", async () => {
    const { client } = await newBucket();
    const ids: Record<string, string[]> = {};
    for (const key of ["logs/b.bin", "logs/a.bin", "logs/a.bin", "other.bin"]) {
      const init = await client.initMultipartUpload(key);
      (ids[key] ??= []).push(init.uploadId);
    }
    const aIds = [...(ids["logs/a.bin"] ?? [])].sort();
    const first = await client.listUploads({ prefix: "logs/", "max-uploads": 2 });
    expect({
      uploads: first.uploads.map((upload) => [upload.name, upload.uploadId]),
      truncated: first.isTruncated,
      nextKey: String(first.nextKeyMarker),
      nextId: String(first.nextUploadIdMarker),
    }).toStrictEqual({
      uploads: [
        ["logs/a.bin", aIds[0]],
        ["logs/a.bin", aIds[1]],
      ],
      truncated: true,
      nextKey: "logs/a.bin",
      nextId: aIds[1],
    });
    const rest = await client.listUploads({
      prefix: "logs/",
      "key-marker": String(first.nextKeyMarker),
      "upload-id-marker": String(first.nextUploadIdMarker),
    });
    expect([rest.uploads.map((upload) => upload.name), rest.isTruncated]).toStrictEqual([
      ["logs/b.bin"],
      false,
    ]);
    const afterKey = await client.listUploads({ "key-marker": "logs/a.bin" });
    expect(afterKey.uploads.map((upload) => upload.name)).toStrictEqual([
      "logs/b.bin",
      "other.bin",
    ]);
  });

  it("rolls keys up into common prefixes at the delimiter", async () => {
    const { name } = await newBucket();
    const client = aliOssClient(oss.endpoint, { bucket: name });
    for (const key of ["dir/a.bin", "dir/b.bin", "top.bin"]) {
      await client.initMultipartUpload(key);
    }
    const answer = await rawRequest(oss.endpoint, {
      method: "GET",
      path: `/${name}/?uploads&delimiter=/`,
      resource: `/${name}/?uploads`,
      signWith: DEFAULT_CREDENTIAL,
    });
    expect([...answer.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map(([, key]) => key)).toStrictEqual([
      "top.bin",
    ]);
    expect(elementText(answer.body, "Prefix")).toBe("");
    expect(answer.body).toContain("<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>");
  });
});

describe("CompleteMultipartUpload", () => {
  /** An upload of `sizes` parts (bytes each), with their ETags. */
  async function uploadOf(sizes: readonly number[]) {
    const { name, client } = await newBucket();
    const init = await client.initMultipartUpload("object.bin");
    const parts: { number: number; etag: string }[] = [];
    for (const [index, size] of sizes.entries()) {
      const bytes = bytesOf(size, index);
      const part = await client.uploadPart("object.bin", init.uploadId, index + 1, bytes, 0, size);
      parts.push({ number: index + 1, etag: part.etag });
    }
    return { name, client, uploadId: init.uploadId, parts };
  }

  function completeBody(parts: readonly { number: number; etag: string }[]): string {
    return `<CompleteMultipartUpload>${parts
      .map(
        (part) => `<Part><PartNumber>${part.number}</PartNumber><ETag>${part.etag}</ETag></Part>`,
      )
      .join("")}</CompleteMultipartUpload>`;
  }

  it("answers EntityTooSmall for a part under 100 KB that is not the last, and keeps the upload", async () => {
    const { client, uploadId, parts } = await uploadOf([100 * KIB - 1, 100 * KIB]);
    await expect(
      failureOf(client.completeMultipartUpload("object.bin", uploadId, parts)),
    ).resolves.toStrictEqual({
      status: 400,
      code: "EntityTooSmall",
      message: "Your proposed upload is smaller than the minimum allowed size.",
    });
    await expect(client.listParts("object.bin", uploadId)).resolves.toMatchObject({
      parts: [{ PartNumber: "1" }, { PartNumber: "2" }],
    });
  });

  it("takes a first part of exactly 100 KB and a last part of any size", async () => {
    const { client, uploadId, parts } = await uploadOf([100 * KIB, 1]);
    await expect(
      client.completeMultipartUpload("object.bin", uploadId, parts),
    ).resolves.toMatchObject({ res: { status: 200 } });
    const head = await client.head("object.bin");
    expect((head.res.headers as Record<string, string>)["content-length"]).toBe(
      String(100 * KIB + 1),
    );
  });

  it("answers InvalidPart for a part never uploaded or an ETag that is not the part's", async () => {
    const { client, uploadId, parts } = await uploadOf([100 * KIB, 10]);
    for (const listed of [
      [parts[0], { number: 3, etag: parts[1]?.etag ?? "" }],
      [parts[0], { number: 2, etag: '"00000000000000000000000000000000"' }],
    ]) {
      await expect(
        failureOf(
          client.completeMultipartUpload(
            "object.bin",
            uploadId,
            listed as { number: number; etag: string }[],
          ),
        ),
      ).resolves.toMatchObject({ status: 400, code: "InvalidPart" });
    }
  });

  it("answers InvalidPartOrder for parts not in ascending order (ali-oss sorts them, so raw)", async () => {
    const { name, uploadId, parts } = await uploadOf([100 * KIB, 100 * KIB]);
    const answer = await rawRequest(oss.endpoint, {
      method: "POST",
      path: `/${name}/object.bin?uploadId=${uploadId}`,
      resource: `/${name}/object.bin?uploadId=${uploadId}`,
      body: completeBody([...parts].reverse()),
      signWith: DEFAULT_CREDENTIAL,
    });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([400, "InvalidPartOrder"]);
  });

  it("answers MalformedXML for a body without parts", async () => {
    const { name, uploadId } = await uploadOf([10]);
    const answer = await rawRequest(oss.endpoint, {
      method: "POST",
      path: `/${name}/object.bin?uploadId=${uploadId}`,
      resource: `/${name}/object.bin?uploadId=${uploadId}`,
      body: "<CompleteMultipartUpload></CompleteMultipartUpload>",
      signWith: DEFAULT_CREDENTIAL,
    });
    expect([answer.status, errorCode(answer.body)]).toStrictEqual([400, "MalformedXML"]);
  });

  it("answers the CompleteMultipartUploadResult OSS documents, with the ETag and the key", async () => {
    const { name, uploadId, parts } = await uploadOf([10]);
    const answer = await rawRequest(oss.endpoint, {
      method: "POST",
      path: `/${name}/object.bin?uploadId=${uploadId}`,
      resource: `/${name}/object.bin?uploadId=${uploadId}`,
      body: completeBody(parts),
      signWith: DEFAULT_CREDENTIAL,
    });
    const etag = multipartEtag([bytesOf(10, 0)]);
    expect(answer.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult><Location>http://${name}.oss-cn-hangzhou.aliyuncs.com/object.bin</Location><Bucket>${name}</Bucket><Key>object.bin</Key><ETag>${etag.replace(/"/g, "&quot;")}</ETag></CompleteMultipartUploadResult>`,
    );
    expect(answer.headers.etag).toBe(etag);
  });
});

describe("UploadPart and UploadPartCopy", () => {
  it.each(["0", "10001", "x"])(
    "answer InvalidArgument for the part number %s",
    async (partNumber) => {
      const { name, client } = await newBucket();
      const init = await client.initMultipartUpload("object.bin");
      const answer = await rawRequest(oss.endpoint, {
        method: "PUT",
        path: `/${name}/object.bin?partNumber=${partNumber}&uploadId=${init.uploadId}`,
        resource: `/${name}/object.bin?partNumber=${partNumber}&uploadId=${init.uploadId}`,
        body: "bytes",
        signWith: DEFAULT_CREDENTIAL,
      });
      expect([
        answer.status,
        errorCode(answer.body),
        elementText(answer.body, "Message"),
      ]).toStrictEqual([
        400,
        "InvalidArgument",
        "Part number must be an integer between 1 and 10000, inclusive.",
      ]);
    },
  );

  it("answer NoSuchUpload for an upload id of another key", async () => {
    const { client } = await newBucket();
    const init = await client.initMultipartUpload("one.bin");
    await expect(
      failureOf(client.uploadPart("two.bin", init.uploadId, 1, bytesOf(1, 1), 0, 1)),
    ).resolves.toMatchObject({ status: 404, code: "NoSuchUpload" });
  });

  it("replace a part uploaded again under the same number", async () => {
    const { client } = await newBucket();
    const init = await client.initMultipartUpload("object.bin");
    await client.uploadPart("object.bin", init.uploadId, 1, bytesOf(5, 1), 0, 5);
    const again = await client.uploadPart("object.bin", init.uploadId, 1, bytesOf(7, 2), 0, 7);
    await client.completeMultipartUpload("object.bin", init.uploadId, [
      { number: 1, etag: again.etag },
    ]);
    await expect(client.get("object.bin")).resolves.toMatchObject({ content: bytesOf(7, 2) });
  });

  it("copy answers 412 PreconditionFailed for each copy condition that fails, and copies when all hold", async () => {
    const { name, client } = await newBucket();
    await client.put("source.bin", bytesOf(10, 1));
    const init = await client.initMultipartUpload("object.bin");
    const copy = (headers: Record<string, string>) =>
      client.uploadPartCopy(
        "object.bin",
        init.uploadId,
        1,
        "0-9",
        { sourceKey: "source.bin", sourceBucketName: name },
        { headers },
      );
    const etag = `"${md5(bytesOf(10, 1)).toUpperCase()}"`;
    const past = new Date(Date.now() - 3_600_000).toUTCString();
    const future = new Date(Date.now() + 3_600_000).toUTCString();
    for (const failing of <Record<string, string>[]>[
      { "x-oss-copy-source-if-match": '"0000"' },
      { "x-oss-copy-source-if-none-match": etag },
      { "x-oss-copy-source-if-modified-since": future },
      { "x-oss-copy-source-if-unmodified-since": past },
    ]) {
      await expect(failureOf(copy(failing))).resolves.toMatchObject({
        status: 412,
        code: "PreconditionFailed",
      });
    }
    await expect(
      copy({
        "x-oss-copy-source-if-match": etag,
        "x-oss-copy-source-if-modified-since": past,
      }),
    ).resolves.toMatchObject({ etag });
  });

  it("copy answers InvalidArgument for a range outside the source, and a source not of the form /bucket/key with OSS's EC", async () => {
    const { name, client } = await newBucket();
    await client.put("source.bin", bytesOf(10, 1));
    const init = await client.initMultipartUpload("object.bin");
    await expect(
      failureOf(
        client.uploadPartCopy(
          "object.bin",
          init.uploadId,
          1,
          "5-10",
          { sourceKey: "source.bin", sourceBucketName: name },
          {},
        ),
      ),
    ).resolves.toMatchObject({ status: 400, code: "InvalidArgument" });
    const answer = await rawRequest(oss.endpoint, {
      method: "PUT",
      path: `/${name}/object.bin?partNumber=1&uploadId=${init.uploadId}`,
      resource: `/${name}/object.bin?partNumber=1&uploadId=${init.uploadId}`,
      headers: { "x-oss-copy-source": `${name}/source.bin` },
      signWith: DEFAULT_CREDENTIAL,
    });
    expect([answer.status, errorCode(answer.body), answer.headers["x-oss-ec"]]).toStrictEqual([
      400,
      "InvalidArgument",
      "0042-00000301",
    ]);
  });
});

describe("a bucket with an upload in progress", () => {
  it("cannot be deleted: BucketNotEmpty, until the upload is aborted", async () => {
    const { name, client } = await newBucket();
    const init = await client.initMultipartUpload("object.bin");
    await expect(failureOf(aliOssClient(oss.endpoint).deleteBucket(name))).resolves.toMatchObject({
      status: 409,
      code: "BucketNotEmpty",
    });
    await client.abortMultipartUpload("object.bin", init.uploadId);
    await expect(aliOssClient(oss.endpoint).deleteBucket(name)).resolves.toMatchObject({
      res: { status: 204 },
    });
  });
});

describe("counters and injected faults", () => {
  it("count the multipart operations by name and fail the next UploadPart as injected", async () => {
    const { client } = await newBucket();
    oss.clearRequests();
    oss.faults.failNext("UploadPart", 1, "ServiceUnavailable");
    const init = await client.initMultipartUpload("object.bin");
    await expect(
      failureOf(client.uploadPart("object.bin", init.uploadId, 1, bytesOf(5, 1), 0, 5)),
    ).resolves.toMatchObject({ status: 503, code: "ServiceUnavailable" });
    const part = await client.uploadPart("object.bin", init.uploadId, 1, bytesOf(5, 1), 0, 5);
    await client.listParts("object.bin", init.uploadId);
    await client.completeMultipartUpload("object.bin", init.uploadId, [
      { number: 1, etag: part.etag },
    ]);
    expect(oss.counts()).toStrictEqual({
      InitiateMultipartUpload: 1,
      UploadPart: 2,
      ListParts: 1,
      CompleteMultipartUpload: 1,
    });
  });
});
