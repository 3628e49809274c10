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
 * header naming its process — the engine address; the machine, its boot and pid namespace; the
 * pid, the process's start time and its parent's (the engine) — and holds one JSON line per
 * declaration. Readers trust nothing in the folder as it is:
 * - the folder is used only when it is a real folder (not a link) owned by this user and closed
 *   to everyone else, in a parent no other user can write to; entries are opened without
 *   following links and read only when they are regular files of this user;
 * - a file counts only while the process its header names runs under the same parent: same
 *   machine, boot and pid namespace, a process with that pid and start time (a pid reused by
 *   another process does not count), whose parent is still the engine that started it (a
 *   provider orphaned by a killed engine does not count for the next engine on the same port);
 *   files of ended processes are removed at the first declaration of each process;
 * - every line is validated; a bad one is skipped with a warning, never a crash.
 * Files are written whole into place (a header is never seen half written) and the folder is
 * never removed, so a sweep cannot race a process's first declaration. When the folder cannot be
 * used, `DeclarationsUnavailableError` says which path and what to do, and when this deployment's
 * declarations could only be read in part, the answer says so: a check then fails, or a delete
 * leaves the rule in place (an encrypted bucket is the safe failure).
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { homedir, hostname } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { z } from "zod";
import { type DeclaringResource, PROVIDER_NAMES } from "../core/deploymentBuckets";
import { bucketNameProblem } from "../core/inputs";

/** What this process learnt of the buckets other processes of its deployment declare. */
export interface DeclaredElsewhere {
  /** The resource of another running provider process that declares the bucket, if one does. */
  readonly resource: DeclaringResource | undefined;
  /**
   * What of this deployment's declarations could not be read (files or lines that were skipped):
   * empty when everything was read, so that `resource` being undefined means no one declares it.
   */
  readonly unread: readonly string[];
}

/** What one provider process tells the others of its deployment, and learns from them. */
export interface DeploymentDeclarations {
  /**
   * Tells the deployment's other provider processes that `resource` declares `bucket`.
   *
   * @throws DeclarationsUnavailableError when the shared folder cannot be written.
   */
  declare(bucket: string, resource: DeclaringResource): void;
  /**
   * What the other running provider processes of this deployment declare of `bucket`. `warn`
   * hears about every entry that was skipped (once each).
   *
   * @throws DeclarationsUnavailableError when the shared folder cannot be read.
   */
  declaredElsewhere(bucket: string, warn: (message: string) => void): DeclaredElsewhere;
  /** Withdraws this process's declarations: it no longer serves the deployment. */
  close(): void;
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
const FORMAT = 2;

/** How old a temporary file (one being written into place) must be to be swept. */
const TEMPORARY_FILE_MAX_AGE_MS = 60 * 60 * 1000;

/**
 * The folder the current user's provider processes share: under the Pulumi home.
 *
 * @throws Error when there is no Pulumi home and no home folder to put one in.
 */
export function declarationsFolder(env: Readonly<Record<string, string | undefined>>): string {
  const pulumiHome = env.PULUMI_HOME;
  if (pulumiHome !== undefined && pulumiHome !== "") {
    return join(pulumiHome, FOLDER_NAME);
  }
  try {
    return join(homedir(), ".pulumi", FOLDER_NAME);
  } catch (error) {
    throw new Error(
      `PULUMI_HOME is not set and the user has no home folder (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/** Who a process is, as far as another process on the same machine can tell. */
export interface ProcessIdentity {
  /** The machine's host name: a folder shared by machines holds files of each. */
  readonly host: string;
  /** The machine's boot: pids and start times only mean something within one. */
  readonly boot: string;
  /** The pid namespace (a container's own, or the host's): pids only mean something within one. */
  readonly namespace: string;
  /** The process id. */
  readonly pid: number;
  /** When the process started, in the kernel's clock ticks since boot; `""` where unknown. */
  readonly started: string;
  /** The parent's pid and start time (`<pid>@<ticks>`): the engine, for a provider process. */
  readonly parent: string;
}

/** Where this machine tells who a process is; replaceable in tests. */
export interface ProcessTable {
  /** This process. */
  self(): ProcessIdentity;
  /** Whether the process `identity` names still runs, under the same parent. */
  isRunning(identity: ProcessIdentity): boolean;
}

/** Options of `deploymentDeclarations`; tests give their own. */
export interface DeclarationsOptions {
  /** The shared folder; defaults to `declarationsFolder(process.env)`, found at the first use. */
  readonly folder?: string;
  /** Defaults to the machine's own (`/proc` on Linux). */
  readonly processes?: ProcessTable;
}

/**
 * The declarations shared by the provider processes of the deployment whose engine listens at
 * `engineAddress`; undefined when no address was given (a process that serves no engine yet, as a
 * plugin started by hand before the engine attaches, or a unit test). An argument that is not an
 * engine address makes every use fail, as a folder that cannot be used does: coordination is
 * never switched off silently. Nothing is read or written until the first call.
 */
export function deploymentDeclarations(
  engineAddress: string | undefined,
  options: DeclarationsOptions = {},
): DeploymentDeclarations | undefined {
  if (engineAddress === undefined) {
    return undefined;
  }
  if (!ENGINE_ADDRESS.test(engineAddress)) {
    return unreadableAddress(engineAddress);
  }
  return new DeclarationsFiles(
    () => options.folder ?? declarationsFolder(process.env),
    engineAddress,
    options.processes ?? machineProcesses,
  );
}

/** The declarations of a process whose engine address could not be read: every use fails. */
function unreadableAddress(argument: string): DeploymentDeclarations {
  const fail = (): never => {
    throw new DeclarationsUnavailableError(
      `The provider process could not read the engine's address from its arguments (it found ${JSON.stringify(argument.slice(0, 64))}, not host:port), so it cannot share the buckets its resources declare with the deployment's other provider processes. Start it as the Pulumi engine does: its flags, then its address.`,
    );
  };
  return { declare: fail, declaredElsewhere: fail, close: () => undefined };
}

/** The longest URN or name shared: far beyond what the engine accepts, short of a flood. */
const MAX_SHARED_TEXT = 65_536;

/** The largest file read: a declaration is a few hundred bytes. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const headerSchema = z.strictObject({
  format: z.literal(FORMAT),
  engine: z.string().regex(ENGINE_ADDRESS),
  host: z.string().min(1).max(255),
  boot: z.string().max(64),
  namespace: z.string().max(64),
  // pid 0 names the caller's process group and pid 1 the init process: never a provider.
  pid: z
    .number()
    .int()
    .min(2)
    .max(2 ** 31),
  started: z.string().regex(/^\d{0,20}$/),
  parent: z.string().regex(/^(\d{1,10}@\d{0,20})?$/),
});

const declarationSchema = z.strictObject({
  bucket: z.string().refine((bucket) => bucketNameProblem(bucket) === undefined),
  resource: z.strictObject({
    urn: z.string().max(MAX_SHARED_TEXT),
    name: z.string().max(MAX_SHARED_TEXT),
    provider: z.enum(Object.values(PROVIDER_NAMES)),
  }),
});

type Header = z.infer<typeof headerSchema>;
type Declaration = z.infer<typeof declarationSchema>;

/** One process's file, as read: its header, its complete lines, and whether one was cut off. */
interface ReadFile {
  readonly header: Header;
  readonly lines: readonly string[];
  /** The file ends in a line without its newline: being written, or cut short. */
  readonly partial: boolean;
}

class DeclarationsFiles implements DeploymentDeclarations {
  /** Files of this deployment start with it: the engine address in a file-name alphabet. */
  private readonly prefix: string;
  private folderPath: string | undefined;
  private own: OwnFile | undefined;
  /** The lines this process wrote, to write again if its file is removed from under it. */
  private readonly written = new Set<string>();
  private swept = false;
  /** Whether the folder was seen: if it goes, the declarations in it went too. */
  private seen = false;
  /** What was skipped and said so, so each is said once. */
  private readonly warned = new Set<string>();

  constructor(
    private readonly locate: () => string,
    private readonly engine: string,
    private readonly processes: ProcessTable,
  ) {
    this.prefix = `${engine.replace(/[^\w.-]/g, "_")}.`;
  }

  /** The shared folder, found at the first use (a plugin must start whatever its environment). */
  private folder(): string {
    return (this.folderPath ??= this.locate());
  }

  declare(bucket: string, resource: DeclaringResource): void {
    const declaration = { bucket, resource } satisfies Declaration;
    this.guarded("write to", () => {
      if (!declarationSchema.safeParse(declaration).success) {
        // What the other processes would skip must not be taken for shared.
        throw new Error("the resource's URN or name is too long to share");
      }
      const line = `${JSON.stringify(declaration)}\n`;
      if (this.own !== undefined && !this.own.isRemoved()) {
        if (!this.written.has(line)) {
          this.own.append(line);
        }
      } else {
        // Made at the first declaration, not at start: a process that declares nothing (a
        // refresh, a destroy) writes nothing. Made again if it was removed from under this one.
        this.own?.close();
        this.own = undefined;
        const folder = this.folder();
        ensurePrivateFolder(folder);
        this.seen = true;
        if (!this.swept) {
          this.sweepEndedProcesses(folder);
          this.swept = true;
        }
        const lines = this.written.has(line) ? [...this.written] : [...this.written, line];
        this.own = OwnFile.create(folder, this.prefix, this.header(), lines);
      }
      this.written.add(line);
    });
  }

  close(): void {
    if (this.own !== undefined && this.folderPath !== undefined) {
      removeQuietly(join(this.folderPath, this.own.name));
      this.own.close();
    }
    this.own = undefined;
    this.written.clear();
  }

  declaredElsewhere(bucket: string, warn: (message: string) => void): DeclaredElsewhere {
    const names = this.guarded("read", () => {
      const folder = this.folder();
      if (!verifyPrivateFolder(folder)) {
        if (this.seen) {
          throw new Error("it was removed while the deployment ran");
        }
        return [];
      }
      this.seen = true;
      return readdirSync(folder);
    });
    const folder = this.folder();
    const unread: string[] = [];
    const skip = (what: string, why: string, live: boolean) => {
      unread.push(`${what} (${why})`);
      if (!this.warned.has(what)) {
        this.warned.add(what);
        warn(
          `Skipped ${what} in ${folder}: ${why}. ${live ? "Its process still runs: a delete leaves its bucket's rule in place until the deployment ends." : "Remove it; only BucketEncryption's provider processes write to that folder."}`,
        );
      }
    };
    const self = this.processes.self();
    for (const name of names) {
      if (!name.startsWith(this.prefix) || !name.endsWith(".jsonl") || name === this.own?.name) {
        continue;
      }
      const file = readDeclarationsFile(join(folder, name));
      if (file === undefined) {
        // Its process ended and its file was swept since the folder was listed.
        continue;
      }
      if (typeof file === "string") {
        skip(name, file, false);
        continue;
      }
      const { header } = file;
      if (
        header.engine !== this.engine ||
        !isOnThisMachine(header, self) ||
        !this.processes.isRunning(header)
      ) {
        continue;
      }
      if (file.partial) {
        unread.push(`the last line of ${name} (being written)`);
      }
      for (const [index, line] of file.lines.entries()) {
        const parsed = parseLine(line, declarationSchema);
        if (parsed === undefined) {
          skip(`line ${index + 2} of ${name}`, "it is not a declaration", true);
        } else if (parsed.bucket === bucket) {
          return { resource: parsed.resource, unread };
        }
      }
    }
    return { resource: undefined, unread };
  }

  /** Runs a use of the folder; any failure is the folder being unavailable, said with its path. */
  private guarded<T>(verb: string, use: () => T): T {
    try {
      return use();
    } catch (error) {
      const where = this.folderPath ?? `the ${FOLDER_NAME} folder of the Pulumi home`;
      const reason = error instanceof Error ? error.message : String(error);
      throw new DeclarationsUnavailableError(
        `Cannot ${verb} ${where}, where the provider processes of a deployment share the buckets their resources declare: ${reason}. It must be a folder of this user's, closed to other users (chmod 700); remove or fix it, or set PULUMI_HOME to a folder of your own.`,
        { cause: error },
      );
    }
  }

  private header(): Header {
    return { format: FORMAT, engine: this.engine, ...this.processes.self() };
  }

  /**
   * Removes the files of ended processes of this machine (of any deployment) and abandoned
   * temporary files. A link, a file of another user or of another machine or pid namespace is
   * left where it is: it is not this process's to judge.
   */
  private sweepEndedProcesses(folder: string): void {
    const self = this.processes.self();
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
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
        isOnThisMachine(file.header, self) &&
        !this.processes.isRunning(file.header)
      ) {
        removeQuietly(path);
      }
    }
  }
}

/** Whether a file's process runs, or ran, where this one runs: same host and pid namespace. */
function isOnThisMachine(header: Header, self: ProcessIdentity): boolean {
  return header.host === self.host && header.namespace === self.namespace;
}

/** Removes a file (never what a link points to); one already gone, or that cannot go, is left. */
function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Read as ended either way: a file left behind is only skipped again.
  }
}

/** Writes all of `text` at the descriptor's position (a full disk stops it with an error). */
function writeWhole(descriptor: number, text: string): void {
  let rest = Buffer.from(text);
  while (rest.length > 0) {
    const written = writeSync(descriptor, rest);
    if (written === 0) {
      throw new Error("the file cannot grow (its size or the disk is at its limit)");
    }
    rest = rest.subarray(written);
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
      writeWhole(descriptor, [`${JSON.stringify(header)}\n`, ...lines].join(""));
      renameSync(temporary, join(folder, name));
    } catch (error) {
      closeSync(descriptor);
      removeQuietly(temporary);
      throw error;
    }
    return new OwnFile(name, descriptor);
  }

  /**
   * Appends a line. It is written whole or the call fails; a reader that catches it half
   * written sees a last line without its newline, and counts it as unread.
   */
  append(line: string): void {
    const { size } = fstatSync(this.descriptor);
    try {
      writeWhole(this.descriptor, line);
    } catch (error) {
      // A line cut short would hide the lines written after it: cut it off again.
      try {
        ftruncateSync(this.descriptor, size);
      } catch {
        // The reader counts the cut line as unread; nothing more can be done here.
      }
      throw error;
    }
  }

  /** Whether the file was removed from the folder since it was made (its link count is 0). */
  isRemoved(): boolean {
    return fstatSync(this.descriptor).nlink === 0;
  }

  /** Closes the file (it stays in the folder). */
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
 * folder owned by this user and closed to others, in a parent no other user can write to.
 *
 * @throws Error saying what is wrong with it.
 */
function verifyPrivateFolder(folder: string): boolean {
  if (!isAbsolute(folder)) {
    // Each provider process has its own working directory: a relative path names several folders.
    throw new Error("it is not an absolute path (PULUMI_HOME must be one)");
  }
  verifyParent(dirname(folder));
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

/**
 * Checks that no other user can replace the folder: its parent (the Pulumi home) belongs to this
 * user or to root, and others cannot write to it unless it is sticky (as a shared temporary
 * folder is, where only an entry's owner may rename or remove it).
 */
function verifyParent(parent: string): void {
  const uid = process.getuid?.();
  const stats = statSync(parent, { throwIfNoEntry: false });
  if (uid === undefined || stats === undefined) {
    return;
  }
  const sticky = (stats.mode & 0o1000) !== 0;
  if ((stats.uid !== uid && stats.uid !== 0) || ((stats.mode & 0o022) !== 0 && !sticky)) {
    throw new Error(
      `other users could replace it: its parent folder ${parent} belongs to uid ${stats.uid} with mode ${(stats.mode & 0o7777).toString(8).padStart(4, "0")}`,
    );
  }
}

/**
 * A declarations file's header and complete lines, why it is skipped, or undefined when it is
 * gone. Opened without following a link (and without waiting on a FIFO); only a regular file of
 * this user is read.
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
    const text = buffer.toString("utf8", 0, readSync(descriptor, buffer, 0, stats.size, 0));
    const lines = text.split("\n");
    // What follows the last newline is a line still being written (or cut short).
    const partial = lines.pop() !== "";
    const header = parseLine(lines[0] ?? "", headerSchema);
    if (header !== undefined) {
      return { header, lines: lines.slice(1), partial };
    }
    const pid = parseLine(lines[0] ?? "", z.looseObject({ pid: z.number() }))?.pid;
    return pid !== undefined && pid < 2
      ? `its header names pid ${pid}, which no provider process has`
      : "it does not start with a declarations header";
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

/** This machine's boot id and this process's pid namespace (Linux); `""` where there are none. */
let machine: { readonly boot: string; readonly namespace: string } | undefined;

/**
 * Who the process `pid` of this machine is: its start time and its parent's from `/proc` where
 * there is one (Linux), `""` elsewhere.
 *
 * @internal Exported for tests.
 */
export function identityOf(pid: number): ProcessIdentity {
  machine ??= {
    boot: readProcFile("/proc/sys/kernel/random/boot_id")?.trim() ?? "",
    namespace: readProcLink("/proc/self/ns/pid") ?? "",
  };
  const stat = procStat(pid);
  const parentStarted = stat === undefined ? undefined : procStat(stat.parent)?.started;
  return {
    host: hostname(),
    ...machine,
    pid,
    started: stat?.started ?? "",
    parent:
      stat === undefined || parentStarted === undefined ? "" : `${stat.parent}@${parentStarted}`,
  };
}

/**
 * The machine's processes: a process is its pid, its start time within this boot and its parent,
 * so a pid taken by another process, or a process orphaned by the end of its engine, does not
 * count. Where `/proc` is missing, only the pid can be checked.
 *
 * @internal Exported for tests.
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
      if (own.started === "") {
        try {
          process.kill(identity.pid, 0);
          return true;
        } catch (error) {
          return (error as NodeJS.ErrnoException).code === "EPERM";
        }
      }
      const now = identityOf(identity.pid);
      return (
        now.started !== "" && now.started === identity.started && now.parent === identity.parent
      );
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

function readProcLink(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/**
 * A process's parent pid and start time (clock ticks since boot): fields 4 and 22 of
 * `/proc/<pid>/stat`, counted after the command name, which is in parentheses and may hold spaces
 * and parentheses itself.
 */
function procStat(pid: number): { readonly parent: number; readonly started: string } | undefined {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === undefined) {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const started = fields[22 - 3];
  return started === undefined ? undefined : { parent: Number(fields[4 - 3]), started };
}
