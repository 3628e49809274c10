/**
 * The audit tests' ways of running `oss-encryption-audit`: the built command as a process, as
 * users run it, and in-process with captured streams and the ali-oss stores, where a test must act
 * between two of its requests or give it a terminal.
 */
import { execFile } from "node:child_process";
import { PassThrough } from "node:stream";
import type { AuditStores, AuditStoresFactory, CommandIo } from "../../provider/audit/auditCommand";
import { AliOssEncryptionStore } from "../../provider/oss/aliOssEncryptionStore";
import { AliOssObjectStore, type CopyLimits } from "../../provider/oss/aliOssObjectStore";
import { AUDIT_COMMAND, localAuditEnv } from "../../tooling/localAudit";

/** How a run of the built command ended, and what it printed. */
export interface CommandRun {
  readonly status: number | null;
  /** The signal that ended it: SIGTERM when it was killed at the timeout. */
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built command with `args` and `env`; killed after `timeoutMs`. */
export function runCommand(
  args: readonly string[],
  env: NodeJS.ProcessEnv = localAuditEnv(),
  timeoutMs = 60_000,
): Promise<CommandRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [AUDIT_COMMAND, ...args],
      // Output of any size is kept whole, so that a test can tell how large it was.
      { env, encoding: "utf8", maxBuffer: 1024 ** 3, timeout: timeoutMs },
      (_error, stdout, stderr) => {
        resolve({ status: child.exitCode, signal: child.signalCode, stdout, stderr });
      },
    );
  });
}

/** Resolves once `condition` holds, polling; fails after 30 s. */
export async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error("the awaited condition did not hold within 30 s");
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The command's streams, captured; a terminal when asked, answering its question with `answer`. */
export function capturedIo(options: { terminal?: boolean; answer?: string } = {}) {
  const terminal = options.terminal === true;
  const captured = () => {
    const stream = Object.assign(new PassThrough(), { isTTY: terminal });
    let text = "";
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString();
    });
    return { stream, text: () => text };
  };
  const stdout = captured();
  const stderr = captured();
  const stdin = Object.assign(new PassThrough(), { isTTY: terminal });
  if (options.answer !== undefined) {
    stdin.end(`${options.answer}\n`);
  }
  const io: CommandIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin,
    env: localAuditEnv(),
  };
  return { io, stdout: stdout.text, stderr: stderr.text };
}

/** The ali-oss stores, with a test acting at the adapter boundary. */
export function storesWith(hooks: {
  limits?: CopyLimits;
  afterList?: () => Promise<void>;
  beforeRewrite?: (key: string) => Promise<void>;
}): AuditStoresFactory {
  return (connection, bucket): AuditStores => {
    const objects = new AliOssObjectStore(connection, bucket, undefined, hooks.limits);
    return {
      rules: new AliOssEncryptionStore(connection),
      objects: {
        list: async (...args) => {
          const page = await objects.list(...args);
          await hooks.afterList?.();
          return page;
        },
        head: (key) => objects.head(key),
        versioning: () => objects.versioning(),
        rewrite: async (key, head, rule) => {
          await hooks.beforeRewrite?.(key);
          return objects.rewrite(key, head, rule);
        },
      },
    };
  };
}
