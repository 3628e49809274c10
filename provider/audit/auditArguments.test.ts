import { parseAuditArguments } from "./auditArguments";

describe("parseAuditArguments", () => {
  it("reads every option, canonical as the resource's inputs of the same names", () => {
    expect(
      parseAuditArguments([
        "--bucket",
        "logs",
        "--prefix",
        "2026/",
        "--endpoint",
        "http://127.0.0.1:9000/",
        "--region",
        "oss-cn-shanghai",
        "--signature-version",
        "V1",
        "--json",
        "--concurrency",
        "4",
        "--max-objects",
        "500",
        "--fix",
        "--yes",
      ]),
    ).toStrictEqual({
      kind: "audit",
      arguments: {
        bucket: "logs",
        prefix: "2026/",
        endpoint: "http://127.0.0.1:9000",
        region: "cn-shanghai",
        signatureVersion: "v1",
        json: true,
        concurrency: 4,
        maxObjects: 500,
        fix: true,
        yes: true,
      },
    });
  });

  it("defaults to every object, V4, 16 at once, no limit and no fix", () => {
    expect(parseAuditArguments(["--bucket", "logs"])).toStrictEqual({
      kind: "audit",
      arguments: {
        bucket: "logs",
        prefix: "",
        signatureVersion: "v4",
        json: false,
        concurrency: 16,
        fix: false,
        yes: false,
      },
    });
  });

  it.each([
    [["--bucket", "logs", "--bogus"], 'unknown option "--bogus"'],
    [
      ["--bucket", "logs", "extra"],
      'unexpected argument "extra"; every value follows its option, e.g. --bucket logs',
    ],
    [["--bucket"], "--bucket needs a value"],
    [
      ["--bucket", "logs", "--concurrency", "257"],
      "--concurrency must be a whole number from 1 to 256",
    ],
    [
      ["--bucket", "logs", "--concurrency", "1.5"],
      "--concurrency must be a whole number from 1 to 256",
    ],
    [
      ["--bucket", "logs", "--max-objects", "0"],
      "--max-objects must be a whole number from 1 to 9007199254740991",
    ],
    [
      ["--bucket", "Logs"],
      "--bucket: bucket may contain only lowercase letters, digits and hyphens",
    ],
    [
      ["--bucket", "logs", "--signature-version", "v2"],
      '--signature-version: signatureVersion must be one of "v4", "v1"',
    ],
  ])("refuses %j: %s", (argv, problem) => {
    expect(parseAuditArguments(argv)).toStrictEqual({ kind: "invalid", problems: [problem] });
  });

  it("answers --help with the usage, whatever else is given", () => {
    expect(parseAuditArguments(["--help", "--concurrency", "0"])).toStrictEqual({ kind: "help" });
  });
});
