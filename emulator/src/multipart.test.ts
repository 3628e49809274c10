import { createHash } from "node:crypto";
import { multipartEtag, parseCompleteRequest } from "./multipart";
import { OssError } from "./ossError";

describe("multipartEtag", () => {
  it("is the MD5 of the parts' binary MD5s, hex, then - and the number of parts", () => {
    const parts = ["first part", "second part"].map((text) =>
      createHash("md5").update(text).digest(),
    );
    const expected = createHash("md5").update(Buffer.concat(parts)).digest("hex");
    expect(multipartEtag(parts.map((md5) => md5.toString("hex")))).toBe(`${expected}-2`);
  });
});

describe("parseCompleteRequest", () => {
  it("reads the parts as ali-oss writes them, quotes taken off the ETags", () => {
    expect(
      parseCompleteRequest(
        '<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload>\n<Part>\n<PartNumber>1</PartNumber>\n<ETag>"AB"</ETag>\n</Part>\n<Part>\n<PartNumber>3</PartNumber>\n<ETag>&quot;CD&quot;</ETag>\n</Part>\n</CompleteMultipartUpload>',
      ),
    ).toStrictEqual([
      { number: 1, etag: "AB" },
      { number: 3, etag: "CD" },
    ]);
  });

  it.each([
    ["no parts", "<CompleteMultipartUpload></CompleteMultipartUpload>"],
    ["another root", "<Complete><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part></Complete>"],
    [
      "a part without an ETag",
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
    ],
    [
      "a part number that is not one",
      "<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>",
    ],
    [
      "an element other than Part",
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>x</ETag></Part><Other/></CompleteMultipartUpload>",
    ],
  ])("answers MalformedXML for %s", (_case, body) => {
    expect(() => parseCompleteRequest(body)).toThrow(
      expect.objectContaining({ status: 400, code: "MalformedXML" }) as OssError,
    );
  });
});
