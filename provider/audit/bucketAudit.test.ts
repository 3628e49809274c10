/**
 * The audit over an in-memory object store (the adapter boundary): what the local endpoint
 * cannot show deterministically — how many requests are in flight, how far the listing runs
 * ahead, which objects a report keeps when they are judged out of order, and when it stops.
 */
import type { EncryptionRule } from "../core/encryptionRule";
import { OssRequestError } from "../oss/errors";
import type { ObjectHead, ObjectPage, ObjectStore, RewriteOutcome } from "../oss/objectStore";
import {
  type AuditOptions,
  AuditStoppedError,
  auditObjects,
  FAILURES_LIMIT,
  LISTED_OBJECTS_LIMIT,
} from "./bucketAudit";

const RULE: EncryptionRule = { sseAlgorithm: "AES256" };

/** Keys `k000000`, … of a bucket of `count` objects. */
const keyOf = (index: number) => `k${String(index).padStart(6, "0")}`;

/** A bucket of `count` objects, none encrypted, listed in pages of `maxKeys`. */
class MemoryObjects implements ObjectStore {
  pagesListed = 0;
  headsInFlight = 0;
  mostHeadsInFlight = 0;
  checked = 0;

  constructor(
    private readonly count: number,
    private readonly behaviour: {
      head?: (key: string) => Promise<void>;
      rewrite?: (key: string) => RewriteOutcome;
    } = {},
  ) {}

  list(_prefix: string, from: string | undefined, maxKeys: number): Promise<ObjectPage> {
    this.pagesListed++;
    const first = from === undefined ? 0 : Number(from);
    const last = Math.min(this.count, first + maxKeys);
    return Promise.resolve({
      objects: Array.from({ length: last - first }, (_, i) => ({ key: keyOf(first + i), size: 1 })),
      ...(last < this.count ? { next: String(last) } : {}),
    });
  }

  async head(key: string): Promise<ObjectHead | undefined> {
    this.headsInFlight++;
    this.mostHeadsInFlight = Math.max(this.mostHeadsInFlight, this.headsInFlight);
    try {
      await this.behaviour.head?.(key);
    } finally {
      this.headsInFlight--;
    }
    this.checked++;
    return { etag: '"e"', size: 1, headers: {} };
  }

  versioning() {
    return Promise.resolve(undefined);
  }

  rewrite(key: string): Promise<RewriteOutcome> {
    return Promise.resolve(this.behaviour.rewrite?.(key) ?? "rewritten");
  }
}

const OPTIONS: AuditOptions = { bucket: "logs", prefix: "", concurrency: 4, fix: false };

const pause = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

it("never has more HEAD requests in flight than its concurrency", async () => {
  const store = new MemoryObjects(200, { head: () => pause(1) });
  const report = await auditObjects(store, RULE, { ...OPTIONS, concurrency: 3 });
  expect([report.scanned, store.mostHeadsInFlight]).toStrictEqual([200, 3]);
});

it("reads the listing at most a page ahead of what it has checked, so its memory stays bounded", async () => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const store = new MemoryObjects(10_000, { head: () => held });
  const audit = auditObjects(store, RULE, OPTIONS);
  await pause(50);
  // One page queued, and the next fetched while the queue is full: no further.
  expect([store.checked, store.pagesListed]).toStrictEqual([0, 2]);
  release();
  expect((await audit).scanned).toBe(10_000);
  expect(store.pagesListed).toBe(10);
});

it("keeps the first 1,000 non-conforming objects in key order, whatever order they are judged in", async () => {
  const store = new MemoryObjects(1_500, {
    // Later keys answer sooner, so they are judged first.
    head: (key) => pause(Number(key.slice(1)) % 7 === 0 ? 3 : 0),
  });
  const report = await auditObjects(store, RULE, { ...OPTIONS, concurrency: 16 });
  expect(report.nonConforming).toBe(1_500);
  expect(report.truncated).toBe(true);
  expect(report.objects.map((object) => object.key)).toStrictEqual(
    Array.from({ length: LISTED_OBJECTS_LIMIT }, (_, i) => keyOf(i)),
  );
});

it("stops once more than 100 objects have failed, listing 100 of them and why it stopped", async () => {
  const store = new MemoryObjects(1_000, {
    head: () =>
      Promise.reject(new Error("HeadObject failed with InternalError (after 8 attempts).")),
  });
  const stopped = await auditObjects(store, RULE, OPTIONS).catch((error: unknown) => error);
  expect(stopped).toBeInstanceOf(AuditStoppedError);
  const { partial } = stopped as AuditStoppedError;
  expect(partial.errors).toHaveLength(FAILURES_LIMIT + 1);
  expect(partial.errors[0]).toStrictEqual({
    key: expect.stringMatching(/^k\d{6}$/) as unknown,
    message: "HeadObject failed with InternalError (after 8 attempts).",
  });
  expect(partial.errors.at(-1)).toStrictEqual({
    message: "Stopped after more than 100 objects failed.",
  });
  expect(partial.complete).toBe(false);
  expect(store.checked).toBe(0);
});

it("stops at the first failure every further call would meet too, such as access denied", async () => {
  const denied = new OssRequestError(
    "HeadObject",
    "logs",
    { status: 403, code: "AccessDenied" },
    1,
    "test credentials",
    "k000000",
  );
  let heads = 0;
  const store = new MemoryObjects(1_000, {
    head: () => {
      heads++;
      return Promise.reject(denied);
    },
  });
  const stopped = await auditObjects(store, RULE, OPTIONS).catch((error: unknown) => error);
  expect((stopped as AuditStoppedError).message).toBe(denied.message);
  expect(heads).toBeLessThanOrEqual(OPTIONS.concurrency);
});

it("stops at a fix's failure caused by one every further call would meet, keeping the fix's message", async () => {
  const denied = new OssRequestError(
    "PutObjectACL",
    "logs",
    { status: 403, code: "AccessDenied" },
    1,
    "test credentials",
    "k000000",
  );
  let rewrites = 0;
  const store = new MemoryObjects(1_000, {
    rewrite: () => {
      rewrites++;
      throw new Error("ACL not given back", { cause: denied });
    },
  });
  const stopped = await auditObjects(store, RULE, { ...OPTIONS, fix: true }).catch(
    (error: unknown) => error,
  );
  expect((stopped as AuditStoppedError).message).toBe("ACL not given back");
  expect(rewrites).toBeLessThanOrEqual(OPTIONS.concurrency);
});

it("leaves an object that keeps changing under a fix after three looks, saying why", async () => {
  const store = new MemoryObjects(1, { rewrite: () => "changed" });
  const report = await auditObjects(store, RULE, { ...OPTIONS, fix: true });
  expect(report).toMatchObject({
    nonConforming: 1,
    fixed: 0,
    objects: [{ key: "k000000", fixed: false }],
    errors: [
      {
        key: "k000000",
        message: "changed 3 times while being re-encrypted to AES256; left as it is",
      },
    ],
  });
  expect(store.checked).toBe(3);
});

it("stops after the objects in flight when its signal is aborted", async () => {
  const interruption = new AbortController();
  const store = new MemoryObjects(1_000, {
    head: async () => {
      await pause(1);
      if (store.checked === 10) {
        interruption.abort();
      }
    },
  });
  const stopped = await auditObjects(store, RULE, {
    ...OPTIONS,
    signal: interruption.signal,
  }).catch((error: unknown) => error);
  const { partial } = stopped as AuditStoppedError;
  expect(partial.scanned).toBeLessThan(20);
  expect(partial.errors.at(-1)?.message).toMatch(
    /^Interrupted after \d+ objects were checked; run again to go on\.$/,
  );
});

it("refuses to fix a bucket with no rule before it sends anything", async () => {
  const store = new MemoryObjects(3);
  await expect(auditObjects(store, undefined, { ...OPTIONS, fix: true })).rejects.toThrow(
    'Bucket "logs" has no default encryption rule, so there is nothing to re-encrypt its objects with; set a rule first.',
  );
  expect(store.pagesListed).toBe(0);
});

/** A store whose listing answers the pages given, in turn, whatever it is asked. */
function listingOf(pages: readonly ObjectPage[]): ObjectStore {
  const store = new MemoryObjects(0);
  let page = 0;
  store.list = () => Promise.resolve(pages[Math.min(page++, pages.length - 1)] ?? { objects: [] });
  return store;
}

const object = (key: string) => ({ key, size: 1 });

it("stops a listing that comes back to a continuation token it answered before", async () => {
  const store = listingOf([
    { objects: [object("a")], next: "A" },
    { objects: [], next: "B" },
    { objects: [], next: "A" },
  ]);
  await expect(auditObjects(store, RULE, OPTIONS)).rejects.toThrow(
    "ListObjectsV2 answered a continuation token it had answered before, so the listing would never end; the endpoint does not list as OSS does.",
  );
});

it("stops a listing that goes back in key order, comparing keys as OSS does, by UTF-8 bytes", async () => {
  // U+FF61 sorts after U+1F600 in UTF-16 code units, before it in UTF-8 bytes.
  const inOrder = listingOf([{ objects: [object("\uff61"), object("😀")] }]);
  expect((await auditObjects(inOrder, RULE, OPTIONS)).scanned).toBe(2);
  const backwards = listingOf([{ objects: [object("b")], next: "1" }, { objects: [object("a")] }]);
  await expect(auditObjects(backwards, RULE, OPTIONS)).rejects.toThrow(
    'ListObjectsV2 listed "a" after "b", out of key order; the endpoint does not list as OSS does.',
  );
});
