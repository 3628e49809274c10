/**
 * The plugin process's start-up time — from spawning its executable to the port line the engine
 * waits for — as npm installs it, from the plugin archive, and for the no-op plugin floor; and
 * the plugin archive's size.
 */
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { REPOSITORY } from "../tooling/localStack";
import { packagePluginArchive, PLUGIN_EXECUTABLE } from "../tooling/pluginArchive";
import { log, type Summary, summarize, timed } from "./stats";

const SAMPLES = 10;

/** The no-op plugin floor's executable, built with the benchmark. */
export const NOOP_PLUGIN = join(REPOSITORY, "dist/bench/noopPlugin.js");

/** What the plugin start-up measurements found. */
export interface PluginStartupFigures {
  /** Milliseconds to the port line, per way of starting a plugin. */
  readonly startup: Record<string, number[]>;
  /** The plugin archive's file name and size in bytes. */
  readonly archive: { readonly name: string; readonly bytes: number };
}

/** Milliseconds from spawning `executable` (with this Node.js first on PATH) to its port line. */
async function startupMs(executable: string): Promise<number> {
  let child: ReturnType<typeof spawn> | undefined;
  const ms = await timed(
    () =>
      new Promise<void>((resolve, reject) => {
        child = spawn(executable, [], {
          env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
          stdio: ["ignore", "pipe", "inherit"],
        });
        child.stdout?.once("data", () => {
          resolve();
        });
        child.once("error", reject);
      }),
  );
  child?.kill();
  return ms;
}

/** Measures the start-up of each way to run a plugin, interleaved, and packs the archive. */
export async function measurePluginStartup(): Promise<PluginStartupFigures> {
  const folder = mkdtempSync(join(tmpdir(), "bench-plugin-"));
  try {
    const archive = await packagePluginArchive(folder);
    execFileSync("tar", ["--extract", "--gzip", `--file=${archive.path}`, `--directory=${folder}`]);
    chmodSync(NOOP_PLUGIN, 0o755);
    const executables: Record<string, string> = {
      "ossencryption, as npm installs it (node_modules/.bin)": join(
        REPOSITORY,
        "node_modules/.bin",
        PLUGIN_EXECUTABLE,
      ),
      "ossencryption, from the plugin archive (one bundled file)": join(folder, PLUGIN_EXECUTABLE),
      "the no-op plugin floor (same scaffolding)": NOOP_PLUGIN,
    };
    const startup: Record<string, number[]> = Object.fromEntries(
      Object.keys(executables).map((what) => [what, [] as number[]]),
    );
    for (let sample = 0; sample < SAMPLES; sample++) {
      for (const [what, executable] of Object.entries(executables)) {
        startup[what]?.push(await startupMs(executable));
      }
    }
    log(`Plugin archive: ${archive.bytes} bytes`);
    return {
      startup,
      archive: { name: archive.path.split("/").pop() ?? "", bytes: archive.bytes },
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The report's section on the plugin process. */
export function pluginStartupReport(figures: PluginStartupFigures): string[] {
  const cell = (summary: Summary) =>
    `${summary.median.toFixed(0)} (${summary.min.toFixed(0)}-${summary.max.toFixed(0)})`;
  return [
    "## The plugin process: start-up and archive",
    "",
    `From spawning the executable to the port line the engine waits for; ${SAMPLES} samples each, interleaved.`,
    "",
    "| plugin | median ms (min-max) |",
    "|---|---|",
    ...Object.entries(figures.startup).map(
      ([what, samples]) => `| ${what} | ${cell(summarize(samples))} |`,
    ),
    "",
    `The plugin archive \`${figures.archive.name}\` (\`npm run package:plugin\`): ${figures.archive.bytes} bytes (${(figures.archive.bytes / 2 ** 20).toFixed(2)} MiB).`,
    "",
  ];
}
