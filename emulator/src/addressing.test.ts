import { type Address, resolveAddress } from "./addressing";

describe("resolveAddress", () => {
  it.each<[string, string, string, Address]>([
    [
      "virtual-host style, as ali-oss sends to an IP endpoint",
      "logs.oss-cn-hangzhou.aliyuncs.com",
      "/dir/a%20b.txt",
      { bucket: "logs", key: "dir/a b.txt", region: "cn-hangzhou", style: "virtual-host" },
    ],
    [
      "a virtual-host bucket call",
      "logs.oss-cn-hangzhou.aliyuncs.com:8080",
      "/",
      { bucket: "logs", key: undefined, region: "cn-hangzhou", style: "virtual-host" },
    ],
    [
      "ali-oss's sldEnable mix: virtual host and the bucket in the path",
      "logs.oss-ap-southeast-1.aliyuncs.com",
      "/logs/a.txt",
      { bucket: "logs", key: "a.txt", region: "ap-southeast-1", style: "virtual-host" },
    ],
    [
      "sldEnable bucket call",
      "logs.oss-cn-hangzhou.aliyuncs.com",
      "/logs/",
      { bucket: "logs", key: undefined, region: "cn-hangzhou", style: "virtual-host" },
    ],
    [
      "an internal endpoint",
      "logs.oss-cn-hangzhou-internal.aliyuncs.com",
      "/a",
      { bucket: "logs", key: "a", region: "cn-hangzhou", style: "virtual-host" },
    ],
    [
      "path style on the region endpoint",
      "oss-cn-hangzhou.aliyuncs.com",
      "/logs/a.txt",
      { bucket: "logs", key: "a.txt", region: "cn-hangzhou", style: "path" },
    ],
    [
      "a service call on the region endpoint",
      "oss-cn-hangzhou.aliyuncs.com",
      "/",
      { bucket: undefined, key: undefined, region: "cn-hangzhou", style: "path" },
    ],
    [
      "path style on an IP",
      "127.0.0.1:9000",
      "/logs/a/b",
      { bucket: "logs", key: "a/b", region: undefined, style: "path" },
    ],
    [
      "a path-style bucket call",
      "127.0.0.1:9000",
      "/logs/",
      { bucket: "logs", key: undefined, region: undefined, style: "path" },
    ],
    [
      "a path-style bucket call without slash",
      "localhost:9000",
      "/logs",
      { bucket: "logs", key: undefined, region: undefined, style: "path" },
    ],
    [
      "a service call on an IP",
      "127.0.0.1:9000",
      "/",
      { bucket: undefined, key: undefined, region: undefined, style: "path" },
    ],
  ])("resolves %s", (_case, host, path, address) => {
    expect(resolveAddress(host, path)).toStrictEqual(address);
  });

  it.each([
    ["a lone % in the key", "/logs/%"],
    ["a bad escape in the key", "/logs/a%zz"],
  ])("refuses %s with 400 InvalidURI", (_case, path) => {
    expect(() => resolveAddress("127.0.0.1:9000", path)).toThrow(
      expect.objectContaining({ status: 400, code: "InvalidURI" }) as Error,
    );
  });
});
