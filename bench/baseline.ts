/**
 * `npm run bench -- baseline <git ref>`: this checkout's package beside the one built from an
 * earlier commit, timed alternately in one run — whether a change made either resource slower.
 * For each of the dynamic and the plugin resource, N = 200 resources go through up, no-change
 * preview, refresh and destroy, the two builds' runs alternating; the table gives the medians and
 * their ratio (this checkout over the baseline).
 *
 * The baseline is checked out into a temporary worktree and built there with this checkout's
 * node_modules (so both builds load the same dependencies); nothing is left behind.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalStack, REPOSITORY } from "../tooling/localStack";
import type { PulumiCli } from "../tooling/pulumiCli";
import { emulatorWithBuckets, stackConfig } from "./benchStacks";
import { log, type Summary, summarize, timed } from "./stats";

const COUNT = 200;
const REPEATS = 5;
const PARALLELISM = 16;
const OPERATIONS = ["up", "preview", "refresh", "destroy"] as const;
type Operation = (typeof OPERATIONS)[number];

/** The resources compared, each by its benchmark program. */
const RESOURCES = {
  dynamic: "bench/programs/bucket-encryption",
  plugin: "bench/programs/plugin",
} as const;

/** Checks `ref` out into a temporary worktree and builds the package there; returns its folder. */
function buildBaseline(ref: string, folder: string): string {
  const checkout = join(folder, "checkout");
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: REPOSITORY, stdio: ["ignore", "ignore", "inherit"] });
  git("worktree", "add", "--detach", checkout, ref);
  symlinkSync(join(REPOSITORY, "node_modules"), join(checkout, "node_modules"), "dir");
  execFileSync(
    process.execPath,
    [join(REPOSITORY, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    { cwd: checkout, stdio: "inherit" },
  );
  return checkout;
}

/** Times the four operations of one fresh stack of `program` with the package at `root`. */
async function lifecycle(
  cli: PulumiCli,
  program: string,
  root: string,
): Promise<Record<Operation, number>> {
  const oss = await emulatorWithBuckets(COUNT);
  const local = await createLocalStack({
    cli,
    program,
    stackName: "bench",
    transpileOnly: true,
    packageRoot: root,
    config: stackConfig(oss, COUNT),
  });
  try {
    const { stack } = local;
    return {
      up: await timed(() => stack.up({ parallel: PARALLELISM })),
      preview: await timed(() => stack.preview({ parallel: PARALLELISM })),
      refresh: await timed(() => stack.refresh({ parallel: PARALLELISM })),
      destroy: await timed(() => stack.destroy({ parallel: PARALLELISM })),
    };
  } finally {
    local.dispose();
    await oss.close();
  }
}

/** Measures this checkout against `ref` and returns the report's lines (markdown). */
export async function compareWithBaseline(cli: PulumiCli, ref: string): Promise<string[]> {
  const folder = mkdtempSync(join(tmpdir(), "bench-baseline-"));
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", ref], {
      cwd: REPOSITORY,
      encoding: "utf8",
    }).trim();
    log(`Building the baseline ${ref} (${commit})`);
    const baseline = buildBaseline(ref, folder);
    const builds = { current: REPOSITORY, baseline } as const;
    const samples: Record<string, Record<string, Record<Operation, number[]>>> = {};
    for (const [resource, program] of Object.entries(RESOURCES)) {
      const of = (samples[resource] = {
        current: { up: [], preview: [], refresh: [], destroy: [] },
        baseline: { up: [], preview: [], refresh: [], destroy: [] },
      } as Record<string, Record<Operation, number[]>>);
      for (let repeat = 0; repeat < REPEATS; repeat++) {
        // Alternate which build goes first, so that neither always runs on a warmer machine.
        const order =
          repeat % 2 === 0
            ? (["current", "baseline"] as const)
            : (["baseline", "current"] as const);
        for (const build of order) {
          log(`Timing ${resource}, ${build}, N = ${COUNT}, run ${repeat + 1} of ${REPEATS}`);
          const times = await lifecycle(cli, program, builds[build]);
          for (const operation of OPERATIONS) {
            of[build]?.[operation].push(times[operation]);
          }
        }
      }
    }
    const cell = (summary: Summary) =>
      `${(summary.median / 1000).toFixed(2)} (${(summary.min / 1000).toFixed(2)}-${(summary.max / 1000).toFixed(2)})`;
    return [
      `## This checkout against ${ref} (${commit})`,
      "",
      `\`npm run bench -- baseline ${ref}\`, ${new Date().toISOString()}: N = ${COUNT} resources, parallelism ${PARALLELISM}, ${REPEATS} runs of each build, alternating; medians in seconds (min-max).`,
      "",
      "| resource | operation | this checkout s | baseline s | this / baseline |",
      "|---|---|---|---|---|",
      ...Object.entries(samples).flatMap(([resource, builds]) =>
        OPERATIONS.map((operation) => {
          const current = summarize(builds.current?.[operation] ?? []);
          const before = summarize(builds.baseline?.[operation] ?? []);
          return `| ${resource} | ${operation} | ${cell(current)} | ${cell(before)} | ${(current.median / before.median).toFixed(2)} |`;
        }),
      ),
      "",
    ];
  } finally {
    execFileSync("git", ["worktree", "remove", "--force", join(folder, "checkout")], {
      cwd: REPOSITORY,
      stdio: "ignore",
    });
    rmSync(folder, { recursive: true, force: true });
  }
}
