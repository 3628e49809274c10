import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploymentPeers } from "./deploymentPeers";

const ENGINE = "127.0.0.1:40123";
const PLUGIN_LOGS = {
  id: "urn:pulumi:test::project::ossencryption:index:BucketEncryption::logs",
  name: "logs",
  frontEnd: "ossencryption plugin",
};
const DYNAMIC = { id: "dynamic provider", frontEnd: "dynamic provider" };

/** A pid no process has: one of a process that has ended. */
function endedPid(): number {
  return spawnSync("true").pid;
}

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "peers-test-"));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("deploymentPeers", () => {
  it("shows each process what the other running processes of its deployment declare, not its own", () => {
    // Two processes of one deployment: this one, and the one that started it.
    const plugin = deploymentPeers(ENGINE, root, process.pid);
    const dynamic = deploymentPeers(ENGINE, root, process.ppid);
    plugin?.publish("logs", PLUGIN_LOGS);
    dynamic?.publish("audit", DYNAMIC);
    expect([
      dynamic?.declarerOf("logs"),
      plugin?.declarerOf("audit"),
      plugin?.declarerOf("logs"),
      dynamic?.declarerOf("audit"),
      plugin?.declarerOf("other"),
    ]).toStrictEqual([PLUGIN_LOGS, DYNAMIC, undefined, undefined, undefined]);
  });

  it("keeps deployments apart by the engine's address", () => {
    deploymentPeers(ENGINE, root, process.ppid)?.publish("logs", PLUGIN_LOGS);
    expect(deploymentPeers("127.0.0.1:40124", root, process.pid)?.declarerOf("logs")).toBe(
      undefined,
    );
  });

  it("ignores and removes the declarations of a process that has ended", () => {
    const pid = endedPid();
    deploymentPeers(ENGINE, root, pid)?.publish("logs", PLUGIN_LOGS);
    const folder = join(root, "127.0.0.1_40123");
    expect(readdirSync(folder)).toStrictEqual([`${pid}.jsonl`]);
    expect(deploymentPeers(ENGINE, root, process.pid)?.declarerOf("logs")).toBeUndefined();
    expect(readdirSync(folder)).toStrictEqual([]);
  });

  it("starts afresh where an ended process of an earlier deployment had its pid", () => {
    const folder = join(root, "127.0.0.1_40123");
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, `${process.ppid}.jsonl`),
      `${JSON.stringify({ bucket: "logs", declarer: DYNAMIC })}\n`,
    );
    deploymentPeers(ENGINE, root, process.ppid);
    expect(deploymentPeers(ENGINE, root, process.pid)?.declarerOf("logs")).toBeUndefined();
  });

  it("leaves no folder behind for a process that declares nothing", () => {
    const peers = deploymentPeers(ENGINE, root, process.pid);
    expect(peers?.declarerOf("logs")).toBeUndefined();
    expect(readdirSync(root)).toStrictEqual([]);
  });

  it("removes the folders of ended deployments at its first declaration, not a new one still empty", () => {
    deploymentPeers("127.0.0.1:50001", root, process.ppid)?.publish("logs", PLUGIN_LOGS);
    deploymentPeers("127.0.0.1:50000", root, endedPid())?.publish("logs", PLUGIN_LOGS);
    // Just made by a process that has not yet written its first declaration.
    mkdirSync(join(root, "127.0.0.1_50002"));
    mkdirSync(join(root, "127.0.0.1_50003"));
    const longAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(root, "127.0.0.1_50003"), longAgo, longAgo);
    const peers = deploymentPeers(ENGINE, root, process.pid);
    expect(readdirSync(root).length).toBe(4);
    peers?.publish("audit", PLUGIN_LOGS);
    expect(readdirSync(root).sort()).toStrictEqual([
      "127.0.0.1_40123",
      "127.0.0.1_50001",
      "127.0.0.1_50002",
    ]);
  });

  it("skips a line still being written", () => {
    const folder = join(root, "127.0.0.1_40123");
    mkdirSync(folder);
    const peers = deploymentPeers(ENGINE, root, process.pid);
    writeFileSync(
      join(folder, `${process.ppid}.jsonl`),
      `${JSON.stringify({ bucket: "logs", declarer: DYNAMIC })}\n{"bucket":"aud`,
    );
    expect([peers?.declarerOf("logs"), peers?.declarerOf("aud")]).toStrictEqual([
      DYNAMIC,
      undefined,
    ]);
  });

  it("fails naming the folder and what to do when it cannot write there", () => {
    writeFileSync(join(root, "not-a-folder"), "");
    const folder = join(root, "not-a-folder", "127.0.0.1_40123");
    expect(() => deploymentPeers(ENGINE, join(root, "not-a-folder"), process.pid)).toThrow(
      `Cannot tell the deployment's other provider processes which buckets this one declares, through ${folder}: ENOTDIR: not a directory, lstat '${join(folder, `${process.pid}.jsonl`)}'. Make the system's temporary folder writable (or set TMPDIR to a writable folder).`,
    );
  });

  it("fails its first declaration naming the folder and what to do when it cannot make it", () => {
    const peers = deploymentPeers(ENGINE, join(root, "not-a-folder"), process.pid);
    writeFileSync(join(root, "not-a-folder"), "");
    const folder = join(root, "not-a-folder", "127.0.0.1_40123");
    expect(() => peers?.publish("logs", PLUGIN_LOGS)).toThrow(
      `Cannot tell the deployment's other provider processes which buckets this one declares, through ${folder}: ENOTDIR: not a directory, mkdir '${folder}'. Make the system's temporary folder writable (or set TMPDIR to a writable folder).`,
    );
  });

  it("is none for a process that serves no engine", () => {
    expect([
      deploymentPeers(undefined, root),
      deploymentPeers("tests/e2e/identity.test.ts", root),
      deploymentPeers("", root),
    ]).toStrictEqual([undefined, undefined, undefined]);
    expect(existsSync(join(root, "127.0.0.1_40123"))).toBe(false);
  });
});
