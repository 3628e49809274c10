/**
 * The emulator's admin API, under `/_emulator/`, for users who run it as a separate process:
 * read the counters, the request log and the buckets, and change faults while it runs.
 *
 *   GET    /_emulator/stats      per-operation request counts
 *   GET    /_emulator/requests   the request log;  DELETE clears it (and the counts)
 *   GET    /_emulator/buckets    buckets, their rules, and counts of objects and uploads in progress
 *   GET    /_emulator/faults     the fault settings;  DELETE clears every fault
 *   POST   /_emulator/faults     {"operation", "bucket"?, "count", "fault": {"kind": "error", "code"} | {"kind": "reset"} | {"kind": "lose"} | {"kind": "delay", "ms"}}
 *   PUT    /_emulator/latency    {"ms"}
 *   PUT    /_emulator/random     {"errorRate", "resetRate", "errorCodes"}
 */
import { z } from "zod";
import { type FaultPlan, statusOfCode } from "./faults";
import type { RequestJournal } from "./journal";
import type { OssResponse } from "./context";
import type { EmulatorState } from "./state";

const faultSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("error"),
    code: z.string().min(1),
    status: z.number().int().optional(),
  }),
  z.object({ kind: z.literal("reset") }),
  z.object({ kind: z.literal("lose") }),
  z.object({ kind: z.literal("delay"), ms: z.number().nonnegative() }),
]);

const scheduleSchema = z.object({
  operation: z.string().min(1),
  bucket: z.string().min(1).optional(),
  count: z.number().int().positive(),
  fault: faultSchema,
});

const latencySchema = z.object({ ms: z.number().nonnegative() });

const randomSchema = z.object({
  errorRate: z.number().min(0).max(1).optional(),
  resetRate: z.number().min(0).max(1).optional(),
  errorCodes: z.array(z.string().min(1)).min(1).optional(),
});

function json(status: number, value: unknown): OssResponse {
  return { status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

function parseBody<T>(schema: z.ZodType<T>, body: string): T | OssResponse {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return json(400, { error: "the body must be JSON" });
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : json(400, { error: z.prettifyError(parsed.error) });
}

function isResponse(value: unknown): value is OssResponse {
  return typeof value === "object" && value !== null && "status" in value;
}

/** Builds the admin API over the emulator's parts. */
export function createAdmin(state: EmulatorState, faults: FaultPlan, journal: RequestJournal) {
  return (method: string, path: string, body: string): Promise<OssResponse> => {
    const route = `${method} ${path.replace(/\/$/, "")}`;
    switch (route) {
      case "GET stats":
        return Promise.resolve(json(200, { counts: journal.counts() }));
      case "GET requests":
        return Promise.resolve(json(200, journal.requests()));
      case "DELETE requests":
        journal.clear();
        return Promise.resolve({ status: 204 });
      case "GET buckets":
        return Promise.resolve(
          json(
            200,
            state.allBuckets().map((bucket) => ({
              name: bucket.name,
              region: bucket.region,
              rule: bucket.rule ?? null,
              objects: bucket.objects.size,
              uploads: bucket.uploads.size,
            })),
          ),
        );
      case "GET faults":
        return Promise.resolve(json(200, faults.settings()));
      case "DELETE faults":
        faults.clear();
        return Promise.resolve({ status: 204 });
      case "POST faults": {
        const schedule = parseBody(scheduleSchema, body);
        if (isResponse(schedule)) {
          return Promise.resolve(schedule);
        }
        const { fault } = schedule;
        faults.schedule(
          {
            operation: schedule.operation,
            ...(schedule.bucket === undefined ? {} : { bucket: schedule.bucket }),
          },
          schedule.count,
          fault.kind === "error"
            ? { kind: "error", code: fault.code, status: fault.status ?? statusOfCode(fault.code) }
            : fault,
        );
        return Promise.resolve(json(200, faults.settings()));
      }
      case "PUT latency": {
        const latency = parseBody(latencySchema, body);
        if (isResponse(latency)) {
          return Promise.resolve(latency);
        }
        faults.setLatency(latency.ms);
        return Promise.resolve(json(200, faults.settings()));
      }
      case "PUT random": {
        const random = parseBody(randomSchema, body);
        if (isResponse(random)) {
          return Promise.resolve(random);
        }
        faults.setRandom(random);
        return Promise.resolve(json(200, faults.settings()));
      }
      default:
        return Promise.resolve(json(404, { error: `no admin route ${route}` }));
    }
  };
}
