/**
 * Which buckets the resources of one deployment declare, shared between the deployment's provider
 * processes.
 *
 * The engine starts one process per provider: the dynamic provider's, and one per `ossencryption`
 * provider, default or explicit. A resource can move from one to another while its bucket stays —
 * a dynamic resource replaced by a plugin one, a plugin resource moved to another provider — and
 * the engine then runs the new resource's check and create in one process and the old resource's
 * delete in another. That delete must see that a resource served elsewhere declares its bucket,
 * or it removes the rule the new resource just recorded. The engine offers its providers no
 * channel to each other; what every process of a deployment shares is the engine's address.
 *
 * So each process writes the buckets its resources declare to a file of its own, in a folder
 * private to the user: `<Pulumi home>/ossencryption-deployments` (`PULUMI_HOME`, else
 * `~/.pulumi`, where the CLI keeps the user's plugins and credentials). A file starts with a
 * header naming its process — the engine address, the machine, its boot, the pid and the
 * process's start time — and holds one JSON line per declaration. Readers trust nothing in the
 * folder as it is:
 * - the folder is used only when it is a real folder (not a link) owned by this user and closed
 *   to everyone else, and entries are opened without following links and used only when they are
 *   regular files of this user;
 * - a file counts only while the process its header names runs: same machine, same boot, and a
 *   process with that pid and that start time (a pid reused by another process does not count);
 *   files of ended processes are removed at the first declaration of each process;
 * - every line is validated; a bad one is skipped with a warning, never a crash.
 * Files are written whole into place (a header is never seen half written) and the folder is
 * never removed, so a sweep cannot race a process's first declaration. When the folder cannot be
 * used, `DeclarationsUnavailableError` says which path and what to do: a check then fails, and a
 * delete leaves the rule in place (an encrypted bucket is the safe failure).
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { bucketNameProblem } from "../core/inputs";
import type { DeclaringResource } from "../core/deploymentBuckets";

/** What one provider process tells the others of its deployment, and learns from them. */
export interface DeploymentDeclarations {
  /**
   * Tells the deployment's other provider processes that `resource` declares `bucket`.
   *
   * @throws DeclarationsUnavailableError when the shared folder cannot be written.
   */
  declare(bucket: string, resource: DeclaringResource): void;
  /**
   * The resource of another running provider process of this deployment that declares `bucket`,
   * if any. `warn` hears about entries that were skipped (once each).
   *
   * @throws DeclarationsUnavailableError when the shared folder cannot be read.
   */
  declaredElsewhere(bucket: string, warn: (message: string) => void): DeclaringResource | undefined;
}

/** The shared folder cannot be used: the message names the path, the reason and what to do. */
export class DeclarationsUnavailableError extends Error {
  override readonly name = "DeclarationsUnavailableError";
}

/** An engine address as the engine passes it, `host:port`. */
const ENGINE_ADDRESS = /^[\w.[\]:-]{1,200}:\d{1,5}$/;

/** The folder's name under the Pulumi home. */
const FOLDER_NAME = "ossencryption-deployments";

/** The format of the files; a reader skips files of another format. */
const FORMAT = 1;

/** How old a temporary file (one being written into place) must be to be swept. */
const TEMPORARY_FILE_MAX_AGE_MS = 60 * 60 * 1000;

/** The folder the current user's provider processes share: under the Pulumi home. */
export function declarationsFolder(env: Readonly<Record<string, string | undefined>>): string {
  const pulumiHome = env.PULUMI_HOME;
  return join(
    pulumiHome === undefined || pulumiHome === "" ? join(homedir(), ".pulumi") : pulumiHome,
    FOLDER_NAME,
  );
}

/** Who a process is, as far as another process on the same machine can tell. */
export interface ProcessIdentity {
  readonly host: string;
  /** The machine's boot: pids and start times only mean something within one. */
  readonly boot: string;
  readonly pid: number;
  /** When the process started, in the kernel's clock ticks since boot; `""` where unknown. */
  readonly started: string;
}

/** Where this machine tells who a process is; replaceable in tests. */
export interface ProcessTable {
  /** This process. */
  self(): ProcessIdentity;
  /** Whether the process `identity` names still runs (not another one that took its pid). */
  isRunning(identity: ProcessIdentity): boolean;
}

/** Options of `deploymentDeclarations`; tests give their own. */
export interface DeclarationsOptions {
  /** The shared folder; defaults to `declarationsFolder(process.env)`. */
  readonly folder?: string;
  /** Defaults to the machine's own (`/proc` on Linux). */
  readonly processes?: ProcessTable;
}

/**
 * The declarations shared by the provider processes of the deployment whose engine listens at
 * `engineAddress`, or undefined when that is not an engine address (the process serves no
 * engine, as in unit tests). Nothing is read or written until the first call.
 */
export function deploymentDeclarations(
  engineAddress: string | undefined,
  options: DeclarationsOptions = {},
): DeploymentDeclarations | undefined {
  if (engineAddress === undefined || !ENGINE_ADDRESS.test(engineAddress)) {
    return undefined;
  }
  return new DeclarationsFiles(
    options.folder ?? declarationsFolder(process.env),
    engineAddress,
    options.processes ?? machineProcesses,
  );
}

const headerSchema = z.strictObject({
  format: z.literal(FORMAT),
  engine: z.string().regex(ENGINE_ADDRESS),
  host: z.string().min(1).max(255),
  boot: z.string().max(64),
  // pid 0 names the caller's process group and pid 1 the init process: never a provider.
  pid: z
    .number()
    .int()
    .min(2)
    .max(2 ** 31),
  started: z.string().regex(/^\d{0,20}$/),
});

const declarationSchema = z.strictObject({
  bucket: z.string().refine((bucket) => bucketNameProblem(bucket) === undefined),
  resource: z.strictObject({
    urn: z.string().max(4096),
    name: z.string().max(1024),
    provider: z.string().max(64),
  }),
});

type Header = z.infer<typeof headerSchema>;
type Declaration = z.infer<typeof declarationSchema>;

/** One process's file, as read: its header, and its complete lines after it. */
interface ReadFile {
  readonly header: Header;
  readonly lines: readonly string[];
}

class DeclarationsFiles implements DeploymentDeclarations {
  /** Files of this deployment start with it: the engine address in a file-name alphabet. */
  private readonly prefix: string;
  private own: OwnFile | undefined;
  /** The lines this process wrote, to write again if its file is removed from under it. */
  private readonly written = new Set<string>();
  private swept = false;
  /** What was skipped and said so, so each is said once. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly folder: string,
    private readonly engine: string,
    private readonly processes: ProcessTable,
  ) {
    this.prefix = `${engine.replace(/[^\w.-]/g, "_")}.`;
  }

  declare(bucket: string, resource: DeclaringResource): void {
    const line = `${JSON.stringify({ bucket, resource } satisfies Declaration)}\n`;
    if (this.written.has(line)) {
      return;
    }
    try {
      if (this.own !== undefined && !this.own.isRemoved()) {
        this.own.append(line);
      } else {
        // Made at the first declaration, not at start: a process that declares nothing (a
        // refresh, a destroy) writes nothing. Made again if it was removed from under this one.
        this.own?.close();
        this.own = undefined;
        ensurePrivateFolder(this.folder);
        if (!this.swept) {
          this.sweepEndedProcesses();
          this.swept = true;
        }
        this.own = OwnFile.create(this.folder, this.prefix, this.header(), [...this.written, line]);
      }
    } catch (error) {
      throw unavailable(this.folder, "write to", error);
    }
    this.written.add(line);
  }

  declaredElsewhere(
    bucket: string,
    warn: (message: string) => void,
  ): DeclaringResource | undefined {
    let names: string[];
    try {
      if (!verifyPrivateFolder(this.folder)) {
        return undefined;
      }
      names = readdirSync(this.folder);
    } catch (error) {
      throw unavailable(this.folder, "read", error);
    }
    const skip = (what: string, why: string) => {
      if (!this.warned.has(what)) {
        this.warned.add(what);
        warn(
          `Skipped ${what} in ${this.folder}: ${why}. Remove it; only BucketEncryption's provider processes write to that folder.`,
        );
      }
    };
    for (const name of names) {
      if (!name.startsWith(this.prefix) || !name.endsWith(".jsonl") || name === this.own?.name) {
        continue;
      }
      const file = readDeclarationsFile(join(this.folder, name));
      if (typeof file === "string") {
        skip(name, file);
        continue;
      }
      if (file === undefined) {
        // Its process ended and its file was swept since the folder was listed.
        continue;
      }
      if (file.header.engine !== this.engine || !this.isOfThisMachineAndRunning(file.header)) {
        continue;
      }
      for (const [index, line] of file.lines.entries()) {
        const parsed = parseLine(line, declarationSchema);
        if (parsed === undefined) {
          skip(`line ${index + 2} of ${name}`, "it is not a declaration");
        } else if (parsed.bucket === bucket) {
          return parsed.resource;
        }
      }
    }
    return undefined;
  }

  private header(): Header {
    return { format: FORMAT, engine: this.engine, ...this.processes.self() };
  }

  /** Whether a file's process runs on this machine now (a file of another machine is left). */
  private isOfThisMachineAndRunning(header: Header): boolean {
    const self = this.processes.self();
    return header.host === self.host && this.processes.isRunning(header);
  }

  /**
   * Removes the files of ended processes (of any deployment) and abandoned temporary files. A
   * link or a file of another user is left where it is: unlinking it would be harmless, but it is
   * not this process's to judge.
   */
  private sweepEndedProcesses(): void {
    const self = this.processes.self();
    for (const name of readdirSync(this.folder)) {
      const path = join(this.folder, name);
      if (name.endsWith(".tmp")) {
        const stats = lstatSync(path, { throwIfNoEntry: false });
        if (stats?.isFile() === true && Date.now() - stats.mtimeMs > TEMPORARY_FILE_MAX_AGE_MS) {
          removeQuietly(path);
        }
        continue;
      }
      if (!name.endsWith(".jsonl")) {
        continue;
      }
      const file = readDeclarationsFile(path);
      if (
        typeof file === "object" &&
        file.header.host === self.host &&
        !this.processes.isRunning(file.header)
      ) {
        removeQuietly(path);
      }
    }
  }
}

/** Removes a file (never what a link points to); one already gone, or that cannot go, is left. */
function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Read as ended either way: a file left behind is only skipped again.
  }
}

/** The file this process writes its declarations to, held open. */
class OwnFile {
  private constructor(
    /** Its name in the folder. */
    readonly name: string,
    private readonly descriptor: number,
  ) {}

  /**
   * Writes a new file with `header` and `lines` beside its final name, then renames it into
   * place, so that no reader sees it half written. Neither name can be followed as a link: the
   * temporary one is made exclusively, and a rename replaces an entry, never what it points to.
   */
  static create(folder: string, prefix: string, header: Header, lines: readonly string[]): OwnFile {
    const unique = `${prefix}${header.pid}.${randomBytes(6).toString("hex")}`;
    const temporary = join(folder, `${unique}.tmp`);
    const name = `${unique}.jsonl`;
    const descriptor = openSync(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      writeSync(descriptor, [`${JSON.stringify(header)}\n`, ...lines].join(""));
      renameSync(temporary, join(folder, name));
    } catch (error) {
      closeSync(descriptor);
      removeQuietly(temporary);
      throw error;
    }
    return new OwnFile(name, descriptor);
  }

  /** Appends a line; one write, so that readers see it whole or not at all. */
  append(line: string): void {
    writeSync(this.descriptor, line, null);
  }

  /** Whether the file was removed from the folder since it was made (its link count is 0). */
  isRemoved(): boolean {
    return fstatSync(this.descriptor).nlink === 0;
  }

  close(): void {
    closeSync(this.descriptor);
  }
}

/** Makes the folder if it is missing, and checks that it is private to this user. */
function ensurePrivateFolder(folder: string): void {
  if (!verifyPrivateFolder(folder)) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    verifyPrivateFolder(folder);
  }
}

/**
 * Whether the folder exists (false when it does not); when it does, checks that it is a real
 * folder owned by this user and closed to others.
 *
 * @throws Error saying what is wrong with it.
 */
function verifyPrivateFolder(folder: string): boolean {
  const stats = lstatSync(folder, { throwIfNoEntry: false });
  if (stats === undefined) {
    return false;
  }
  if (stats.isSymbolicLink()) {
    throw new Error("it is a symbolic link, not a folder");
  }
  if (!stats.isDirectory()) {
    throw new Error("it is a file, not a folder");
  }
  const uid = process.getuid?.();
  // Windows has no uids or mode bits: the folder is as private as the user's profile.
  if (uid !== undefined) {
    if (stats.uid !== uid) {
      throw new Error(
        `it belongs to the user with uid ${stats.uid}, not to this user (uid ${uid})`,
      );
    }
    if ((stats.mode & 0o077) !== 0) {
      throw new Error(
        `other users have access to it (mode ${(stats.mode & 0o777).toString(8).padStart(4, "0")}); it must be 0700`,
      );
    }
  }
  return true;
}

/** The error for a folder that cannot be used, naming it and what to do. */
function unavailable(folder: string, verb: string, error: unknown): DeclarationsUnavailableError {
  const reason = error instanceof Error ? error.message : String(error);
  return new DeclarationsUnavailableError(
    `Cannot ${verb} ${folder}, where the provider processes of a deployment share the buckets their resources declare: ${reason}. It must be a folder of this user's, closed to other users (chmod 700); remove or fix it, or set PULUMI_HOME to a folder of your own.`,
    { cause: error },
  );
}

/** The largest file read: a declaration is well under 5 KB, and a deployment has few thousand. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * A declarations file's header and complete lines, why it is skipped, or undefined when it is
 * gone. Opened without following a link; only a regular file of this user is read.
 */
function readDeclarationsFile(path: string): ReadFile | string | undefined {
  let descriptor: number;
  try {
    descriptor = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? undefined : `it cannot be opened (${code ?? "error"})`;
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) {
      return "it is not a regular file";
    }
    const uid = process.getuid?.();
    if (uid !== undefined && stats.uid !== uid) {
      return `it belongs to the user with uid ${stats.uid}`;
    }
    if (stats.size > MAX_FILE_BYTES) {
      return `it is larger than ${MAX_FILE_BYTES} bytes`;
    }
    const buffer = Buffer.alloc(stats.size);
    const length = readSync(descriptor, buffer, 0, stats.size, 0);
    // A last line without its newline is still being written: it is left for the next read.
    const lines = buffer.toString("utf8", 0, length).split("\n").slice(0, -1);
    const header = parseLine(lines[0] ?? "", headerSchema);
    return header === undefined
      ? "it does not start with a declarations header"
      : { header, lines: lines.slice(1) };
  } finally {
    closeSync(descriptor);
  }
}

function parseLine<T>(line: string, schema: z.ZodType<T>): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** This machine's boot id (Linux); `""` where there is none. */
let bootId: string | undefined;

/**
 * Who the process `pid` of this machine is: its start time from `/proc` where there is one
 * (Linux), `""` elsewhere.
 */
export function identityOf(pid: number): ProcessIdentity {
  bootId ??= readProcFile("/proc/sys/kernel/random/boot_id")?.trim() ?? "";
  return { host: hostname(), boot: bootId, pid, started: startTimeOf(pid) ?? "" };
}

/**
 * The machine's processes: a process is its pid and its start time within this boot, so a pid
 * taken by another process does not count. Where the start time is unknown (no `/proc`), only
 * the pid can be checked.
 */
export const machineProcesses: ProcessTable = (() => {
  let self: ProcessIdentity | undefined;
  return {
    self: () => (self ??= identityOf(process.pid)),
    isRunning: (identity) => {
      const own = machineProcesses.self();
      if (identity.boot !== own.boot) {
        return false;
      }
      if (own.started !== "") {
        return startTimeOf(identity.pid) === identity.started;
      }
      try {
        process.kill(identity.pid, 0);
        return true;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === "EPERM";
      }
    },
  };
})();

function readProcFile(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * A process's start time in clock ticks since boot: field 22 of `/proc/<pid>/stat`, counted after
 * the command name, which is in parentheses and may hold spaces and parentheses itself.
 */
function startTimeOf(pid: number): string | undefined {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === undefined) {
    return undefined;
  }
  return stat
    .slice(stat.lastIndexOf(")") + 2)
    .split(" ")
    .at(22 - 3);
}
