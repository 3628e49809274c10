import type { AuditReport } from "./bucketAudit";
import { summaryText } from "./auditOutput";

const REPORT: AuditReport = {
  bucket: "logs",
  prefix: "",
  rule: { sseAlgorithm: "SM4" },
  scanned: 2,
  conforming: 1,
  nonConforming: 1,
  vanished: 1,
  complete: true,
  byEncryption: [
    { encryption: "SM4", objects: 1, conforms: true },
    { encryption: "none", objects: 1, conforms: false },
  ],
  objects: [{ key: "a.txt" }],
  truncated: false,
  errors: [],
  fixed: 0,
};

describe("summaryText", () => {
  it("counts one object in the singular and others in the plural", () => {
    const text = summaryText(REPORT, false);
    expect(text).toContain("2 objects checked: 1 conforms, 1 does not.");
    expect(text).toContain("1 listed object was gone when checked.");
    expect(summaryText({ ...REPORT, scanned: 1, conforming: 0, vanished: 3 }, true)).toContain(
      "1 object checked: 0 conform, 1 does not; 0 re-encrypted.",
    );
  });
});
