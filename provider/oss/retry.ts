/**
 * Retries with exponential backoff and full jitter under an overall deadline.
 *
 * ali-oss retries only network errors and never HTTP statuses (its `retryMax` defaults to 0), so
 * throttling (503) and server errors would fail a deployment at once without this.
 */
import { PROVIDER_CONFIG } from "../core/definition";

/** How hard to retry one OSS operation. */
export interface RetryPolicy {
  /** The most attempts, the first included. */
  readonly maxAttempts: number;
  /** The backoff cap before jitter for the first retry; doubled for each further retry. */
  readonly baseDelayMs: number;
  /** The largest backoff cap before jitter. */
  readonly maxDelayMs: number;
  /** The time from the first attempt within which every attempt, retries included, must end. */
  readonly deadlineMs: number;
}

/** The default policy: up to 8 attempts within 60 s, waits from 0-200 ms up to 0-5 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: Number(PROVIDER_CONFIG.keys.maxAttempts.default),
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  deadlineMs: Number(PROVIDER_CONFIG.keys.retryDeadlineMs.default),
};

/** Time and randomness, injectable so that tests run without waiting. */
export interface Clock {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

/** The real clock. */
export const SYSTEM_CLOCK: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** How a retried call ended when it did not succeed. */
export interface RetryExhaustion {
  /** The attempts made, the first included. */
  readonly attempts: number;
  /** The time from the first attempt to the last failure. */
  readonly elapsedMs: number;
}

/** The wait before retry number `retry` (1 for the first retry): full jitter over a doubling cap. */
export function backoffDelay(policy: RetryPolicy, retry: number, random: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random * cap);
}

/**
 * Runs `attempt` until it succeeds, fails with an error `isRetryable` rejects, or the policy is
 * spent. Each attempt is given the time left before the deadline, so that the caller can bound
 * the request by it: no attempt runs past the deadline. The final error is passed through
 * `onGiveUp` with the attempt count, so that the caller can say how hard it tried.
 */
export async function withRetries<T>(
  attempt: (timeLeftMs: number) => Promise<T>,
  isRetryable: (error: unknown) => boolean,
  onGiveUp: (error: unknown, exhaustion: RetryExhaustion) => Error,
  policy: RetryPolicy,
  clock: Clock,
): Promise<T> {
  const started = clock.now();
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt(policy.deadlineMs - (clock.now() - started));
    } catch (error) {
      const elapsedMs = clock.now() - started;
      const delay = backoffDelay(policy, attempts, clock.random());
      const spent = attempts >= policy.maxAttempts || elapsedMs + delay >= policy.deadlineMs;
      if (!isRetryable(error) || spent) {
        throw onGiveUp(error, { attempts, elapsedMs });
      }
      await clock.sleep(delay);
    }
  }
}
