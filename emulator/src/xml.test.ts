import { MalformedXmlError, parseXml, xmlDocument } from "./xml";

describe("parseXml", () => {
  it("reads nested elements, text and entities after a declaration", () => {
    expect(
      parseXml(
        '<?xml version="1.0" encoding="UTF-8"?>\n<A>\n  <B>x &amp; y &#65;&#x42;</B>\n  <C/>\n  <D attr="1">z</D>\n</A>\n',
      ),
    ).toStrictEqual({
      name: "A",
      text: "",
      children: [
        { name: "B", text: "x & y AB", children: [] },
        { name: "C", text: "", children: [] },
        { name: "D", text: "z", children: [] },
      ],
    });
  });

  it.each([
    ["an empty document", ""],
    ["text only", "hello"],
    ["an unclosed element", "<A><B>x</B>"],
    ["mismatched tags", "<A><B>x</C></A>"],
    ["a longer closing name", "<A><B>x</BB></A>"],
    ["two roots", "<A/><B/>"],
    ["a bare ampersand", "<A>x & y</A>"],
    ["an unknown entity", "<A>&nbsp;</A>"],
    ["mixed text and elements", "<A>x<B/></A>"],
    ["a comment", "<A><!-- c --></A>"],
    ["a DOCTYPE", '<!DOCTYPE A [<!ENTITY e "x">]><A>&e;</A>'],
  ])("refuses %s", (_case, text) => {
    expect(() => parseXml(text)).toThrow(MalformedXmlError);
  });
});

describe("xmlDocument", () => {
  it("writes nested fields, repeats arrays and leaves out undefined values", () => {
    expect(
      xmlDocument("R", { A: "x<y", B: undefined, C: { D: 1 }, E: [{ F: "1" }, { F: "2" }] }),
    ).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<R><A>x&lt;y</A><C><D>1</D></C><E><F>1</F></E><E><F>2</F></E></R>',
    );
  });
});
