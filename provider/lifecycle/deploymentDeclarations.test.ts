import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DeclarationsUnavailableError,
  declarationsFolder,
  deploymentDeclarations,
  type DeploymentDeclarations,
  identityOf,
  machineProcesses,
  type ProcessIdentity,
  type ProcessTable,
} from "./deploymentDeclarations";

const ENGINE = "127.0.0.1:40123";
const LOGS = {
  urn: "urn:pulumi:test::project::ossencryption:index:BucketEncryption::logs",
  name: "logs",
  provider: "ossencryption plugin",
} as const;
const AUDIT = { ...LOGS, urn: LOGS.urn.replace("::logs", "::audit"), name: "audit" };

let home: string;
let folder: string;
let sleeper: ReturnType<typeof spawn> | undefined;

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "declarations-test-"));
  folder = join(home, "ossencryption-deployments");
});

afterEach(() => {
  sleeper?.kill();
  sleeper = undefined;
  rmSync(home, { recursive: true, force: true });
});

/** The machine's processes, as seen by the process `identity` (another process of the test). */
function processesOf(identity: ProcessIdentity): ProcessTable {
  return { self: () => identity, isRunning: (other) => machineProcesses.isRunning(other) };
}

/** A running process other than this one, for a second provider process of a deployment. */
function otherRunningProcess(): ProcessIdentity {
  sleeper = spawn("sleep", ["60"]);
  return identityOf(sleeper.pid as number);
}

/** The identity of a process that has ended. */
function endedProcess(): ProcessIdentity {
  return identityOf(spawnSync("true").pid);
}

/** The declarations of `identity`'s process in the deployment at `engine`. */
function declarationsOf(
  identity: ProcessIdentity = machineProcesses.self(),
  engine = ENGINE,
): DeploymentDeclarations {
  const declarations = deploymentDeclarations(engine, {
    folder,
    processes: processesOf(identity),
  });
  if (declarations === undefined) {
    throw new Error(`${engine} is not an engine address`);
  }
  return declarations;
}

/** What `declarations` finds elsewhere for `bucket`, with the warnings it gave. */
function lookUp(declarations: DeploymentDeclarations, bucket: string) {
  const warnings: string[] = [];
  const { resource, unread } = declarations.declaredElsewhere(bucket, (warning) =>
    warnings.push(warning),
  );
  return { found: resource, unread, warnings };
}

/** Writes a declarations file by hand, as a process of `header` would have. */
function plantFile(name: string, header: object, lines: readonly string[] = []): string {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const path = join(folder, name);
  writeFileSync(path, [JSON.stringify(header), ...lines, ""].join("\n"), { mode: 0o600 });
  return path;
}

function headerOf(identity: ProcessIdentity, engine = ENGINE): object {
  return { format: 2, engine, ...identity };
}

const LOGS_LINE = JSON.stringify({ bucket: "logs", resource: LOGS });

describe("deploymentDeclarations", () => {
  it("shows each process what the other running processes of its deployment declare, not its own", () => {
    const plugin = declarationsOf();
    const dynamic = declarationsOf(otherRunningProcess());
    plugin.declare("logs", LOGS);
    dynamic.declare("audit", AUDIT);
    expect([
      lookUp(dynamic, "logs").found,
      lookUp(plugin, "audit").found,
      lookUp(plugin, "logs").found,
      lookUp(dynamic, "audit").found,
      lookUp(plugin, "other").found,
    ]).toStrictEqual([LOGS, AUDIT, undefined, undefined, undefined]);
  });

  it("does not show another deployment's declarations", () => {
    declarationsOf(otherRunningProcess(), "127.0.0.1:40124").declare("logs", LOGS);
    expect(lookUp(declarationsOf(), "logs")).toStrictEqual({
      found: undefined,
      unread: [],
      warnings: [],
    });
  });

  it("makes the folder, closed to other users, at the first declaration only", () => {
    const declarations = declarationsOf();
    expect(lookUp(declarations, "logs").found).toBeUndefined();
    expect(existsSync(folder)).toBe(false);
    declarations.declare("logs", LOGS);
    expect(lstatSync(folder).mode & 0o777).toBe(0o700);
    const files = readdirSync(folder);
    expect(files).toHaveLength(1);
    expect(lstatSync(join(folder, files[0] as string)).mode & 0o777).toBe(0o600);
  });

  it("writes each file whole: a header naming its process, then one line per declaration", () => {
    const declarations = declarationsOf();
    declarations.declare("logs", LOGS);
    declarations.declare("logs", LOGS);
    declarations.declare("audit", AUDIT);
    const [name] = readdirSync(folder);
    expect(name).toMatch(/^127\.0\.0\.1_40123\.\d+\.[0-9a-f]{12}\.jsonl$/);
    expect(readFileSync(join(folder, name as string), "utf8").split("\n")).toStrictEqual([
      JSON.stringify(headerOf(machineProcesses.self())),
      LOGS_LINE,
      JSON.stringify({ bucket: "audit", resource: AUDIT }),
      "",
    ]);
  });

  it("ignores the declarations of an ended process, and sweeps its file at the next first declaration", () => {
    const ended = plantFile("127.0.0.1_40123.1.aaaa.jsonl", headerOf(endedProcess()), [LOGS_LINE]);
    expect(lookUp(declarationsOf(), "logs")).toStrictEqual({
      found: undefined,
      unread: [],
      warnings: [],
    });
    declarationsOf().declare("audit", AUDIT);
    expect(existsSync(ended)).toBe(false);
  });

  it("ignores a file whose pid now belongs to another process (another start time), and sweeps it", () => {
    const reused = plantFile(
      "127.0.0.1_40123.2.aaaa.jsonl",
      headerOf({ ...identityOf(process.ppid), started: "1" }),
      [LOGS_LINE],
    );
    expect(lookUp(declarationsOf(), "logs").found).toBeUndefined();
    declarationsOf().declare("audit", AUDIT);
    expect(existsSync(reused)).toBe(false);
  });

  it("ignores a file of an earlier boot of this machine", () => {
    plantFile(
      "127.0.0.1_40123.3.aaaa.jsonl",
      headerOf({ ...identityOf(process.ppid), boot: "0" }),
      [LOGS_LINE],
    );
    expect(lookUp(declarationsOf(), "logs").found).toBeUndefined();
  });

  it("leaves a file of another machine sharing the folder alone", () => {
    const foreign = plantFile(
      "127.0.0.1_40123.4.aaaa.jsonl",
      headerOf({ ...endedProcess(), host: "another-machine" }),
      [LOGS_LINE],
    );
    declarationsOf().declare("audit", AUDIT);
    expect([lookUp(declarationsOf(), "logs").found, existsSync(foreign)]).toStrictEqual([
      undefined,
      true,
    ]);
  });

  it.each([
    ["pid 0, which names a process group", 0],
    ["pid 1, which is always running", 1],
  ])("skips a file claiming %s, with a warning", (_case, pid) => {
    plantFile(`127.0.0.1_40123.${pid}.aaaa.jsonl`, headerOf({ ...identityOf(pid), pid }), [
      LOGS_LINE,
    ]);
    expect(lookUp(declarationsOf(), "logs")).toStrictEqual({
      found: undefined,
      unread: [
        `127.0.0.1_40123.${pid}.aaaa.jsonl (its header names pid ${pid}, which no provider process has)`,
      ],
      warnings: [
        `Skipped 127.0.0.1_40123.${pid}.aaaa.jsonl in ${folder}: its header names pid ${pid}, which no provider process has. Remove it; only BucketEncryption's provider processes write to that folder.`,
      ],
    });
  });

  it("skips each bad line with one warning, and still reads the good ones", () => {
    const other = otherRunningProcess();
    plantFile("127.0.0.1_40123.5.aaaa.jsonl", headerOf(other), [
      "null",
      "{not json",
      JSON.stringify({ bucket: "logs", resource: { urn: 1 } }),
      JSON.stringify({ bucket: "../x", resource: LOGS }),
      JSON.stringify({ bucket: "audit", resource: AUDIT }),
      LOGS_LINE,
    ]);
    const declarations = declarationsOf();
    const first = lookUp(declarations, "logs");
    expect(first.found).toStrictEqual(LOGS);
    expect(first.warnings).toStrictEqual(
      [2, 3, 4, 5].map(
        (line) =>
          `Skipped line ${line} of 127.0.0.1_40123.5.aaaa.jsonl in ${folder}: it is not a declaration. Its process still runs: a delete leaves its bucket's rule in place until the deployment ends.`,
      ),
    );
    const again = lookUp(declarations, "other");
    expect([again.found, again.unread.length, again.warnings]).toStrictEqual([undefined, 4, []]);
  });

  it("counts a last line without its newline as unread: its writer is writing it, or was cut short", () => {
    const path = plantFile("127.0.0.1_40123.6.aaaa.jsonl", headerOf(otherRunningProcess()));
    writeFileSync(path, `${readFileSync(path, "utf8")}${LOGS_LINE.slice(0, 20)}`);
    expect(lookUp(declarationsOf(), "logs")).toStrictEqual({
      found: undefined,
      unread: ["the last line of 127.0.0.1_40123.6.aaaa.jsonl (being written)"],
      warnings: [],
    });
  });

  it("ignores a process whose parent is no longer the engine that started it (orphaned by a killed engine)", () => {
    plantFile(
      "127.0.0.1_40123.8.aaaa.jsonl",
      headerOf({ ...otherRunningProcess(), parent: "1@1" }),
      [LOGS_LINE],
    );
    expect(lookUp(declarationsOf(), "logs")).toStrictEqual({
      found: undefined,
      unread: [],
      warnings: [],
    });
  });

  it("leaves a file of another pid namespace (another container) alone: its pids are not this one's", () => {
    const foreign = plantFile(
      "127.0.0.1_40123.9.aaaa.jsonl",
      headerOf({ ...endedProcess(), namespace: "pid:[1]" }),
      [LOGS_LINE],
    );
    declarationsOf().declare("audit", AUDIT);
    expect([lookUp(declarationsOf(), "logs").found, existsSync(foreign)]).toStrictEqual([
      undefined,
      true,
    ]);
  });

  it.each([
    [
      "a symbolic link",
      (path: string) => {
        const target = plantFile("target.txt", headerOf(otherRunningProcess()), [LOGS_LINE]);
        symlinkSync(target, path);
      },
      "it cannot be opened (ELOOP)",
    ],
    [
      "a folder",
      (path: string) => {
        mkdirSync(path);
      },
      "it is not a regular file",
    ],
  ])("skips %s named like a declarations file, with a warning", (_case, make, why) => {
    mkdirSync(folder, { mode: 0o700 });
    make(join(folder, "127.0.0.1_40123.7.aaaa.jsonl"));
    expect(lookUp(declarationsOf(), "logs")).toStrictEqual({
      found: undefined,
      unread: [`127.0.0.1_40123.7.aaaa.jsonl (${why})`],
      warnings: [
        `Skipped 127.0.0.1_40123.7.aaaa.jsonl in ${folder}: ${why}. Remove it; only BucketEncryption's provider processes write to that folder.`,
      ],
    });
  });

  it("makes its file again, with every declaration, when it is removed from under it", () => {
    const declarations = declarationsOf();
    declarations.declare("logs", LOGS);
    const [first] = readdirSync(folder);
    unlinkSync(join(folder, first as string));
    declarations.declare("audit", AUDIT);
    const other = declarationsOf(otherRunningProcess());
    expect([lookUp(other, "logs").found, lookUp(other, "audit").found]).toStrictEqual([
      LOGS,
      AUDIT,
    ]);
  });

  it("sweeps temporary files abandoned more than an hour ago, and no fresh one", () => {
    mkdirSync(folder, { mode: 0o700 });
    const old = join(folder, "127.0.0.1_1.9.aaaa.tmp");
    const fresh = join(folder, "127.0.0.1_1.9.bbbb.tmp");
    writeFileSync(old, "");
    writeFileSync(fresh, "");
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    declarationsOf().declare("logs", LOGS);
    expect([existsSync(old), existsSync(fresh)]).toStrictEqual([false, true]);
  });

  describe("refuses a folder it cannot trust, naming it and what to do", () => {
    const unavailable = (verb: string, reason: string) =>
      `Cannot ${verb} ${folder}, where the provider processes of a deployment share the buckets their resources declare: ${reason}. It must be a folder of this user's, closed to other users (chmod 700); remove or fix it, or set PULUMI_HOME to a folder of your own.`;

    it.each([
      [
        "a symbolic link",
        () => {
          mkdirSync(join(home, "elsewhere"), { mode: 0o700 });
          symlinkSync(join(home, "elsewhere"), folder);
        },
        "it is a symbolic link, not a folder",
      ],
      [
        "a file",
        () => {
          writeFileSync(folder, "");
        },
        "it is a file, not a folder",
      ],
      [
        "open to other users",
        () => {
          mkdirSync(folder);
          chmodSync(folder, 0o755);
        },
        "other users have access to it (mode 0755); it must be 0700",
      ],
    ])("%s", (_case, make, reason) => {
      make();
      expect(() => {
        declarationsOf().declare("logs", LOGS);
      }).toThrow(unavailable("write to", reason));
      expect(() => lookUp(declarationsOf(), "logs")).toThrow(unavailable("read", reason));
    });

    it("a Pulumi home that is a file", () => {
      writeFileSync(join(home, "file"), "");
      folder = join(home, "file", "ossencryption-deployments");
      expect(() => {
        declarationsOf().declare("logs", LOGS);
      }).toThrow(DeclarationsUnavailableError);
      expect(() => {
        declarationsOf().declare("logs", LOGS);
      }).toThrow(`Cannot write to ${folder}`);
    });
  });

  it("is made only for an engine address, and fails every use when given something else", () => {
    expect([
      deploymentDeclarations(undefined, { folder }),
      deploymentDeclarations("127.0.0.1:1234", { folder }) === undefined,
      deploymentDeclarations("[::1]:1234", { folder }) === undefined,
    ]).toStrictEqual([undefined, false, false]);
    const unreadable = deploymentDeclarations("--logtostderr", { folder });
    const message =
      "The provider process could not read the engine's address from its arguments (it found \"--logtostderr\", not host:port), so it cannot share the buckets its resources declare with the deployment's other provider processes. Start it as the Pulumi engine does: its flags, then its address.";
    expect(() => unreadable?.declare("logs", LOGS)).toThrow(message);
    expect(() => unreadable?.declaredElsewhere("logs", () => undefined)).toThrow(message);
  });

  it("withdraws its declarations when it closes", () => {
    const declarations = declarationsOf();
    declarations.declare("logs", LOGS);
    declarations.close();
    expect(readdirSync(folder)).toStrictEqual([]);
    expect(lookUp(declarationsOf(otherRunningProcess()), "logs").found).toBeUndefined();
  });

  it("makes its file again when it is removed, also at a declaration it made before", () => {
    const declarations = declarationsOf();
    declarations.declare("logs", LOGS);
    const [first] = readdirSync(folder);
    unlinkSync(join(folder, first as string));
    declarations.declare("logs", LOGS);
    expect(lookUp(declarationsOf(otherRunningProcess()), "logs").found).toStrictEqual(LOGS);
  });
});

describe("declarationsFolder's safety", () => {
  it("refuses a relative PULUMI_HOME, which names another folder for each working directory", () => {
    folder = join("relative-home", "ossencryption-deployments");
    expect(() => lookUp(declarationsOf(), "logs")).toThrow(
      "it is not an absolute path (PULUMI_HOME must be one)",
    );
  });

  it("counts a folder removed while the deployment ran as unavailable: the declarations in it went too", () => {
    const declarations = declarationsOf();
    declarationsOf(otherRunningProcess()).declare("logs", LOGS);
    expect(lookUp(declarations, "logs").found).toStrictEqual(LOGS);
    rmSync(folder, { recursive: true });
    expect(() => lookUp(declarations, "logs")).toThrow("it was removed while the deployment ran");
  });

  it("refuses a declaration the other processes would skip", () => {
    expect(() => {
      declarationsOf().declare("logs", { ...LOGS, name: "n".repeat(70_000) });
    }).toThrow("the resource's URN or name is too long to share");
  });

  it("refuses a folder whose parent other users may write to", () => {
    chmodSync(home, 0o777);
    expect(() => {
      declarationsOf().declare("logs", LOGS);
    }).toThrow(
      `other users could replace it: its parent folder ${home} belongs to uid ${String(process.getuid?.())} with mode 0777`,
    );
  });
});

describe("declarationsFolder", () => {
  it("is under PULUMI_HOME, else under ~/.pulumi", () => {
    expect(declarationsFolder({ PULUMI_HOME: "/srv/pulumi" })).toBe(
      "/srv/pulumi/ossencryption-deployments",
    );
    expect(declarationsFolder({})).toMatch(/\/\.pulumi\/ossencryption-deployments$/);
  });
});
