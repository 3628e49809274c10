/**
 * The encryption audit of a bucket's objects, and their re-encryption: list the objects page by
 * page, HEAD each (a bounded number at once), judge each against the bucket's default rule
 * (`conformance.ts`), and with `fix` rewrite the ones that do not conform, each on the condition
 * that it is still what its HEAD described. Memory stays bounded whatever the bucket holds: the
 * listing is streamed through a bounded queue, and only the first non-conforming objects and
 * failures are kept, each list to a limit.
 *
 * Used by the command `oss-encryption-audit` and the plugin's function `getBucketEncryptionAudit`,
 * over the OSS adapters' interfaces.
 */
import type { BUCKET_ENCRYPTION_AUDIT, ObjectOf } from "../core/definition";
import { quoteKey } from "../core/displayText";
import { describeRule, type EncryptionRule } from "../core/encryptionRule";
import type { EncryptionStore } from "../oss/encryptionStore";
import { failsEveryCall, OssRequestError } from "../oss/errors";
import type { ListedObject, ObjectStore } from "../oss/objectStore";
import { conforms, encryptionLabel, encryptionOf, type ObjectEncryption } from "./conformance";

/** What the audit function returns: the command's JSON document without what `--fix` adds. */
export type AuditResult = ObjectOf<typeof BUCKET_ENCRYPTION_AUDIT.outputs>;

/** A non-conforming object as reported. */
export type AuditedObject = AuditResult["objects"][number];

/** One failure as reported. */
export type AuditFailure = AuditResult["errors"][number];

/** A non-conforming object, and with `fix` whether this run re-encrypted it. */
export interface ReportedObject extends AuditedObject {
  readonly fixed?: boolean;
}

/** The audit's report: the function's result, with what `fix` did. */
export interface AuditReport extends Omit<AuditResult, "objects"> {
  readonly objects: readonly ReportedObject[];
  /** How many non-conforming objects this run re-encrypted (0 without `fix`). */
  readonly fixed: number;
}

/** How many HEAD requests an audit sends at once unless told otherwise. */
export const DEFAULT_AUDIT_CONCURRENCY = 16;

/** How many non-conforming objects a report lists. */
export const LISTED_OBJECTS_LIMIT = 1_000;

/** How many failed objects a report lists; the audit stops when more fail. */
export const FAILURES_LIMIT = 100;

/** How many objects a listing page asks for: OSS's largest page. */
const PAGE_SIZE = 1_000;

/** How many times a fix looks again at an object that changed under it before leaving it. */
const FIX_ATTEMPTS = 3;

/** How many distinct encryptions the summary counts apart; the rest are counted together. */
const ENCRYPTION_KINDS_LIMIT = 1_000;

/** What the summary calls the encryptions beyond `ENCRYPTION_KINDS_LIMIT`. */
const OTHER_ENCRYPTIONS = "other encryptions";

/** What an audit is asked to do. */
export interface AuditOptions {
  readonly bucket: string;
  /** Only keys that start with it; empty for every object. */
  readonly prefix: string;
  /** How many HEAD requests (and fixes) run at once. */
  readonly concurrency: number;
  /** Stop listing after this many objects; absent for every object. */
  readonly maxObjects?: number;
  /** Re-encrypt the objects that do not conform with the rule. */
  readonly fix: boolean;
  /** Aborted to stop after the objects in flight, as if the audit failed. */
  readonly signal?: AbortSignal;
}

/** Counters a caller may read while the audit runs, to show progress. */
export interface AuditProgress {
  listed: number;
  checked: number;
  nonConforming: number;
  fixed: number;
}

/** Told about each object a fix re-encrypted, as it happens. */
export type FixListener = (key: string, from: ObjectEncryption) => void;

/** An audit that could not go on: the bucket is gone, access is denied, too many objects failed. */
export class AuditStoppedError extends Error {
  override readonly name = "AuditStoppedError";

  constructor(
    message: string,
    /** What the audit had found when it stopped, with this failure among its errors. */
    readonly partial: AuditReport,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Whether a failure would recur on every object (access denied, bad credentials, the bucket
 * gone): an OssRequestError saying so, or an error caused by one.
 */
function stopsEveryObject(error: unknown): boolean {
  const request =
    error instanceof Error && !(error instanceof OssRequestError) ? error.cause : error;
  return request instanceof OssRequestError && failsEveryCall(request);
}

/** The message of any failure, for a report. */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The bucket's default rule, which its objects are judged by: undefined when it has none.
 *
 * @throws Error naming the bucket when it does not exist, or the OssRequestError of the read.
 */
export async function readDefaultRule(
  store: EncryptionStore,
  bucket: string,
): Promise<EncryptionRule | undefined> {
  const state = await store.read(bucket);
  if (state.kind === "noBucket") {
    throw new Error(
      `Bucket "${bucket}" does not exist (GetBucketEncryption answered NoSuchBucket); check the bucket name, region and endpoint.`,
    );
  }
  return state.kind === "rule" ? state.rule : undefined;
}

/** A listed object and its place in the listing. */
interface QueuedObject extends ListedObject {
  readonly index: number;
}

/** A queue of listed objects with room for `capacity`: the listing waits while it is full. */
class ListingQueue {
  private readonly items: QueuedObject[] = [];
  private head = 0;
  private closed = false;
  private readonly takers: ((item: QueuedObject | undefined) => void)[] = [];
  private readonly putters: (() => void)[] = [];

  constructor(private readonly capacity: number) {}

  /** Adds an object, waiting for room. */
  async put(item: QueuedObject): Promise<void> {
    const taker = this.takers.shift();
    if (taker !== undefined) {
      taker(item);
      return;
    }
    while (this.items.length - this.head >= this.capacity && !this.closed) {
      await new Promise<void>((resolve) => this.putters.push(resolve));
    }
    this.items.push(item);
  }

  /** The next object; undefined once the queue is closed and empty. */
  async take(): Promise<QueuedObject | undefined> {
    if (this.head < this.items.length) {
      const item = this.items[this.head++];
      if (this.head > this.capacity) {
        // Drop the taken ones now and then, so that the array does not grow with the listing.
        this.items.splice(0, this.head);
        this.head = 0;
      }
      this.putters.shift()?.();
      return item;
    }
    if (this.closed) {
      return undefined;
    }
    return new Promise((resolve) => this.takers.push(resolve));
  }

  /** No more objects will come: waiting takers get undefined, waiting putters go on. */
  close(): void {
    this.closed = true;
    for (const taker of this.takers.splice(0)) {
      taker(undefined);
    }
    for (const putter of this.putters.splice(0)) {
      putter();
    }
  }
}

/** What became of one object. */
type Verdict =
  | { readonly kind: "conforms"; readonly encryption: ObjectEncryption }
  | { readonly kind: "vanished" }
  | {
      readonly kind: "nonConforming";
      readonly encryption: ObjectEncryption;
      readonly fixed: boolean;
      /** Why a fix left it, when it did. */
      readonly failure?: string;
    };

/** The report as it grows: counts, and bounded lists. */
class ReportBuilder {
  scanned = 0;
  conforming = 0;
  nonConforming = 0;
  vanished = 0;
  fixed = 0;
  complete = false;
  private readonly objects: { readonly index: number; readonly object: ReportedObject }[] = [];
  /** Where in `objects` the one listed last is. */
  private lastListed = 0;
  private truncated = false;
  private readonly failures: AuditFailure[] = [];
  private failureCount = 0;
  private readonly byEncryption = new Map<string, { objects: number; conforms: boolean }>();

  constructor(
    private readonly options: AuditOptions,
    private readonly rule: EncryptionRule | undefined,
  ) {}

  /** Counts an object's verdict; `index` is its place in the listing. */
  add(index: number, key: string, verdict: Verdict): void {
    if (verdict.kind === "vanished") {
      this.vanished++;
      return;
    }
    this.scanned++;
    this.count(verdict.encryption, verdict.kind === "conforms");
    if (verdict.kind === "conforms") {
      this.conforming++;
      return;
    }
    this.nonConforming++;
    if (verdict.fixed) {
      this.fixed++;
    }
    if (verdict.failure !== undefined) {
      this.fail(verdict.failure, key);
    }
    this.list(index, {
      key,
      ...verdict.encryption,
      ...(this.options.fix ? { fixed: verdict.fixed } : {}),
    });
  }

  /** Records a failure of one object; the number of failures so far. */
  fail(message: string, key?: string): number {
    this.failureCount++;
    if (this.failures.length < FAILURES_LIMIT) {
      this.failures.push(key === undefined ? { message } : { key, message });
    }
    return this.failureCount;
  }

  /** Records why the audit stopped: always listed, last, beyond the limit if need be. */
  stopped(message: string): void {
    this.failures.push({ message });
  }

  /** The report so far. */
  report(): AuditReport {
    const ordered = [...this.objects].sort((a, b) => a.index - b.index);
    return {
      bucket: this.options.bucket,
      prefix: this.options.prefix,
      ...(this.rule === undefined ? {} : { rule: this.rule }),
      scanned: this.scanned,
      conforming: this.conforming,
      nonConforming: this.nonConforming,
      vanished: this.vanished,
      complete: this.complete,
      byEncryption: [...this.byEncryption]
        .map(([encryption, count]) => ({ encryption, ...count }))
        .sort((a, b) => b.objects - a.objects || a.encryption.localeCompare(b.encryption)),
      objects: ordered.map(({ object }) => object),
      truncated: this.truncated,
      errors: [...this.failures],
      fixed: this.fixed,
    };
  }

  private count(encryption: ObjectEncryption, conforming: boolean): void {
    let label = encryptionLabel(encryption);
    if (!this.byEncryption.has(label) && this.byEncryption.size >= ENCRYPTION_KINDS_LIMIT) {
      label = OTHER_ENCRYPTIONS;
    }
    const entry = this.byEncryption.get(label) ?? { objects: 0, conforms: conforming };
    entry.objects++;
    this.byEncryption.set(label, entry);
  }

  /**
   * Keeps the object if it is among the first `LISTED_OBJECTS_LIMIT` non-conforming ones in key
   * order. Objects are judged out of order (many at once), so a later-listed one may give way.
   */
  private list(index: number, object: ReportedObject): void {
    if (this.objects.length < LISTED_OBJECTS_LIMIT) {
      this.objects.push({ index, object });
      if (index > (this.objects[this.lastListed]?.index ?? -1)) {
        this.lastListed = this.objects.length - 1;
      }
      return;
    }
    this.truncated = true;
    // Most objects come later than every one kept: a comparison, not a search, rules them out.
    if (index > (this.objects[this.lastListed]?.index ?? -1)) {
      return;
    }
    this.objects[this.lastListed] = { index, object };
    this.lastListed = 0;
    for (let i = 1; i < this.objects.length; i++) {
      if ((this.objects[i]?.index ?? 0) > (this.objects[this.lastListed]?.index ?? 0)) {
        this.lastListed = i;
      }
    }
  }
}

/**
 * Audits the objects of `options.bucket` against `rule` (the bucket's default, read with
 * `readDefaultRule`), and with `options.fix` re-encrypts each that does not conform.
 *
 * @throws AuditStoppedError when the listing fails, when a failure would recur on every object
 *   (access denied, bad credentials, the bucket gone), or when more than `FAILURES_LIMIT`
 *   objects fail.
 */
export async function auditObjects(
  store: ObjectStore,
  rule: EncryptionRule | undefined,
  options: AuditOptions,
  progress: AuditProgress = { listed: 0, checked: 0, nonConforming: 0, fixed: 0 },
  onFixed?: FixListener,
): Promise<AuditReport> {
  if (options.fix && rule === undefined) {
    throw new Error(
      `Bucket "${options.bucket}" has no default encryption rule, so there is nothing to re-encrypt its objects with; set a rule first.`,
    );
  }
  const report = new ReportBuilder(options, rule);
  const queue = new ListingQueue(PAGE_SIZE);
  let stop: { message: string; cause: unknown } | undefined;
  const stopWith = (message: string, cause: unknown) => {
    stop ??= { message, cause };
    queue.close();
  };
  const interrupted = () => {
    stopWith(
      `Interrupted after ${progress.checked} objects were checked; run again to go on.`,
      undefined,
    );
  };
  if (options.signal?.aborted === true) {
    interrupted();
  }
  options.signal?.addEventListener("abort", interrupted);

  const listing = (async () => {
    let from: string | undefined;
    let index = 0;
    let lastKey: Buffer | undefined;
    // One token per page: a listing that comes back to one would list forever.
    const tokens = new Set<string>();
    try {
      for (;;) {
        const left =
          options.maxObjects === undefined ? PAGE_SIZE : options.maxObjects - progress.listed;
        const page = await store.list(options.prefix, from, Math.min(PAGE_SIZE, left));
        for (const object of page.objects) {
          if (stop !== undefined) {
            return;
          }
          // A listing comes in key order (UTF-8 bytes); one that goes back would list forever.
          const key = Buffer.from(object.key);
          if (lastKey !== undefined && Buffer.compare(key, lastKey) <= 0) {
            throw new Error(
              `ListObjectsV2 listed ${quoteKey(object.key)} after ${quoteKey(lastKey.toString())}, out of key order; the endpoint does not list as OSS does.`,
            );
          }
          lastKey = key;
          progress.listed++;
          await queue.put({ ...object, index: index++ });
        }
        if (page.next !== undefined && tokens.has(page.next)) {
          throw new Error(
            "ListObjectsV2 answered a continuation token it had answered before, so the listing would never end; the endpoint does not list as OSS does.",
          );
        }
        if (page.next !== undefined) {
          tokens.add(page.next);
        }
        from = page.next;
        if (from === undefined) {
          report.complete = true;
          return;
        }
        if (options.maxObjects !== undefined && progress.listed >= options.maxObjects) {
          return;
        }
      }
    } catch (error) {
      stopWith(messageOf(error), error);
    } finally {
      queue.close();
    }
  })();

  const judge = async (object: QueuedObject): Promise<void> => {
    let verdict: Verdict;
    try {
      verdict = await judgeObject(store, object.key, rule, options.fix ? rule : undefined, onFixed);
    } catch (error) {
      progress.checked++;
      if (stopsEveryObject(error)) {
        stopWith(messageOf(error), error);
      } else if (report.fail(messageOf(error), object.key) > FAILURES_LIMIT) {
        stopWith(`Stopped after more than ${FAILURES_LIMIT} objects failed.`, error);
      }
      return;
    }
    progress.checked++;
    report.add(object.index, object.key, verdict);
    progress.nonConforming = report.nonConforming;
    progress.fixed = report.fixed;
  };

  const worker = async (): Promise<void> => {
    for (let object = await queue.take(); object !== undefined; object = await queue.take()) {
      if (stop !== undefined) {
        return;
      }
      await judge(object);
    }
  };
  try {
    await Promise.all([listing, ...Array.from({ length: options.concurrency }, worker)]);
  } finally {
    options.signal?.removeEventListener("abort", interrupted);
  }
  if (stop !== undefined) {
    report.stopped(stop.message);
    report.complete = false;
    throw new AuditStoppedError(stop.message, report.report(), { cause: stop.cause });
  }
  return report.report();
}

/**
 * HEADs one object and judges it against `rule`; with `fixWith`, rewrites it with that rule when
 * it does not conform, looking again when it changed in between (a concurrent writer), a few
 * times at most.
 */
async function judgeObject(
  store: ObjectStore,
  key: string,
  rule: EncryptionRule | undefined,
  fixWith: EncryptionRule | undefined,
  onFixed: FixListener | undefined,
): Promise<Verdict> {
  for (let attempt = 1; ; attempt++) {
    const head = await store.head(key);
    if (head === undefined) {
      return { kind: "vanished" };
    }
    const encryption = encryptionOf(head.headers);
    if (conforms(encryption, rule)) {
      return { kind: "conforms", encryption };
    }
    if (fixWith === undefined) {
      return { kind: "nonConforming", encryption, fixed: false };
    }
    if ((await store.rewrite(key, head, fixWith)) === "rewritten") {
      onFixed?.(key, encryption);
      return { kind: "nonConforming", encryption, fixed: true };
    }
    if (attempt === FIX_ATTEMPTS) {
      return {
        kind: "nonConforming",
        encryption,
        fixed: false,
        failure: `changed ${FIX_ATTEMPTS} times while being re-encrypted to ${describeRule(fixWith)}; left as it is`,
      };
    }
  }
}
