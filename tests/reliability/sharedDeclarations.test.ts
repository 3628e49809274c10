/**
 * The folder where a deployment's provider processes share the buckets they declare, through real
 * plugin processes: another local user (a second uid, so these tests need root) can neither
 * steer it nor plant anything in it, and what the plugin cannot trust makes a check fail and a
 * delete leave the rule; the plugin starts whatever its environment; many deployments declare
 * at once beside stale files without a failure.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { DEFAULT_CREDENTIAL, type OssEmulator } from "local-oss-endpoint";
import { identityOf } from "../../provider/lifecycle/deploymentDeclarations";
import { secret } from "../../provider/plugin/secrets";
import { aliOssClient } from "../../tooling/aliOssClient";
import { REPOSITORY, startEmulatorWithBuckets } from "../../tooling/localStack";
import { type FakeEngine, startFakeEngine } from "../support/fakeEngine";
import { type PluginProcess, startPluginProcess } from "../support/pluginProcess";

jest.setTimeout(60_000);

/** The second local user: any uid other than this one's works, none needs to exist. */
const OTHER_UID = 4242;
const IS_ROOT = process.getuid?.() === 0;
if (!IS_ROOT) {
  // Printed, not silent: these tests are skipped, and why.
  console.warn(
    `Skipping the tests with a second local user: running a process as uid ${OTHER_UID} needs root, and this run's uid is ${String(process.getuid?.())}.`,
  );
}
const describeWithSecondUser = IS_ROOT ? describe : describe.skip;

const URN = "urn:pulumi:test::project::ossencryption:index:BucketEncryption::logs";
const FOLDER_NAME = "ossencryption-deployments";

const struct = (values: Record<string, unknown>) =>
  structproto.Struct.fromJavaScript(values as Record<string, structproto.JavaScriptValue>);

/** Runs a Node script as the other user; resolves with what it printed. */
function runAsOtherUser(script: string): string {
  const result = spawnSync(process.execPath, ["-e", script], {
    uid: OTHER_UID,
    gid: OTHER_UID,
    cwd: "/",
    env: {},
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`the other user's script failed: ${result.stderr}`);
  }
  return result.stdout.trim();
}

let oss: OssEmulator;
let engine: FakeEngine;
let work: string;
let plugin: PluginProcess | undefined;

beforeEach(async () => {
  oss = await startEmulatorWithBuckets(["logs"]);
  engine = await startFakeEngine();
  work = mkdtempSync(join(tmpdir(), "shared-declarations-"));
});

afterEach(async () => {
  plugin?.stop();
  plugin = undefined;
  engine.close();
  await oss.close();
  rmSync(work, { recursive: true, force: true });
});

/** Starts the plugin as the engine does, with `home` as its Pulumi home, and configures it. */
async function startPlugin(home: string, env: Record<string, string> = {}): Promise<PluginProcess> {
  plugin = await startPluginProcess(["--logtostderr", "-v=9", engine.address], {
    PULUMI_HOME: home,
    ...env,
  });
  const configure = new provproto.ConfigureRequest();
  configure.setArgs(
    struct({
      endpoint: oss.endpoint,
      region: "cn-hangzhou",
      accessKey: secret(DEFAULT_CREDENTIAL.accessKeyId),
      secretKey: secret(DEFAULT_CREDENTIAL.accessKeySecret),
    }),
  );
  await plugin.rpc.configure(configure);
  return plugin;
}

const LOGS = {
  bucket: "logs",
  sseAlgorithm: "AES256",
  signatureVersion: "v4",
  onExisting: "overwrite",
  onDelete: "remove",
};

/** The failures of a check of the resource `logs`. */
async function checkFailures(running: PluginProcess): Promise<string[]> {
  const request = new provproto.CheckRequest();
  request.setUrn(URN);
  request.setName("logs");
  request.setNews(struct(LOGS));
  const response = await running.rpc.check(request);
  return response.getFailuresList().map((failure) => failure.getReason());
}

/** Deletes the resource `logs`, whose rule OSS holds. */
async function deleteLogs(running: PluginProcess): Promise<void> {
  await aliOssClient(oss.endpoint).putBucketEncryption("logs", { SSEAlgorithm: "AES256" });
  const request = new provproto.DeleteRequest();
  request.setUrn(URN);
  request.setId("logs");
  request.setProperties(struct(LOGS));
  await running.rpc.delete(request);
}

/** A Pulumi home every user may write to, as a shared temporary folder is. */
function sharedHome(): string {
  chmodSync(work, 0o755);
  const home = join(work, "shared");
  mkdirSync(home);
  chmodSync(home, 0o1777);
  return home;
}

describeWithSecondUser("another local user (uid 4242)", () => {
  it("can neither write, link nor remove anything in the folder a plugin makes", async () => {
    const home = join(work, "home");
    mkdirSync(home, { mode: 0o755 });
    const running = await startPlugin(home);
    expect(await checkFailures(running)).toStrictEqual([]);
    const folder = join(home, FOLDER_NAME);
    const [own] = readdirSync(folder);
    const attempts = runAsOtherUser(`
      const fs = require("node:fs");
      const codes = [];
      for (const attempt of [
        () => fs.writeFileSync(${JSON.stringify(join(folder, "127.0.0.1_1.1.aaaa.jsonl"))}, "x"),
        () => fs.symlinkSync("/etc/passwd", ${JSON.stringify(join(folder, "link.jsonl"))}),
        () => fs.unlinkSync(${JSON.stringify(join(folder, own ?? ""))}),
        () => fs.readdirSync(${JSON.stringify(folder)}),
      ]) {
        try { attempt(); codes.push("done"); } catch (error) { codes.push(error.code); }
      }
      console.log(codes.join(" "));
    `);
    expect(attempts).toBe("EACCES EACCES EACCES EACCES");
    expect(readdirSync(folder)).toStrictEqual([own]);
  });

  it("who made the folder first in a shared Pulumi home cannot steer it: checks fail naming it, deletes leave the rule", async () => {
    const home = sharedHome();
    const folder = join(home, FOLDER_NAME);
    runAsOtherUser(`
      const fs = require("node:fs");
      fs.mkdirSync(${JSON.stringify(folder)}, { mode: 0o777 });
      fs.chmodSync(${JSON.stringify(folder)}, 0o777);
      fs.writeFileSync(${JSON.stringify(join(folder, "127.0.0.1_1.1.aaaa.jsonl"))}, '{"format":1}\\n');
    `);
    const running = await startPlugin(home);
    expect(await checkFailures(running)).toStrictEqual([
      `Cannot write to ${folder}, where the provider processes of a deployment share the buckets their resources declare: it belongs to the user with uid ${OTHER_UID}, not to this user (uid 0). It must be a folder of this user's, closed to other users (chmod 700); remove or fix it, or set PULUMI_HOME to a folder of your own.`,
    ]);
    oss.clearRequests();
    await deleteLogs(running);
    expect(oss.bucket("logs")?.rule).toStrictEqual({ sseAlgorithm: "AES256" });
    expect(oss.counts()).toStrictEqual({ PutBucketEncryption: 1 });
    expect(engine.messages).toStrictEqual([
      `warning: Bucket "logs": its rule is left in place, because whether another resource of this deployment now declares the bucket is unknown. Cannot read ${folder}, where the provider processes of a deployment share the buckets their resources declare: it belongs to the user with uid ${OTHER_UID}, not to this user (uid 0). It must be a folder of this user's, closed to other users (chmod 700); remove or fix it, or set PULUMI_HOME to a folder of your own. If no resource declares the bucket, remove its rule by hand.`,
    ]);
  });

  it("who put a link in place of the folder cannot make the plugin write through it", async () => {
    const home = sharedHome();
    const victims = join(work, "victims-folder");
    mkdirSync(victims, { mode: 0o700 });
    writeFileSync(join(victims, "notes.txt"), "mine");
    runAsOtherUser(
      `require("node:fs").symlinkSync(${JSON.stringify(victims)}, ${JSON.stringify(join(home, FOLDER_NAME))});`,
    );
    const running = await startPlugin(home);
    expect(await checkFailures(running)).toStrictEqual([
      expect.stringContaining("it is a symbolic link, not a folder"),
    ]);
    expect(readdirSync(victims)).toStrictEqual(["notes.txt"]);
  });
});

describe("the plugin process", () => {
  it("starts and serves whatever its environment: a Pulumi home and a TMPDIR that are files, no HOME", async () => {
    const file = join(work, "file");
    writeFileSync(file, "");
    const running = await startPlugin(file, { TMPDIR: file });
    expect((await running.rpc.getPluginInfo()).getVersion()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await checkFailures(running)).toStrictEqual([
      expect.stringContaining(`Cannot write to ${join(file, FOLDER_NAME)}`),
    ]);
  });

  it("reads the engine's address after the engine's flags, and logs to that engine", async () => {
    const running = await startPlugin(join(work, "home"));
    await aliOssClient(oss.endpoint).putBucketEncryption("logs", { SSEAlgorithm: "SM4" });
    const create = new provproto.CreateRequest();
    create.setUrn(URN);
    create.setProperties(struct(LOGS));
    await running.rpc.create(create);
    expect(engine.messages).toStrictEqual([
      'info: Bucket "logs": replaced the default encryption rule SM4 with AES256; it is kept as priorRule.',
    ]);
  });
});

describe("many deployments declaring at once", () => {
  it("all succeed beside stale files of ended processes, whose files are swept", async () => {
    const home = join(work, "home");
    const folder = join(home, FOLDER_NAME);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const ended = spawnSync("true").pid;
    for (let index = 0; index < 5; index++) {
      writeFileSync(
        join(folder, `127.0.0.1_${41000 + index}.${ended}.aaaa.jsonl`),
        `${JSON.stringify({ format: 2, engine: `127.0.0.1:${41000 + index}`, ...identityOf(process.pid), boot: "0", pid: ended, started: "1" })}\n`,
      );
    }
    const module = join(REPOSITORY, "dist/provider/lifecycle/deploymentDeclarations.js");
    const declareOnce = (port: number) =>
      new Promise<string>((resolve) => {
        const child = spawn(
          process.execPath,
          [
            "-e",
            `
            const { deploymentDeclarations } = require(${JSON.stringify(module)});
            const declarations = deploymentDeclarations("127.0.0.1:${port}", { folder: ${JSON.stringify(folder)} });
            try {
              declarations.declare("logs", { urn: "urn:pulumi:s::p::t::logs", name: "logs", provider: "ossencryption plugin" });
              console.log("declared");
            } catch (error) {
              console.log(error.message);
            }
            `,
          ],
          { stdio: ["ignore", "pipe", "inherit"] },
        );
        let output = "";
        child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
        child.on("close", () => {
          resolve(output.trim());
        });
      });
    const outcomes = await Promise.all(
      Array.from({ length: 36 }, (_, index) => declareOnce(41000 + index)),
    );
    expect(outcomes.filter((outcome) => outcome !== "declared")).toStrictEqual([]);
    const names = readdirSync(folder);
    expect(names.filter((name) => name.includes(`.${ended}.aaaa.`))).toStrictEqual([]);
    expect(names.filter((name) => name.endsWith(".tmp"))).toStrictEqual([]);
  });
});
