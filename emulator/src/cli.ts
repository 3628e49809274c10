#!/usr/bin/env node
/**
 * `oss-emulator`: runs the local OSS endpoint until SIGINT or SIGTERM. Prints its endpoint URL
 * on the first line of output, then the access key id, then the admin token when it made one.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_CREDENTIAL, type EmulatorCredential } from "./auth";
import { type Fault, type FaultOptions, type FaultTarget, statusOfCode } from "./faults";
import { DEFAULT_MAX_OBJECT_SIZE, startOssEmulator } from "./index";
import { DEFAULT_JOURNAL_LIMIT } from "./journal";
import { DEFAULT_REGION, OPERATIONS } from "./operations";

const USAGE = `Usage: oss-emulator [options]

  --host ADDRESS              listen address (default 127.0.0.1)
  --port PORT                 port, 0 for any free port (default 0)
  --access-key-id ID          accepted AccessKey id (default: ALIBABA_CLOUD_ACCESS_KEY_ID, else
                              ${DEFAULT_CREDENTIAL.accessKeyId})
  --access-key-secret SECRET  its secret (default: ALIBABA_CLOUD_ACCESS_KEY_SECRET, else
                              ${DEFAULT_CREDENTIAL.accessKeySecret})
  --security-token TOKEN      make the key an STS key that needs this token (default:
                              ALIBABA_CLOUD_SECURITY_TOKEN)
  --credentials-file FILE     accept the key pairs in FILE, a JSON list of
                              {"accessKeyId", "accessKeySecret", "securityToken"?}
  --admin-token TOKEN         the admin API's token (default: OSS_EMULATOR_ADMIN_TOKEN, else a
                              random one, printed at start)
  --data-dir DIR              keep buckets in DIR across restarts (default: memory only)
  --max-object-size BYTES     the largest PutObject or UploadPart body (default ${DEFAULT_MAX_OBJECT_SIZE})
  --request-log-limit N       how many requests the log keeps (default ${DEFAULT_JOURNAL_LIMIT})
  --fail OP:COUNT:CODE[:STATUS]  the next COUNT calls of OP fail with CODE (repeatable)
  --reset OP:COUNT            the next COUNT calls of OP have their connection cut (repeatable)
  --lose OP:COUNT             the next COUNT calls of OP are carried out, then their connection
                              is cut: the answer is lost (repeatable)
  --delay OP:COUNT:MS         the next COUNT calls of OP answer MS milliseconds late (repeatable)
  --latency MS                add MS milliseconds to every call
  --error-rate RATE           fail this share (0-1) of calls with a throttling code
  --reset-rate RATE           cut the connection of this share (0-1) of calls
  --error-codes A,B           the codes random failures use (default: the 503 throttling codes)
  --seed N                    seed of the random failures
  --clock-offset MS           run the emulator's clock MS milliseconds ahead (negative: behind)
  --region REGION             the region it serves; V4 signatures must be scoped to it (default ${DEFAULT_REGION})

OP is an OSS operation (${OPERATIONS.join(", ")}) or * for any, optionally
followed by @BUCKET to hit only that bucket's calls.`;

/** A command-line mistake, reported with the usage. */
class UsageError extends Error {}

function number(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new UsageError(`${flag} needs a number; got ${JSON.stringify(text)}`);
  }
  return value;
}

/** Parses `OP` or `OP@BUCKET` into a fault target. */
function target(flag: string, spec: string): FaultTarget {
  const [name = "", bucket] = spec.split("@", 2);
  if (name !== "*" && !(OPERATIONS as readonly string[]).includes(name)) {
    throw new UsageError(`${flag}: unknown operation ${JSON.stringify(name)}`);
  }
  return { operation: name, ...(bucket === undefined ? {} : { bucket }) };
}

/** Parses `--fail`, `--reset` and `--delay` values into scheduled faults. */
function scheduled(values: { fail: string[]; reset: string[]; lose: string[]; delay: string[] }) {
  const faults: (FaultTarget & { count: number; fault: Fault })[] = [];
  for (const spec of values.fail) {
    const [op = "", count = "", code = "", status] = spec.split(":");
    if (code === "") {
      throw new UsageError(`--fail needs OP:COUNT:CODE[:STATUS]; got ${JSON.stringify(spec)}`);
    }
    faults.push({
      ...target("--fail", op),
      count: number("--fail", count),
      fault: {
        kind: "error",
        code,
        status: status === undefined ? statusOfCode(code) : number("--fail", status),
      },
    });
  }
  for (const kind of ["reset", "lose"] as const) {
    for (const spec of values[kind]) {
      const [op = "", count = ""] = spec.split(":");
      faults.push({
        ...target(`--${kind}`, op),
        count: number(`--${kind}`, count),
        fault: { kind },
      });
    }
  }
  for (const spec of values.delay) {
    const [op = "", count = "", ms = ""] = spec.split(":");
    faults.push({
      ...target("--delay", op),
      count: number("--delay", count),
      fault: { kind: "delay", ms: number("--delay", ms) },
    });
  }
  return faults;
}

/** The key pairs to accept: the flags, else the credentials file, else the environment, else the default. */
function credentialsFrom(
  values: {
    "access-key-id"?: string | undefined;
    "access-key-secret"?: string | undefined;
    "security-token"?: string | undefined;
    "credentials-file"?: string | undefined;
  },
  env: NodeJS.ProcessEnv,
): EmulatorCredential[] {
  const file = values["credentials-file"];
  if (file !== undefined && values["access-key-id"] === undefined) {
    return credentialsFile(file);
  }
  const accessKeyId =
    values["access-key-id"] ?? env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? DEFAULT_CREDENTIAL.accessKeyId;
  const accessKeySecret =
    values["access-key-secret"] ??
    env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ??
    DEFAULT_CREDENTIAL.accessKeySecret;
  const securityToken = values["security-token"] ?? env.ALIBABA_CLOUD_SECURITY_TOKEN;
  return [
    { accessKeyId, accessKeySecret, ...(securityToken === undefined ? {} : { securityToken }) },
  ];
}

/** Reads a credentials file: a JSON list of key pairs. */
function credentialsFile(file: string): EmulatorCredential[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`--credentials-file ${file} cannot be read: ${(error as Error).message}`);
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.length > 0 &&
    parsed.every(
      (entry: unknown) =>
        typeof entry === "object" &&
        entry !== null &&
        typeof (entry as Record<string, unknown>).accessKeyId === "string" &&
        typeof (entry as Record<string, unknown>).accessKeySecret === "string" &&
        ["string", "undefined"].includes(typeof (entry as Record<string, unknown>).securityToken),
    );
  if (!valid) {
    throw new UsageError(
      `--credentials-file ${file} must hold a JSON list of {"accessKeyId", "accessKeySecret", "securityToken"?}`,
    );
  }
  return (parsed as EmulatorCredential[]).map(
    ({ accessKeyId, accessKeySecret, securityToken }) => ({
      accessKeyId,
      accessKeySecret,
      ...(securityToken === undefined ? {} : { securityToken }),
    }),
  );
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "0" },
      "access-key-id": { type: "string" },
      "access-key-secret": { type: "string" },
      "security-token": { type: "string" },
      "credentials-file": { type: "string" },
      "admin-token": { type: "string" },
      "data-dir": { type: "string" },
      "max-object-size": { type: "string" },
      "request-log-limit": { type: "string" },
      fail: { type: "string", multiple: true, default: [] },
      reset: { type: "string", multiple: true, default: [] },
      lose: { type: "string", multiple: true, default: [] },
      delay: { type: "string", multiple: true, default: [] },
      latency: { type: "string" },
      "error-rate": { type: "string" },
      "reset-rate": { type: "string" },
      "error-codes": { type: "string" },
      seed: { type: "string" },
      "clock-offset": { type: "string" },
      region: { type: "string", default: DEFAULT_REGION },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const faults: FaultOptions = {
    scheduled: scheduled(values),
    ...(values.latency === undefined ? {} : { latencyMs: number("--latency", values.latency) }),
    random: {
      ...(values["error-rate"] === undefined
        ? {}
        : { errorRate: number("--error-rate", values["error-rate"]) }),
      ...(values["reset-rate"] === undefined
        ? {}
        : { resetRate: number("--reset-rate", values["reset-rate"]) }),
      ...(values["error-codes"] === undefined
        ? {}
        : { errorCodes: values["error-codes"].split(",") }),
    },
    ...(values.seed === undefined ? {} : { seed: number("--seed", values.seed) }),
  };
  const credentials = credentialsFrom(values, process.env);
  const adminToken = values["admin-token"] ?? process.env.OSS_EMULATOR_ADMIN_TOKEN;
  const emulator = await startOssEmulator({
    host: values.host,
    port: number("--port", values.port),
    credentials,
    ...(adminToken === undefined ? {} : { adminToken }),
    ...(values["data-dir"] === undefined ? {} : { dataDir: values["data-dir"] }),
    ...(values["max-object-size"] === undefined
      ? {}
      : { maxObjectSize: number("--max-object-size", values["max-object-size"]) }),
    ...(values["request-log-limit"] === undefined
      ? {}
      : { requestLogLimit: number("--request-log-limit", values["request-log-limit"]) }),
    faults,
    ...(values["clock-offset"] === undefined
      ? {}
      : { clockOffsetMs: number("--clock-offset", values["clock-offset"]) }),
    region: values.region,
  });
  process.stdout.write(`${emulator.endpoint}\n`);
  process.stdout.write(
    `access key id: ${credentials.map((credential) => credential.accessKeyId).join(", ")}\n`,
  );
  if (adminToken === undefined) {
    process.stdout.write(`admin token: ${emulator.adminToken}\n`);
  }
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage =
    error instanceof UsageError ||
    (error instanceof Error && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"));
  process.stderr.write(
    `oss-emulator: ${error instanceof Error ? error.message : String(error)}\n${usage ? `\n${USAGE}\n` : ""}`,
  );
  process.exit(2);
});
