import type { EncryptionRule } from "../core/encryptionRule";
import { ruleFromBody, ruleToXml } from "./ruleXml";

const WRAP = (inner: string) =>
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  `<ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault>${inner}</ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>`;

describe("ruleToXml", () => {
  it.each<[EncryptionRule, string]>([
    [{ sseAlgorithm: "AES256" }, "<SSEAlgorithm>AES256</SSEAlgorithm>"],
    [{ sseAlgorithm: "SM4" }, "<SSEAlgorithm>SM4</SSEAlgorithm>"],
    [{ sseAlgorithm: "KMS" }, "<SSEAlgorithm>KMS</SSEAlgorithm>"],
    [
      { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" },
      "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>key-1</KMSMasterKeyID>",
    ],
    [
      { sseAlgorithm: "KMS", kmsDataEncryption: "SM4" },
      "<SSEAlgorithm>KMS</SSEAlgorithm><KMSDataEncryption>SM4</KMSDataEncryption>",
    ],
    [
      { sseAlgorithm: "KMS", kmsMasterKeyId: "a&b<c>", kmsDataEncryption: "SM4" },
      "<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>a&amp;b&lt;c&gt;</KMSMasterKeyID><KMSDataEncryption>SM4</KMSDataEncryption>",
    ],
  ])("writes %j with only the elements set", (rule, inner) => {
    expect(ruleToXml(rule)).toBe(WRAP(inner));
  });
});

describe("ruleFromBody", () => {
  it.each<[string, unknown, EncryptionRule]>([
    [
      "an AES256 rule",
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
      { sseAlgorithm: "AES256" },
    ],
    [
      "an empty key id element as absent",
      { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "KMS", KMSMasterKeyID: "" } },
      { sseAlgorithm: "KMS" },
    ],
    [
      "a full KMS rule",
      {
        ApplyServerSideEncryptionByDefault: {
          SSEAlgorithm: "KMS",
          KMSMasterKeyID: "k",
          KMSDataEncryption: "SM4",
        },
      },
      { sseAlgorithm: "KMS", kmsMasterKeyId: "k", kmsDataEncryption: "SM4" },
    ],
  ])("reads %s", (_case, body, rule) => {
    expect(ruleFromBody(body, "logs")).toStrictEqual(rule);
  });

  it("names the bucket when the body is empty", () => {
    expect(() => ruleFromBody(null, "logs")).toThrow(
      'GetBucketEncryption on bucket "logs" returned a rule this provider does not understand (body: Invalid input: expected object, received null).',
    );
  });

  it("names the bucket and the element it does not understand", () => {
    expect(() =>
      ruleFromBody({ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "RSA" } }, "logs"),
    ).toThrow(
      'GetBucketEncryption on bucket "logs" returned a rule this provider does not understand (ApplyServerSideEncryptionByDefault.SSEAlgorithm: Invalid option: expected one of "AES256"|"KMS"|"SM4").',
    );
  });
});
