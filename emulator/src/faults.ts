/**
 * Injected faults for reliability tests: the next N calls of an operation fail with a status and
 * code, have their connection cut before or after they are carried out, or answer late; added latency on every call; and a random
 * failure rate. Set at start-up and changed at run time.
 */
import { FAULT_CODE_STATUS } from "./ossError";

/** What happens to one faulted request. */
export type Fault =
  | { readonly kind: "error"; readonly status: number; readonly code: string }
  | { readonly kind: "reset" }
  | { readonly kind: "lose" }
  | { readonly kind: "delay"; readonly ms: number };

/** Which calls a scheduled fault hits: an operation (`*` for any), optionally on one bucket. */
export interface FaultTarget {
  readonly operation: string;
  readonly bucket?: string;
}

/** A fault waiting for the next calls it targets. */
export interface ScheduledFault extends FaultTarget {
  remaining: number;
  readonly fault: Fault;
}

/** Random failures: a share of all calls fails with a throttling code, another share is reset. */
export interface RandomFaults {
  /** The share of calls, 0 to 1, that fail with one of `errorCodes`. */
  readonly errorRate: number;
  /** The share of calls, 0 to 1, whose connection is cut. */
  readonly resetRate: number;
  /** The codes random errors use; each code's status comes from the wire contract. */
  readonly errorCodes: readonly string[];
}

/** The throttling codes random errors use unless told otherwise. */
export const THROTTLING_CODES = Object.keys(FAULT_CODE_STATUS).filter(
  (code) => FAULT_CODE_STATUS[code] === 503,
);

/** Everything about faults that can be set at start-up. */
export interface FaultOptions {
  readonly scheduled?: readonly (FaultTarget & { count: number; fault: Fault })[];
  /** Milliseconds added to every call. */
  readonly latencyMs?: number;
  readonly random?: Partial<RandomFaults>;
  /** Seed for the random failures, so that a run can be repeated. */
  readonly seed?: number;
}

/** A snapshot of the fault settings. */
export interface FaultSettings {
  readonly scheduled: readonly ScheduledFault[];
  readonly latencyMs: number;
  readonly random: RandomFaults;
}

/** A small seeded pseudo-random generator (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The status an injected error code answers with: the contract's, else 503. */
export function statusOfCode(code: string): number {
  return FAULT_CODE_STATUS[code] ?? 503;
}

/** The emulator's fault settings, changeable while it runs. */
export class FaultPlan {
  private scheduled: ScheduledFault[] = [];
  private latencyMs = 0;
  private random: RandomFaults = { errorRate: 0, resetRate: 0, errorCodes: THROTTLING_CODES };
  private readonly nextRandom: () => number;

  constructor(options: FaultOptions = {}) {
    this.nextRandom = seededRandom(options.seed ?? Date.now());
    for (const { count, fault, ...target } of options.scheduled ?? []) {
      this.schedule(target, count, fault);
    }
    this.setLatency(options.latencyMs ?? 0);
    this.setRandom(options.random ?? {});
  }

  /**
   * The next `count` calls of `operation` (`*` for any; on `bucket` only, if given) fail with
   * `code` and its status from the wire contract, or `status` when given.
   */
  failNext(
    operation: string,
    count: number,
    code: string,
    options: { readonly bucket?: string; readonly status?: number } = {},
  ): void {
    const { status = statusOfCode(code), ...target } = options;
    this.schedule({ operation, ...target }, count, { kind: "error", status, code });
  }

  /** The next `count` calls of `operation` (on `bucket` only, if given) have their connection cut. */
  resetNext(operation: string, count: number, options: { readonly bucket?: string } = {}): void {
    this.schedule({ operation, ...options }, count, { kind: "reset" });
  }

  /**
   * The next `count` calls of `operation` (on `bucket` only, if given) are carried out, then
   * their connection is cut: the answer is lost, as when a network fails after OSS acted.
   */
  loseAnswerNext(
    operation: string,
    count: number,
    options: { readonly bucket?: string } = {},
  ): void {
    this.schedule({ operation, ...options }, count, { kind: "lose" });
  }

  /** The next `count` calls of `operation` (on `bucket` only, if given) answer `ms` ms late. */
  delayNext(
    operation: string,
    count: number,
    ms: number,
    options: { readonly bucket?: string } = {},
  ): void {
    this.schedule({ operation, ...options }, count, { kind: "delay", ms });
  }

  /** Queues a fault for the next `count` calls that `target` names. */
  schedule(target: FaultTarget, count: number, fault: Fault): void {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`count must be a whole number of calls, at least 1; got ${count}`);
    }
    this.scheduled.push({ ...target, remaining: count, fault });
  }

  /** Adds `ms` milliseconds to every call. */
  setLatency(ms: number): void {
    if (!(ms >= 0)) {
      throw new RangeError(`latency must be zero or more milliseconds; got ${ms}`);
    }
    this.latencyMs = ms;
  }

  /** Sets the random failure rates (each 0 to 1) and the codes random errors use; undefined keeps. */
  setRandom(random: { readonly [K in keyof RandomFaults]?: RandomFaults[K] | undefined }): void {
    const next: RandomFaults = {
      errorRate: random.errorRate ?? this.random.errorRate,
      resetRate: random.resetRate ?? this.random.resetRate,
      errorCodes: random.errorCodes ?? this.random.errorCodes,
    };
    for (const [name, rate] of [
      ["errorRate", next.errorRate],
      ["resetRate", next.resetRate],
    ] as const) {
      if (!(rate >= 0 && rate <= 1)) {
        throw new RangeError(`${name} must be between 0 and 1; got ${rate}`);
      }
    }
    if (next.errorCodes.length === 0) {
      throw new RangeError("errorCodes must name at least one code");
    }
    this.random = next;
  }

  /** Removes every fault and the latency. */
  clear(): void {
    this.scheduled = [];
    this.latencyMs = 0;
    this.random = { errorRate: 0, resetRate: 0, errorCodes: THROTTLING_CODES };
  }

  /** The current settings. */
  settings(): FaultSettings {
    return {
      scheduled: this.scheduled.map((entry) => ({ ...entry })),
      latencyMs: this.latencyMs,
      random: this.random,
    };
  }

  /** The latency to add to a call. */
  latency(): number {
    return this.latencyMs;
  }

  /**
   * The fault for one call of `operation` on `bucket`, if any: a scheduled one first (used up one
   * call at a time), else a random one.
   */
  take(operation: string, bucket?: string): Fault | undefined {
    const entry = this.scheduled.find(
      (candidate) =>
        (candidate.operation === operation || candidate.operation === "*") &&
        (candidate.bucket === undefined || candidate.bucket === bucket),
    );
    if (entry !== undefined) {
      entry.remaining -= 1;
      if (entry.remaining === 0) {
        this.scheduled.splice(this.scheduled.indexOf(entry), 1);
      }
      return entry.fault;
    }
    const roll = this.nextRandom();
    if (roll < this.random.resetRate) {
      return { kind: "reset" };
    }
    if (roll < this.random.resetRate + this.random.errorRate) {
      const codes = this.random.errorCodes;
      const code = codes[Math.floor(this.nextRandom() * codes.length)] ?? "ServiceUnavailable";
      return { kind: "error", status: statusOfCode(code), code };
    }
    return undefined;
  }
}
