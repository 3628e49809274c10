/**
 * The `oss-emulator` command: prints its endpoint first, serves OSS, takes fault flags, and stops
 * cleanly on SIGTERM and SIGINT. Runs the compiled program, as `npm test` builds it first.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { aliOssClient } from "../../scripts/aliOssClient";
import { failureOf } from "../support/failures";

const CLI = join(__dirname, "../../emulator/dist/cli.js");

interface Started {
  readonly child: ChildProcessWithoutNullStreams;
  readonly endpoint: string;
}

/** Every emulator process started, so that a failed test cannot leave one running. */
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const child of children.splice(0)) {
    child.kill("SIGKILL");
  }
});

async function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [CLI, ...args]);
  children.push(child);
  let output = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const [first] = output.split("\n");
      if (output.includes("\n") && first !== undefined) {
        resolve(first);
      }
    });
    child.once("exit", (code) => {
      reject(new Error(`oss-emulator exited with ${code}: ${output}`));
    });
  });
  return { child, endpoint };
}

async function stop(started: Started, signal: NodeJS.Signals): Promise<number | null> {
  const exited = once(started.child, "exit");
  started.child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}

describe("oss-emulator", () => {
  it.each<NodeJS.Signals>(["SIGTERM", "SIGINT"])(
    "prints its endpoint first, serves OSS and stops on %s with 0",
    async (signal) => {
      const started = await startCli([
        "--port",
        "0",
        "--access-key-id",
        "cli-key",
        "--access-key-secret",
        "cli-secret",
      ]);
      expect(started.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = aliOssClient(started.endpoint, {
        credential: { accessKeyId: "cli-key", accessKeySecret: "cli-secret" },
      });
      await expect(client.putBucket("from-cli")).resolves.toMatchObject({ res: { status: 200 } });
      await expect(stop(started, signal)).resolves.toBe(0);
    },
  );

  it("applies fault flags from the first request", async () => {
    const started = await startCli([
      "--fail",
      "PutBucket@only-this-bucket:1:AccessDenied:403",
      "--fail",
      "PutBucket:1:ServiceUnavailable",
      "--reset",
      "PutBucket:1",
    ]);
    const client = aliOssClient(started.endpoint);
    await expect(failureOf(client.putBucket("faulted"))).resolves.toMatchObject({
      status: 503,
      code: "ServiceUnavailable",
    });
    await expect(failureOf(client.putBucket("faulted"))).resolves.toMatchObject({ status: -1 });
    await expect(client.putBucket("faulted")).resolves.toMatchObject({ res: { status: 200 } });
    await expect(failureOf(client.putBucket("only-this-bucket"))).resolves.toMatchObject({
      status: 403,
      code: "AccessDenied",
    });
    await stop(started, "SIGTERM");
  });

  it("names a bad flag and exits with 2", async () => {
    const child = spawn(process.execPath, [CLI, "--fail", "NoSuchOperation:1:InternalError"]);
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    const [code] = (await once(child, "exit")) as [number];
    expect(code).toBe(2);
    expect(errors).toContain('oss-emulator: --fail: unknown operation "NoSuchOperation"');
    expect(errors).toContain("Usage: oss-emulator [options]");
  });
});
