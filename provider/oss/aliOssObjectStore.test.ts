import { OSS_COPY_LIMITS, partBytesFor } from "./aliOssObjectStore";

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
