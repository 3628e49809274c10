/**
 * The buckets declared by the other provider processes of one deployment.
 *
 * The engine starts one process per provider: the dynamic provider's, and one per `ossencryption`
 * provider, default or explicit. A resource can move from one to another while its bucket stays —
 * a dynamic resource replaced by a plugin one, a plugin resource moved to another provider — and
 * the engine then runs the new resource's check and create in one process and the old resource's
 * delete in another. That delete must see that a resource served elsewhere declares its bucket,
 * or it removes the rule the new resource just recorded.
 *
 * The processes of one deployment share the engine's address (their first argument), and nothing
 * else names the deployment. So each process appends its declarations to a file named by its pid
 * in a folder named by that address, under a folder of the user's own in the system's temporary
 * folder, and reads the files of the other processes that still run. Files of ended processes are
 * removed as they are found; an ended deployment's folder goes once it is empty.
 */
import {
  appendFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Declarer } from "../core/deploymentBuckets";

/** What one process tells the others of its deployment, and learns from them. */
export interface DeploymentPeers {
  /** Tells the other processes that `declarer` declares `bucket`. */
  publish(bucket: string, declarer: Declarer): void;
  /** The resource of another process of this deployment that declares `bucket`, if any. */
  declarerOf(bucket: string): Declarer | undefined;
}

/** An engine address as the engine passes it, `host:port`. */
const ENGINE_ADDRESS = /^[\w.[\]:-]+:\d+$/;

const DECLARATIONS_FILE = /^(\d+)\.jsonl$/;

/** How old an empty deployment folder must be to be swept: a new one is empty until a check. */
const EMPTY_FOLDER_MAX_AGE_MS = 60 * 60 * 1000;

/** The folder of the current user's deployment folders. */
function defaultRoot(): string {
  return join(tmpdir(), `pulumi-ossencryption-${process.getuid?.() ?? "user"}`);
}

/**
 * The peers of the deployment whose engine listens at `engineAddress`, or undefined when the
 * address is not one (the process does not serve an engine, as in unit tests).
 */
export function deploymentPeers(
  engineAddress: string | undefined,
  root: string = defaultRoot(),
  pid: number = process.pid,
): DeploymentPeers | undefined {
  if (engineAddress === undefined || !ENGINE_ADDRESS.test(engineAddress)) {
    return undefined;
  }
  return new DeclarationFiles(root, engineAddress.replace(/[^\w.-]/g, "_"), pid);
}

/** One line of a declarations file. */
interface Declaration {
  readonly bucket: string;
  readonly declarer: Declarer;
}

class DeclarationFiles implements DeploymentPeers {
  private readonly folder: string;
  private readonly ownFile: string;
  private readonly published = new Set<string>();

  constructor(
    private readonly root: string,
    deployment: string,
    private readonly pid: number,
  ) {
    this.folder = join(root, deployment);
    this.ownFile = join(this.folder, `${pid}.jsonl`);
    // A file with this pid is from an ended process of an earlier deployment: the others would
    // take its declarations for this process's.
    this.shared(() => {
      rmSync(this.ownFile, { force: true });
    });
  }

  publish(bucket: string, declarer: Declarer): void {
    const line = `${JSON.stringify({ bucket, declarer } satisfies Declaration)}\n`;
    if (!this.published.has(line)) {
      this.shared(() => {
        if (this.published.size === 0) {
          // Made at the first declaration, so that a process that declares nothing (a refresh,
          // a destroy) leaves no folder behind.
          mkdirSync(this.folder, { recursive: true, mode: 0o700 });
          this.sweepEndedDeployments();
        }
        appendFileSync(this.ownFile, line, { mode: 0o600 });
      });
      this.published.add(line);
    }
  }

  /**
   * Runs a write to the shared folder. Without it a delete elsewhere could remove a rule this
   * process's resources declare, so a failure stops the operation, saying what to fix.
   */
  private shared(write: () => void): void {
    try {
      write();
    } catch (error) {
      throw new Error(
        `Cannot tell the deployment's other provider processes which buckets this one declares, through ${this.folder}: ${(error as Error).message}. Make the system's temporary folder writable (or set TMPDIR to a writable folder).`,
        { cause: error },
      );
    }
  }

  declarerOf(bucket: string): Declarer | undefined {
    for (const [pid, file] of declarationFiles(this.folder)) {
      if (pid === this.pid) {
        continue;
      }
      if (!isRunning(pid)) {
        rmSync(file, { force: true });
        continue;
      }
      const found = readDeclarations(file).find((entry) => entry.bucket === bucket);
      if (found !== undefined) {
        return found.declarer;
      }
    }
    return undefined;
  }

  /**
   * Removes the files of ended processes in other deployments' folders, and the folders all of
   * whose processes have ended (an empty folder only once it is old: another process may have
   * just made it, and not yet written its first declaration).
   */
  private sweepEndedDeployments(): void {
    for (const deployment of readdirSync(this.root)) {
      const folder = join(this.root, deployment);
      if (folder === this.folder) {
        continue;
      }
      const files = declarationFiles(folder);
      const ended = files.filter(([pid]) => !isRunning(pid));
      for (const [, file] of ended) {
        rmSync(file, { force: true });
      }
      if (ended.length === files.length && (files.length > 0 || isOld(folder))) {
        try {
          rmdirSync(folder);
        } catch {
          // A process of that deployment wrote a file meanwhile: the folder is in use.
        }
      }
    }
  }
}

/** The declarations files in `folder`, with the pid of the process that writes each. */
function declarationFiles(folder: string): [number, string][] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const pid = DECLARATIONS_FILE.exec(name)?.[1];
    return pid === undefined ? [] : [[Number(pid), join(folder, name)] as [number, string]];
  });
}

/** The declarations in `file`; a line still being written is skipped. */
function readDeclarations(file: string): Declaration[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text.split("\n").flatMap((line) => {
    try {
      return [JSON.parse(line) as Declaration];
    } catch {
      return [];
    }
  });
}

/** Whether `folder` was last changed longer ago than an empty deployment folder may be kept. */
function isOld(folder: string): boolean {
  try {
    return Date.now() - statSync(folder).mtimeMs > EMPTY_FOLDER_MAX_AGE_MS;
  } catch {
    return false;
  }
}

/** Whether a process with this pid runs (one of another user counts). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
