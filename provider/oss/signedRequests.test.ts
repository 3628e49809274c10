import { withPathAsItIs } from "./signedRequests";

describe("withPathAsItIs", () => {
  it("leaves a URL whose path has no . or .. segment as text", () => {
    for (const url of [
      "http://127.0.0.1:9000/logs/a/b.txt?acl",
      "https://logs.oss-cn-hangzhou.aliyuncs.com/a..b/.hidden/x.",
      "http://127.0.0.1:9000/?list-type=2&prefix=..",
    ]) {
      expect(withPathAsItIs(url)).toBe(url);
    }
  });

  it("parses a URL with . or .. segments, keeping its path and query as they are", () => {
    expect(withPathAsItIs("http://127.0.0.1:9000/logs/a/../b?acl")).toStrictEqual({
      href: "http://127.0.0.1:9000/logs/a/../b?acl",
      protocol: "http:",
      host: "127.0.0.1:9000",
      hostname: "127.0.0.1",
      port: "9000",
      path: "/logs/a/../b?acl",
      auth: null,
    });
    expect(withPathAsItIs("https://logs.oss-cn-hangzhou.aliyuncs.com/c/./d")).toMatchObject({
      protocol: "https:",
      hostname: "logs.oss-cn-hangzhou.aliyuncs.com",
      port: "",
      path: "/c/./d",
    });
  });
});
