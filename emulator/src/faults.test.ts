import { FaultPlan, THROTTLING_CODES } from "./faults";

describe("FaultPlan", () => {
  it("fails exactly the next N calls of the named operation, then none", () => {
    const plan = new FaultPlan({ seed: 1 });
    plan.failNext("PutBucketEncryption", 2, "MetaOperationQpsLimitExceeded");
    expect(plan.take("GetBucketEncryption")).toBeUndefined();
    const fault = { kind: "error", status: 503, code: "MetaOperationQpsLimitExceeded" };
    expect(plan.take("PutBucketEncryption")).toStrictEqual(fault);
    expect(plan.take("PutBucketEncryption")).toStrictEqual(fault);
    expect(plan.take("PutBucketEncryption")).toBeUndefined();
  });

  it("hits only the named bucket's calls when given one", () => {
    const plan = new FaultPlan({ seed: 1 });
    plan.resetNext("PutBucketEncryption", 1, { bucket: "audit" });
    expect(plan.take("PutBucketEncryption", "logs")).toBeUndefined();
    expect(plan.take("PutBucketEncryption", "audit")).toStrictEqual({ kind: "reset" });
    expect(plan.take("PutBucketEncryption", "audit")).toBeUndefined();
  });

  it("uses an explicit status over the code's", () => {
    const plan = new FaultPlan({ seed: 1 });
    plan.failNext("GetObject", 1, "AccessDenied", { status: 403 });
    expect(plan.take("GetObject")).toStrictEqual({
      kind: "error",
      status: 403,
      code: "AccessDenied",
    });
  });

  it("gives InternalError its 500 and any operation a * fault", () => {
    const plan = new FaultPlan({ seed: 1 });
    plan.failNext("*", 1, "InternalError");
    expect(plan.take("DeleteBucket")).toStrictEqual({
      kind: "error",
      status: 500,
      code: "InternalError",
    });
  });

  it("takes scheduled faults in the order they were added", () => {
    const plan = new FaultPlan({ seed: 1 });
    plan.resetNext("GetObject", 1);
    plan.delayNext("GetObject", 1, 250);
    expect([plan.take("GetObject"), plan.take("GetObject"), plan.take("GetObject")]).toStrictEqual([
      { kind: "reset" },
      { kind: "delay", ms: 250 },
      undefined,
    ]);
  });

  it("fails about the configured share of calls at random, repeatably for a seed", () => {
    const outcomes = (seed: number) => {
      const plan = new FaultPlan({ seed, random: { errorRate: 0.05, resetRate: 0.01 } });
      return Array.from({ length: 10_000 }, () => plan.take("GetBucketEncryption"));
    };
    const first = outcomes(7);
    expect(outcomes(7)).toStrictEqual(first);
    const errors = first.filter((fault) => fault?.kind === "error");
    const resets = first.filter((fault) => fault?.kind === "reset");
    expect(errors.length).toBeGreaterThan(400);
    expect(errors.length).toBeLessThan(600);
    expect(resets.length).toBeGreaterThan(60);
    expect(resets.length).toBeLessThan(140);
    expect(new Set(errors.map((fault) => JSON.stringify(fault)))).toStrictEqual(
      new Set(THROTTLING_CODES.map((code) => JSON.stringify({ kind: "error", status: 503, code }))),
    );
  });

  it("reports and clears its settings", () => {
    const plan = new FaultPlan({
      latencyMs: 5,
      scheduled: [{ operation: "PutObject", count: 3, fault: { kind: "reset" } }],
    });
    expect(plan.settings()).toStrictEqual({
      scheduled: [{ operation: "PutObject", remaining: 3, fault: { kind: "reset" } }],
      latencyMs: 5,
      random: { errorRate: 0, resetRate: 0, errorCodes: THROTTLING_CODES },
    });
    plan.clear();
    expect(plan.settings()).toStrictEqual({
      scheduled: [],
      latencyMs: 0,
      random: { errorRate: 0, resetRate: 0, errorCodes: THROTTLING_CODES },
    });
  });

  it.each([
    [
      "a zero count",
      (plan: FaultPlan) => {
        plan.failNext("PutObject", 0, "InternalError");
      },
      "count must be a whole number of calls, at least 1; got 0",
    ],
    [
      "a negative latency",
      (plan: FaultPlan) => {
        plan.setLatency(-1);
      },
      "latency must be zero or more milliseconds; got -1",
    ],
    [
      "a rate above 1",
      (plan: FaultPlan) => {
        plan.setRandom({ errorRate: 1.5 });
      },
      "errorRate must be between 0 and 1; got 1.5",
    ],
    [
      "no codes",
      (plan: FaultPlan) => {
        plan.setRandom({ errorCodes: [] });
      },
      "errorCodes must name at least one code",
    ],
  ])("refuses %s", (_case, change, message) => {
    expect(() => {
      change(new FaultPlan());
    }).toThrow(message);
  });
});
