import {
  failureOf,
  isRetryable,
  type OssFailure,
  OssRequestError,
  THROTTLING_CODES,
} from "./errors";

/** Builds an error shaped like the ones ali-oss throws. */
function aliOssError(fields: { message: string } & Record<string, unknown>): Error {
  return Object.assign(new Error(fields.message), fields);
}

describe("failureOf", () => {
  it("reads an OSS error answer", () => {
    expect(
      failureOf(
        aliOssError({
          name: "AccessDeniedError",
          code: "AccessDenied",
          status: 403,
          requestId: "5F00000000000000000000AA",
          message: "You have no right to access this object.",
        }),
      ),
    ).toStrictEqual({
      status: 403,
      code: "AccessDenied",
      requestId: "5F00000000000000000000AA",
      detail: "You have no right to access this object.",
    });
  });

  it.each([
    ["connect ECONNREFUSED 127.0.0.1:9000", "connect ECONNREFUSED"],
    ["getaddrinfo ENOTFOUND my-secret-oss-host.example", "getaddrinfo ENOTFOUND"],
    ["read ECONNRESET", "read ECONNRESET"],
  ])(
    "keeps no address of a network error %s, as the endpoint may be a secret",
    (message, detail) => {
      expect(
        failureOf({
          name: "RequestError",
          status: -1,
          message: `${message}, PUT http://x/ -1 (connected: false)`,
        }),
      ).toStrictEqual({ status: -1, code: "RequestError", detail });
    },
  );

  it("keeps only the cause of a network error, not the URL and socket statistics", () => {
    expect(
      failureOf(
        aliOssError({
          name: "ResponseError",
          code: "ResponseError",
          status: -1,
          message:
            'socket hang up, GET http://127.0.0.1:1/?encryption= -1 (connected: true, agent status: {"x":1})',
        }),
      ),
    ).toStrictEqual({ status: -1, code: "ResponseError", detail: "socket hang up" });
  });

  it("reads a response timeout, which ali-oss reports without status or code", () => {
    expect(
      failureOf(
        aliOssError({
          name: "ResponseTimeoutError",
          message: "Response timeout for 1000ms, please increase the timeout",
        }),
      ),
    ).toStrictEqual({ code: "ResponseTimeoutError", detail: "Response timeout for 1000ms" });
  });

  it("reads something that is not an error at all", () => {
    expect(failureOf("boom")).toStrictEqual({ code: "UnknownError", detail: "boom" });
  });
});

describe("isRetryable", () => {
  it.each<[string, OssFailure]>([
    ...THROTTLING_CODES.map((code): [string, OssFailure] => [code, { status: 503, code }]),
    ["InternalError 500", { status: 500, code: "InternalError" }],
    ["502", { status: 502, code: "BadGateway" }],
    ["504", { status: 504, code: "GatewayTimeout" }],
    ["a 503 without body", { status: 503, code: "UnknownError" }],
    ["RequestTimeTooSkewed", { status: 403, code: "RequestTimeTooSkewed" }],
    ["a reset connection", { status: -1, code: "ResponseError" }],
    ["a timeout", { code: "ResponseTimeoutError" }],
    ["a connection timeout", { code: "ConnectionTimeoutError" }],
  ])("retries %s", (_case, failure) => {
    expect(isRetryable(failure)).toBe(true);
  });

  it.each<[string, OssFailure]>([
    ["AccessDenied", { status: 403, code: "AccessDenied" }],
    ["InvalidAccessKeyId", { status: 403, code: "InvalidAccessKeyId" }],
    ["SignatureDoesNotMatch", { status: 403, code: "SignatureDoesNotMatch" }],
    ["InvalidArgument", { status: 400, code: "InvalidArgument" }],
    ["MalformedXML", { status: 400, code: "MalformedXML" }],
    ["NoSuchBucket", { status: 404, code: "NoSuchBucket" }],
    ["501 NotImplemented", { status: 501, code: "NotImplemented" }],
  ])("fails at once on %s", (_case, failure) => {
    expect(isRetryable(failure)).toBe(false);
  });
});

describe("OssRequestError", () => {
  it.each<[string, ConstructorParameters<typeof OssRequestError>, string]>([
    [
      "AccessDenied with the RAM action to grant",
      [
        "PutBucketEncryption",
        "logs",
        {
          status: 403,
          code: "AccessDenied",
          requestId: "5F01",
          detail: "You have no right to access this object.",
        },
        1,
        "stack config alicloud:accessKey/alicloud:secretKey",
      ],
      'PutBucketEncryption on bucket "logs" failed with AccessDenied (HTTP 403, request id 5F01): You have no right to access this object; grant the RAM action oss:PutBucketEncryption on this bucket to the credentials from stack config alicloud:accessKey/alicloud:secretKey.',
    ],
    [
      "a throttled call after retries",
      [
        "GetBucketEncryption",
        "logs",
        { status: 503, code: "MetaOperationQpsLimitExceeded", requestId: "5F02" },
        8,
        "env",
      ],
      'GetBucketEncryption on bucket "logs" failed with MetaOperationQpsLimitExceeded (HTTP 503, request id 5F02, after 8 attempts).',
    ],
    [
      "a network failure",
      [
        "DeleteBucketEncryption",
        "logs",
        { status: -1, code: "ResponseError", detail: "socket hang up" },
        3,
        "env",
      ],
      'DeleteBucketEncryption on bucket "logs" failed with ResponseError (after 3 attempts): socket hang up.',
    ],
    [
      "a wrong secret",
      [
        "GetBucketEncryption",
        "logs",
        { status: 403, code: "SignatureDoesNotMatch", requestId: "5F03" },
        1,
        "environment ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY",
      ],
      'GetBucketEncryption on bucket "logs" failed with SignatureDoesNotMatch (HTTP 403, request id 5F03); check the access key secret from environment ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY, the region and the signatureVersion.',
    ],
    [
      "a missing bucket",
      [
        "PutBucketEncryption",
        "logs",
        { status: 404, code: "NoSuchBucket", requestId: "5F04" },
        1,
        "env",
      ],
      'PutBucketEncryption on bucket "logs" failed with NoSuchBucket (HTTP 404, request id 5F04); create the bucket first, or check the bucket name, region and endpoint.',
    ],
  ])("tells %s in one sentence", (_case, args, message) => {
    const error = new OssRequestError(...args);
    expect(error.message).toBe(message);
    expect(error.code).toBe(args[2].code);
  });
});

describe("what a failure keeps of an answer", () => {
  it("keeps the first line of a message, without the body ali-oss could not parse", () => {
    const error = Object.assign(
      new Error("Non-whitespace before first tag.\nLine: 0\nraw xml: x-oss-security-token: t0ken"),
      { name: "Error", status: 400 },
    );
    expect(failureOf(error).detail).toBe("Non-whitespace before first tag.");
  });

  it("cuts a message of any size to 500 characters and a code to 100", () => {
    const failure = failureOf({ status: 403, code: "C".repeat(5_000), message: "M".repeat(5_000) });
    expect(failure.detail).toBe(`${"M".repeat(500)}…`);
    expect(failure.code).toBe(`${"C".repeat(100)}…`);
  });

  it("replaces the credentials of the call wherever an answer echoes them, before cutting", () => {
    const token = "T".repeat(310);
    const failure = failureOf(
      {
        status: 403,
        code: "s3cret",
        requestId: `id-${token}`,
        message: `${"x".repeat(450)}${token} and s3cret`,
      },
      ["s3cret", token, ""],
    );
    expect(failure).toStrictEqual({
      status: 403,
      code: "[secret]",
      requestId: "id-[secret]",
      detail: `${"x".repeat(450)}[secret] and [secret]`,
    });
  });
});
