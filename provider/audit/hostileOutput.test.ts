/**
 * What `oss-encryption-audit` prints on a terminal, attacked with object keys and prefixes that
 * hold the control characters `printable` exists for: C1 controls (U+009B is CSI, which terminals
 * that honour 8-bit controls read as ESC [) and DEL. Keys are shown through JSON.stringify, which
 * escapes U+0000 to U+001F only.
 */
import type { AuditReport } from "./bucketAudit";
import { fixedLine, summaryText } from "./auditOutput";

/** C1 controls and DEL, which `printable` replaces in messages and labels. */
const RAW_CONTROL = /[\u007f-\u009f]/;

/** A key that clears the screen where 8-bit controls are honoured (CSI 2 J), and one with DEL. */
const HOSTILE_KEYS = ["\u009b2J\u009b1;1Hall objects conform", "del\u007fete"];

function report(overrides: Partial<AuditReport>): AuditReport {
  return {
    bucket: "logs",
    prefix: "",
    rule: { sseAlgorithm: "SM4" },
    scanned: 2,
    conforming: 0,
    nonConforming: 2,
    vanished: 0,
    complete: true,
    byEncryption: [{ encryption: "none", objects: 2, conforms: false }],
    objects: HOSTILE_KEYS.map((key) => ({ key })),
    truncated: false,
    errors: [],
    fixed: 0,
    ...overrides,
  };
}

describe("terminal output with hostile keys", () => {
  it("shows no raw C1 control or DEL of a key in the summary's list of objects", () => {
    expect(summaryText(report({}), false)).not.toMatch(RAW_CONTROL);
  });

  it("shows no raw C1 control or DEL of a key in a failure line", () => {
    const text = summaryText(
      report({ objects: [], errors: HOSTILE_KEYS.map((key) => ({ key, message: "failed" })) }),
      false,
    );
    expect(text).not.toMatch(RAW_CONTROL);
  });

  it("shows no raw C1 control or DEL of the prefix in the summary's first line", () => {
    expect(summaryText(report({ prefix: "\u009b2J", objects: [] }), false)).not.toMatch(
      RAW_CONTROL,
    );
  });

  it("shows no raw C1 control or DEL of a key in the line of a fix", () => {
    for (const key of HOSTILE_KEYS) {
      expect(fixedLine(key, {}, { sseAlgorithm: "SM4" })).not.toMatch(RAW_CONTROL);
    }
  });
});
