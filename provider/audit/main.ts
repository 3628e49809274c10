#!/usr/bin/env node
/**
 * `oss-encryption-audit`: the audit command's executable (see `auditCommand.ts`). It needs
 * Node.js 22 or later; an older one is named at once, before anything is loaded. The first
 * Ctrl-C stops the run after the objects in flight, which still prints what was found; a second
 * one quits at once.
 */
const MINIMUM_NODE_MAJOR = 22;

const major = Number(process.versions.node.split(".")[0]);
if (major < MINIMUM_NODE_MAJOR) {
  process.stderr.write(
    `oss-encryption-audit needs Node.js ${MINIMUM_NODE_MAJOR} or later; found ${process.version} at ${process.execPath}.\n`,
  );
  process.exit(2);
}

const interruption = new AbortController();
process.on("SIGINT", () => {
  if (interruption.signal.aborted) {
    process.exit(130);
  }
  process.stderr.write(
    "\noss-encryption-audit: stopping after the objects in flight; Ctrl-C again to quit now.\n",
  );
  interruption.abort();
});
// Output piped into a command that stops reading (`| head`) is not an error of the audit.
process.stdout.on("error", () => undefined);

// Loaded after the version check, so that an older Node.js fails with the message above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require("./auditCommand") as typeof import("./auditCommand"))
  .runAuditCommand(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    signal: interruption.signal,
  })
  .then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(
        `oss-encryption-audit: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 2;
    },
  );
