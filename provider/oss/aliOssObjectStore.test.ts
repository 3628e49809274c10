import { AliOssObjectStore, OSS_COPY_LIMITS, partBytesFor } from "./aliOssObjectStore";
import { Credentials } from "./connection";

describe("partBytesFor", () => {
  it("copies in the preferred parts while they number 10,000 at most", () => {
    expect(partBytesFor(1024 ** 3 + 1, OSS_COPY_LIMITS.partBytes)).toBe(64 * 1024 ** 2);
    expect(partBytesFor(10_000 * 64 * 1024 ** 2, OSS_COPY_LIMITS.partBytes)).toBe(64 * 1024 ** 2);
  });

  it("copies an object too large for 10,000 preferred parts in 10,000 larger ones", () => {
    const objectBytes = 10_000 * 64 * 1024 ** 2 + 1;
    const partBytes = partBytesFor(objectBytes, OSS_COPY_LIMITS.partBytes);
    expect(partBytes).toBe(64 * 1024 ** 2 + 1);
    expect(Math.ceil(objectBytes / partBytes)).toBe(10_000);
  });
});

describe("rewrite", () => {
  it("leaves a symlink as it is, sending nothing: a copy would replace the link with its target's data", async () => {
    // An endpoint nothing listens on: any request would fail with a network error instead.
    const store = new AliOssObjectStore(
      {
        credentials: new Credentials("id", "secret", undefined, "the test"),
        endpoint: "http://127.0.0.1:9",
        region: "cn-hangzhou",
        signatureVersion: "v4",
      },
      "logs",
    );
    await expect(
      store.rewrite(
        "link",
        { etag: '"E"', size: 10, headers: { "x-oss-object-type": "Symlink" } },
        { sseAlgorithm: "AES256" },
      ),
    ).rejects.toThrow(
      'Object "link" of bucket "logs" is a symlink, which has no data of its own: re-encrypt its target instead; the link is left as it is.',
    );
  });
});
