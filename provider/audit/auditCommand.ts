/**
 * `oss-encryption-audit`: audits a bucket's objects against its default encryption rule, and with
 * `--fix` re-encrypts those that do not conform. Thin glue: the command line (`auditArguments.ts`)
 * and the environment give the connection, the audit (`bucketAudit.ts`) does the work over the
 * OSS adapters, and `auditOutput.ts` says what it found. Exit status 0 when every object checked
 * conforms, 1 when some do not, 2 on an error.
 */
import { createInterface } from "node:readline/promises";
import { printable, quoteText } from "../core/displayText";
import type { EncryptionRule } from "../core/encryptionRule";
import { AliOssEncryptionStore } from "../oss/aliOssEncryptionStore";
import { AliOssObjectStore } from "../oss/aliOssObjectStore";
import {
  type Environment,
  type OssConnection,
  resolveConnection,
  resolveLocation,
  type SettingsSource,
} from "../oss/connection";
import type { EncryptionStore } from "../oss/encryptionStore";
import type { ObjectStore, VersioningStatus } from "../oss/objectStore";
import { type AuditArguments, COMMAND, parseAuditArguments, USAGE } from "./auditArguments";
import { fixedLine, ProgressLine, reportJson, summaryText } from "./auditOutput";
import {
  type AuditProgress,
  type AuditReport,
  AuditStoppedError,
  auditObjects,
  readDefaultRule,
} from "./bucketAudit";

/** The exit status of a run. */
export const EXIT = { conforming: 0, nonConforming: 1, error: 2 } as const;

/** A stream the command writes to; `isTTY` when it is a terminal. */
export interface OutputStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Where the command reads and writes, and what it runs in. */
export interface CommandIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  /** Where the confirmation of `--fix` is read, on a terminal. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Environment;
  /** Aborted to stop the run after the objects in flight (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/** The OSS adapters of one bucket. */
export interface AuditStores {
  readonly rules: EncryptionStore;
  readonly objects: ObjectStore;
}

/** Opens the OSS adapters of `bucket` over `connection`: the ali-oss ones unless a test says. */
export type AuditStoresFactory = (connection: OssConnection, bucket: string) => AuditStores;

const openAliOssStores: AuditStoresFactory = (connection, bucket) => ({
  rules: new AliOssEncryptionStore(connection),
  objects: new AliOssObjectStore(connection, bucket),
});

/** A failure that ends the run before the audit, with what to tell the user. */
class CommandError extends Error {
  override readonly name = "CommandError";
}

/** Runs the command with `argv` (without the program's path); resolves to the exit status. */
export async function runAuditCommand(
  argv: readonly string[],
  io: CommandIo,
  openStores: AuditStoresFactory = openAliOssStores,
): Promise<number> {
  const parsed = parseAuditArguments(argv);
  switch (parsed.kind) {
    case "help":
      io.stdout.write(USAGE);
      return EXIT.conforming;
    case "invalid":
      io.stderr.write(
        `${parsed.problems.map((problem) => `${COMMAND}: ${problem}`).join("\n")}\n${COMMAND}: see --help for the options.\n`,
      );
      return EXIT.error;
    case "audit":
      break;
  }
  const { arguments: args } = parsed;
  let stores: AuditStores;
  let rule: EncryptionRule | undefined;
  try {
    stores = openStores(connectionOf(args, io.env), args.bucket);
    rule = await readDefaultRule(stores.rules, args.bucket);
    if (args.fix) {
      await confirmFix(args, rule, await stores.objects.versioning(), io);
    }
  } catch (error) {
    io.stderr.write(
      `${COMMAND}: ${printable(error instanceof Error ? error.message : String(error))}\n`,
    );
    return EXIT.error;
  }
  return audit(args, rule, stores.objects, io);
}

/** Where and as whom to call OSS: the options, then the environment. */
function connectionOf(args: AuditArguments, env: Environment): OssConnection {
  const source: SettingsSource = { config: () => undefined, env, regionOption: "--region" };
  const location = resolveLocation(
    {
      ...(args.region === undefined ? {} : { region: args.region }),
      ...(args.endpoint === undefined ? {} : { endpoint: args.endpoint }),
    },
    source,
  );
  return resolveConnection(location, args.signatureVersion, source);
}

/**
 * Goes on with `--fix` only when it may: the bucket has a rule to re-encrypt with; versioning
 * (which keeps every object's old versions, old encryption included) is accepted with `--yes`
 * only; and the user confirms, on a terminal, unless `--yes`.
 *
 * @throws CommandError saying why not.
 */
async function confirmFix(
  args: AuditArguments,
  rule: EncryptionRule | undefined,
  versioning: VersioningStatus,
  io: CommandIo,
): Promise<void> {
  if (rule === undefined) {
    throw new CommandError(
      `bucket "${args.bucket}" has no default encryption rule, so there is nothing to re-encrypt its objects with; set a rule first.`,
    );
  }
  if (versioning !== undefined) {
    const consequence = `re-encrypting writes a new version of each object, and the earlier versions keep their old encryption until they are deleted (by hand or by a lifecycle rule)`;
    if (!args.yes) {
      throw new CommandError(
        `bucket "${args.bucket}" has versioning ${versioning}: ${consequence}. Run again with --yes to re-encrypt the current versions anyway.`,
      );
    }
    io.stderr.write(
      `${COMMAND}: bucket "${args.bucket}" has versioning ${versioning}: ${consequence}.\n`,
    );
  }
  if (args.yes) {
    return;
  }
  if (io.stdin.isTTY !== true || io.stderr.isTTY !== true) {
    throw new CommandError(
      "--fix rewrites objects and asks before it does on a terminal; with no terminal to ask on, add --yes to confirm.",
    );
  }
  const scope =
    args.prefix === "" ? "every object" : `every object under ${quoteText(args.prefix)}`;
  const prompt = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  try {
    const answer = await prompt.question(
      `Re-encrypt ${scope} of bucket "${args.bucket}" that does not conform to its default rule, in place (content, metadata and ACL kept)? [y/N] `,
    );
    if (!/^y(es)?$/i.test(answer.trim())) {
      throw new CommandError("not confirmed; nothing was changed.");
    }
  } finally {
    prompt.close();
  }
}

/** Runs the audit, shows progress on a terminal, and prints the report. */
async function audit(
  args: AuditArguments,
  rule: EncryptionRule | undefined,
  objects: ObjectStore,
  io: CommandIo,
): Promise<number> {
  const progress: AuditProgress = { listed: 0, checked: 0, nonConforming: 0, fixed: 0 };
  const line =
    io.stderr.isTTY === true ? new ProgressLine(io.stderr, progress, args.fix) : undefined;
  const print = (text: string) => {
    if (line === undefined) {
      io.stdout.write(text);
    } else {
      line.above(() => io.stdout.write(text));
    }
  };
  line?.start();
  let report: AuditReport;
  let exit: number;
  try {
    report = await auditObjects(
      objects,
      rule,
      {
        bucket: args.bucket,
        prefix: args.prefix,
        concurrency: args.concurrency,
        ...(args.maxObjects === undefined ? {} : { maxObjects: args.maxObjects }),
        fix: args.fix,
        ...(io.signal === undefined ? {} : { signal: io.signal }),
      },
      progress,
      args.fix && !args.json && rule !== undefined
        ? (key, from) => {
            print(fixedLine(key, from, rule));
          }
        : undefined,
    );
    exit =
      report.errors.length > 0
        ? EXIT.error
        : report.nonConforming > report.fixed
          ? EXIT.nonConforming
          : EXIT.conforming;
  } catch (error) {
    line?.stop();
    if (!(error instanceof AuditStoppedError)) {
      throw error;
    }
    report = error.partial;
    exit = EXIT.error;
  } finally {
    line?.stop();
  }
  io.stdout.write(args.json ? reportJson(report, args.fix) : summaryText(report, args.fix));
  if (exit === EXIT.error) {
    const last = report.errors.at(-1);
    io.stderr.write(
      `${COMMAND}: ${report.errors.length} failure${report.errors.length === 1 ? "" : "s"}${last === undefined ? "" : `; the last: ${printable(last.message)}`}\n`,
    );
  }
  return exit;
}
