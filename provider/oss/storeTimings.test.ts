import { DEFAULT_STORE_TIMINGS, storeTimingsFromConfig, tuningConfigKeys } from "./storeTimings";

function reader(values: Record<string, string>) {
  return (key: string) => values[key];
}

describe("storeTimingsFromConfig", () => {
  it("gives the defaults when nothing is set, or set blank", () => {
    expect(storeTimingsFromConfig(reader({}), "tuning")).toStrictEqual({
      ok: true,
      timings: DEFAULT_STORE_TIMINGS,
    });
    expect(storeTimingsFromConfig(reader({ "tuning:maxAttempts": " " }), "tuning")).toStrictEqual({
      ok: true,
      timings: DEFAULT_STORE_TIMINGS,
    });
  });

  it("takes each setting over its default, at both ends of its range", () => {
    const outcome = storeTimingsFromConfig(
      reader({
        "tuning:requestTimeoutMs": "100",
        "tuning:retryDeadlineMs": "3600000",
        "tuning:maxAttempts": "1",
      }),
      "tuning",
    );
    expect(outcome).toStrictEqual({
      ok: true,
      timings: {
        requestTimeoutMs: 100,
        retry: { ...DEFAULT_STORE_TIMINGS.retry, deadlineMs: 3_600_000, maxAttempts: 1 },
      },
    });
  });

  it("reports every bad setting, in the definition's order", () => {
    expect(
      storeTimingsFromConfig(
        reader({ "tuning:maxAttempts": "0", "tuning:requestTimeoutMs": "50" }),
        "tuning",
      ),
    ).toStrictEqual({
      ok: false,
      failures: [
        {
          property: "tuning:requestTimeoutMs",
          reason:
            "tuning:requestTimeoutMs must be a whole number of milliseconds from 100 to 300000",
        },
        {
          property: "tuning:maxAttempts",
          reason: "tuning:maxAttempts must be a whole number of attempts from 1 to 20",
        },
      ],
    });
  });

  it.each([
    ["requestTimeoutMs", "99", "milliseconds from 100 to 300000"],
    ["requestTimeoutMs", "2147483648", "milliseconds from 100 to 300000"],
    ["requestTimeoutMs", "1e4", "milliseconds from 100 to 300000"],
    ["retryDeadlineMs", "-5", "milliseconds from 1000 to 3600000"],
    ["retryDeadlineMs", "2.5", "milliseconds from 1000 to 3600000"],
    ["maxAttempts", "21", "attempts from 1 to 20"],
    ["maxAttempts", "three", "attempts from 1 to 20"],
  ])("rejects %s = %s, naming the key and the range", (name, value, range) => {
    expect(storeTimingsFromConfig(reader({ [`tuning:${name}`]: value }), "tuning")).toStrictEqual({
      ok: false,
      failures: [
        {
          property: `tuning:${name}`,
          reason: `tuning:${name} must be a whole number of ${range}`,
        },
      ],
    });
  });
});

describe("tuningConfigKeys", () => {
  it("names each integer config key of the definition in the namespace", () => {
    expect(tuningConfigKeys("bucketEncryption")).toStrictEqual({
      requestTimeoutMs: "bucketEncryption:requestTimeoutMs",
      retryDeadlineMs: "bucketEncryption:retryDeadlineMs",
      maxAttempts: "bucketEncryption:maxAttempts",
    });
  });
});
