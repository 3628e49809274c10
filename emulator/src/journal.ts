/**
 * The emulator's observability: a log of every request and per-operation counts, so that tests
 * and benchmarks can count the API calls a Pulumi operation made.
 */
import type { Fault } from "./faults";

/** One request as the emulator answered it. */
export interface RequestRecord {
  /** 1 for the first request since start (or since the journal was cleared). */
  readonly sequence: number;
  /** When it arrived, ISO 8601. */
  readonly time: string;
  /**
   * The OSS operation; `Unsupported` for a request the emulator does not serve, `Malformed` for
   * one whose URL cannot be decoded.
   */
  readonly operation: string;
  readonly method: string;
  /** The path and query as sent. */
  readonly url: string;
  readonly bucket?: string;
  readonly key?: string;
  /** The status answered; 0 when the connection was cut. */
  readonly status: number;
  /** The OSS error code, for errors. */
  readonly code?: string;
  /** The AccessKey id that signed it, once authenticated. */
  readonly accessKeyId?: string;
  readonly requestId: string;
  readonly durationMs: number;
  /** The injected fault, if any. */
  readonly fault?: Fault["kind"];
  /** The request body as text, cut to 4 KiB; objects' bodies are not kept. */
  readonly body?: string;
}

/** The largest body kept in a record. */
const MAX_BODY_CHARS = 4_096;

/** How many records the log keeps unless told otherwise: the oldest go first. */
export const DEFAULT_JOURNAL_LIMIT = 10_000;

/**
 * Keeps the request log and counts. A request is counted when it arrives and logged when it is
 * answered, so that a call still held by an injected delay is already counted. The log keeps the
 * newest `limit` records; the counts keep counting.
 */
export class RequestJournal {
  private records: RequestRecord[] = [];
  private arrivals: Record<string, number> = {};
  private sequence = 0;

  constructor(private readonly limit: number = DEFAULT_JOURNAL_LIMIT) {}

  /** Counts a request of `operation` as it arrives. */
  arrived(operation: string): void {
    this.arrivals[operation] = (this.arrivals[operation] ?? 0) + 1;
  }

  /** Adds a record, numbering it. */
  add(record: Omit<RequestRecord, "sequence">): void {
    const body =
      record.body === undefined || record.body === ""
        ? undefined
        : record.body.slice(0, MAX_BODY_CHARS);
    const { body: _raw, ...rest } = record;
    this.sequence += 1;
    this.records.push({
      sequence: this.sequence,
      ...rest,
      ...(body === undefined ? {} : { body }),
    });
    if (this.records.length > this.limit) {
      this.records.splice(0, this.records.length - this.limit);
    }
  }

  /** Every record, oldest first. */
  requests(): readonly RequestRecord[] {
    return [...this.records];
  }

  /** How many requests each operation received (faulted ones included), by operation. */
  counts(): Record<string, number> {
    return { ...this.arrivals };
  }

  /** Forgets every record and count. */
  clear(): void {
    this.records = [];
    this.arrivals = {};
    this.sequence = 0;
  }
}
