/**
 * What `oss-encryption-audit` prints: the JSON document, the summary table, the lines of what a
 * fix changed, and the progress line a terminal shows while it runs.
 */
import type { EncryptionRule } from "../core/encryptionRule";
import { escapedJson, printable, quoteText } from "../core/displayText";
import { LISTED_OBJECTS_LIMIT, type AuditProgress, type AuditReport } from "./bucketAudit";
import { encryptionLabel, type ObjectEncryption } from "./conformance";

/** How many non-conforming objects the summary names; `--json` lists more. */
const SUMMARY_OBJECTS = 20;

/** How often the progress line is redrawn. */
const PROGRESS_INTERVAL_MS = 250;

/** A whole number with thousands separators, as the summary shows counts. */
function count(value: number): string {
  return value.toLocaleString("en-US");
}

/**
 * The report as one JSON document: an absent rule or algorithm is null, and `fixed` is there
 * only when the run fixed.
 */
export function reportJson(report: AuditReport, fix: boolean): string {
  const { fixed, rule, objects, ...rest } = report;
  // Escaped as a terminal needs, should the document be shown rather than read by a program.
  return `${escapedJson(
    JSON.stringify(
      {
        bucket: rest.bucket,
        prefix: rest.prefix,
        rule: rule ?? null,
        scanned: rest.scanned,
        conforming: rest.conforming,
        nonConforming: rest.nonConforming,
        ...(fix ? { fixed } : {}),
        vanished: rest.vanished,
        complete: rest.complete,
        byEncryption: rest.byEncryption,
        objects: objects.map((object) => ({
          ...object,
          sseAlgorithm: object.sseAlgorithm ?? null,
        })),
        truncated: rest.truncated,
        errors: rest.errors,
      },
      null,
      2,
    ),
  )}\n`;
}

/** A table of `rows` with left-aligned columns, the first row a header. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) =>
    Math.max(...rows.map((row) => row[column]?.length ?? 0)),
  );
  return rows
    .map((row) =>
      row
        .map((text, column) => text.padEnd(widths?.[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The summary a terminal or a log shows. */
export function summaryText(report: AuditReport, fix: boolean): string {
  const scope = report.prefix === "" ? "" : ` under ${quoteText(report.prefix)}`;
  const lines = [
    `Bucket ${report.bucket}${scope}: default encryption ${report.rule === undefined ? "none (no object can conform)" : encryptionLabel(report.rule)}.`,
    "",
  ];
  if (report.byEncryption.length > 0) {
    lines.push(
      table([
        ["encryption", "objects", "conforms"],
        ...report.byEncryption.map((entry) => [
          printable(entry.encryption),
          count(entry.objects),
          entry.conforms ? "yes" : "no",
        ]),
      ]),
      "",
    );
  }
  const fixedNote = fix ? `; ${count(report.fixed)} re-encrypted` : "";
  lines.push(
    `${count(report.scanned)} ${report.scanned === 1 ? "object" : "objects"} checked: ${count(report.conforming)} ${report.conforming === 1 ? "conforms" : "conform"}, ${count(report.nonConforming)} ${report.nonConforming === 1 ? "does" : "do"} not${fixedNote}.`,
  );
  if (report.vanished > 0) {
    lines.push(
      `${count(report.vanished)} listed ${report.vanished === 1 ? "object was" : "objects were"} gone when checked.`,
    );
  }
  if (!report.complete) {
    lines.push("The audit did not reach the end of the listing: more objects may follow.");
  }
  const unfixed = report.objects.filter((object) => object.fixed !== true);
  if (unfixed.length > 0) {
    const listed = unfixed.slice(0, SUMMARY_OBJECTS);
    lines.push(
      "",
      fix ? "Not re-encrypted:" : "Not conforming:",
      ...listed.map(
        (object) => `  ${quoteText(object.key)}  ${printable(encryptionLabel(object))}`,
      ),
    );
    const more = report.nonConforming - report.fixed - listed.length;
    if (more > 0) {
      lines.push(
        `  … and ${count(more)} more (--json lists up to ${count(LISTED_OBJECTS_LIMIT)}).`,
      );
    }
  }
  if (report.errors.length > 0) {
    lines.push(
      "",
      "Failures:",
      ...report.errors.map(
        (failure) =>
          `  ${failure.key === undefined ? "" : `${quoteText(failure.key)}: `}${printable(failure.message)}`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The line that says what a fix changed. */
export function fixedLine(key: string, from: ObjectEncryption, to: EncryptionRule): string {
  return `re-encrypted ${quoteText(key)}: ${printable(encryptionLabel(from))} -> ${printable(encryptionLabel(to))}\n`;
}

/** A writable terminal stream, as the progress line needs it. */
export interface TerminalStream {
  write(text: string): unknown;
}

/**
 * The progress line on a terminal: objects listed, checked and non-conforming, and the rate,
 * redrawn in place. Other lines are written through `above`, so they do not run into it.
 */
export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();
  private shown = false;

  constructor(
    private readonly terminal: TerminalStream,
    private readonly progress: AuditProgress,
    private readonly fix: boolean,
  ) {}

  /** Starts redrawing. */
  start(): void {
    this.timer = setInterval(() => {
      this.draw();
    }, PROGRESS_INTERVAL_MS);
    this.timer.unref();
  }

  /** Writes a whole line above the progress line. */
  above(write: () => void): void {
    this.clear();
    write();
    this.draw();
  }

  /** Stops redrawing and clears the line. */
  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }

  private draw(): void {
    const { listed, checked, nonConforming, fixed } = this.progress;
    const seconds = Math.max(0.001, (Date.now() - this.started) / 1000);
    const fixedNote = this.fix ? ` · re-encrypted ${count(fixed)}` : "";
    this.terminal.write(
      `\rlisted ${count(listed)} · checked ${count(checked)} · not conforming ${count(nonConforming)}${fixedNote} · ${count(Math.round(checked / seconds))}/s`,
    );
    this.shown = true;
  }

  private clear(): void {
    if (this.shown) {
      this.terminal.write("\r\x1b[K");
      this.shown = false;
    }
  }
}
