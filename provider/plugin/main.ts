#!/usr/bin/env node
/**
 * `pulumi-resource-ossencryption`: the provider plugin's executable. The engine starts it with its
 * own address as the first argument and reads the port it serves on from the first line of output.
 * It needs Node.js 22 or later on PATH; an older one is named at once, before anything is loaded.
 */
const MINIMUM_NODE_MAJOR = 22;

const major = Number(process.versions.node.split(".")[0]);
if (major < MINIMUM_NODE_MAJOR) {
  process.stderr.write(
    `pulumi-resource-ossencryption needs Node.js ${MINIMUM_NODE_MAJOR} or later on PATH; found ${process.version} at ${process.execPath}.\n`,
  );
  process.exit(1);
}
// Loaded after the version check, so that an older Node.js fails with the message above.
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require("./serve") as typeof import("./serve")).serve(process.argv.slice(2));
