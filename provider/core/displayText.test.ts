import { escapedJson, printable, quoteKey, quoteText, redacted } from "./displayText";

describe("quoteText", () => {
  it("escapes the controls, invisible and bidirectional marks JSON leaves raw", () => {
    expect(quoteText("a\u009b2J\u007f\u202eb\u2028c\u200b\ufeff")).toBe(
      '"a\\u009b2J\\u007f\\u202eb\\u2028c\\u200b\\ufeff"',
    );
    expect(quoteText("plain ключ 🔑\n")).toBe('"plain ключ 🔑\\n"');
  });
});

describe("quoteKey", () => {
  it("cuts a key after 200 characters", () => {
    expect(quoteKey("k".repeat(250))).toBe(`"${"k".repeat(200)}…"`);
  });
});

describe("escapedJson", () => {
  it("writes the unsafe characters of JSON text as escapes, which parse back to them", () => {
    const value = { key: "a\u009bb\u202ec" };
    const json = escapedJson(JSON.stringify(value));
    expect(json).toBe('{"key":"a\\u009bb\\u202ec"}');
    expect(JSON.parse(json)).toStrictEqual(value);
  });
});

describe("printable", () => {
  it("shows control and bidirectional characters as ?, keeping tabs and new lines", () => {
    expect(printable("a\u001b[2Jb\u009bc\u202ed\te\nf")).toBe("a?[2Jb?c?d\te\nf");
  });
});

describe("redacted", () => {
  it("replaces a secret as it is, as quoted and as a long key is cut", () => {
    const long = `${"p".repeat(250)}/`;
    expect(redacted('prefix "a\\"b/" and a"b/x', ['a"b/'])).toBe('prefix "[secret]" and [secret]x');
    expect(redacted(`object ${quoteKey(`${long}plan.pdf`)}`, [long])).toBe('object "[secret]…"');
  });

  it("replaces in one pass, so that secrets made of the placeholder's letters leave it whole", () => {
    expect(redacted("the secret is hunter2", ["secret"])).toBe("the [secret] is hunter2");
    expect(redacted("access denied for c", ["c", "e"])).toBe(
      "a[secret][secret][secret]ss d[secret]ni[secret]d for [secret]",
    );
  });

  it("leaves text without secrets as it is", () => {
    expect(redacted("no secret here (.*)", [])).toBe("no secret here (.*)");
    expect(redacted("a (.*) b", ["(.*)"])).toBe("a [secret] b");
  });
});
