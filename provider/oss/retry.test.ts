import { backoffDelay, type Clock, type RetryPolicy, withRetries } from "./retry";

const POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  deadlineMs: 10_000,
};

/** A clock that only moves when the code under test sleeps. */
function fakeClock(random = 0.5): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: (ms) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    random: () => random,
  };
}

class Retryable extends Error {}

function failing(times: number, error: () => Error = () => new Retryable("busy")) {
  let calls = 0;
  const attempt = () => {
    calls += 1;
    return calls <= times ? Promise.reject(error()) : Promise.resolve(`ok after ${calls}`);
  };
  return { attempt, calls: () => calls };
}

const isRetryable = (error: unknown) => error instanceof Retryable;
const giveUp = (error: unknown, exhaustion: { attempts: number; elapsedMs: number }) =>
  new Error(
    `gave up after ${exhaustion.attempts} attempts in ${exhaustion.elapsedMs} ms: ${String(error)}`,
  );

describe("backoffDelay", () => {
  it.each([
    [1, 1, 99],
    [2, 1, 199],
    [3, 1, 399],
    [4, 1, 799],
    [5, 1, 999],
    [9, 1, 999],
    [3, 0, 0],
    [3, 0.5, 200],
  ])(
    "waits for retry %i at random %d %i ms (full jitter under a doubling cap)",
    (retry, random, expected) => {
      expect(backoffDelay(POLICY, retry, random === 1 ? 0.999 : random)).toBe(expected);
    },
  );
});

describe("withRetries", () => {
  it("returns the first success without waiting", async () => {
    const clock = fakeClock();
    await expect(withRetries(failing(0).attempt, isRetryable, giveUp, POLICY, clock)).resolves.toBe(
      "ok after 1",
    );
    expect(clock.sleeps).toStrictEqual([]);
  });

  it("retries retryable failures with growing waits", async () => {
    const clock = fakeClock();
    await expect(withRetries(failing(3).attempt, isRetryable, giveUp, POLICY, clock)).resolves.toBe(
      "ok after 4",
    );
    expect(clock.sleeps).toStrictEqual([50, 100, 200]);
  });

  it("fails at once on a failure that is not retryable", async () => {
    const clock = fakeClock();
    const calls = failing(1, () => new Error("denied"));
    await expect(withRetries(calls.attempt, isRetryable, giveUp, POLICY, clock)).rejects.toThrow(
      "gave up after 1 attempts in 0 ms: Error: denied",
    );
    expect(calls.calls()).toBe(1);
  });

  it("stops after the most attempts", async () => {
    const clock = fakeClock();
    const calls = failing(99);
    await expect(withRetries(calls.attempt, isRetryable, giveUp, POLICY, clock)).rejects.toThrow(
      "gave up after 5 attempts in 750 ms: Error: busy",
    );
    expect(calls.calls()).toBe(5);
  });

  it("starts no retry that would end past the deadline", async () => {
    const clock = fakeClock(0.999);
    const calls = failing(99);
    const policy = { ...POLICY, maxAttempts: 100, deadlineMs: 2_000 };
    await expect(withRetries(calls.attempt, isRetryable, giveUp, policy, clock)).rejects.toThrow(
      "gave up after 5 attempts in 1496 ms: Error: busy",
    );
    // A fifth retry would wait up to 999 ms more, ending at 2495 ms: past the deadline.
    expect(clock.sleeps).toStrictEqual([99, 199, 399, 799]);
  });

  it("gives each attempt the time left before the deadline", async () => {
    const clock = fakeClock(0.5);
    const budgets: number[] = [];
    const attempt = (timeLeftMs: number) => {
      budgets.push(timeLeftMs);
      // Each attempt uses up its whole budget, as a request that times out does.
      return clock.sleep(Math.min(timeLeftMs, 1_500)).then(() => Promise.reject(new Retryable()));
    };
    const policy = { ...POLICY, maxAttempts: 100, deadlineMs: 3_000 };
    await expect(withRetries(attempt, isRetryable, giveUp, policy, clock)).rejects.toThrow(
      "gave up after 2 attempts in 3000 ms: Error",
    );
    // 1,500 ms for the first attempt and a 50 ms wait leave 1,450 ms for the second: it ends at
    // the deadline, not a whole request timeout past it.
    expect(budgets).toStrictEqual([3_000, 1_450]);
  });
});
