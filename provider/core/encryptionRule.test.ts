import { describeRule, type EncryptionRule, makeRule, rulesEqual } from "./encryptionRule";

describe("describeRule", () => {
  it.each<[EncryptionRule, string]>([
    [{ sseAlgorithm: "AES256" }, "AES256"],
    [{ sseAlgorithm: "SM4" }, "SM4"],
    [{ sseAlgorithm: "KMS" }, "KMS with the KMS-managed default key"],
    [{ sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" }, 'KMS with key "key-1"'],
    [
      { sseAlgorithm: "KMS", kmsDataEncryption: "SM4" },
      "KMS with the KMS-managed default key and SM4 data encryption",
    ],
    [
      { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1", kmsDataEncryption: "SM4" },
      'KMS with key "key-1" and SM4 data encryption',
    ],
  ])("describes %j as %s", (rule, words) => {
    expect(describeRule(rule)).toBe(words);
  });
});

describe("rulesEqual", () => {
  it.each<[EncryptionRule, EncryptionRule, boolean]>([
    [{ sseAlgorithm: "AES256" }, { sseAlgorithm: "AES256" }, true],
    [{ sseAlgorithm: "AES256" }, { sseAlgorithm: "SM4" }, false],
    [{ sseAlgorithm: "KMS" }, { sseAlgorithm: "KMS", kmsMasterKeyId: "k" }, false],
    [
      { sseAlgorithm: "KMS", kmsMasterKeyId: "k" },
      { sseAlgorithm: "KMS", kmsMasterKeyId: "k" },
      true,
    ],
    [
      { sseAlgorithm: "KMS", kmsMasterKeyId: "k" },
      { sseAlgorithm: "KMS", kmsMasterKeyId: "j" },
      false,
    ],
    [{ sseAlgorithm: "KMS" }, { sseAlgorithm: "KMS", kmsDataEncryption: "SM4" }, false],
  ])("compares %j with %j as %s", (a, b, equal) => {
    expect(rulesEqual(a, b)).toBe(equal);
    expect(rulesEqual(b, a)).toBe(equal);
  });
});

describe("makeRule", () => {
  it("leaves out undefined optional fields", () => {
    expect(makeRule("KMS", undefined, "SM4")).toStrictEqual({
      sseAlgorithm: "KMS",
      kmsDataEncryption: "SM4",
    });
    expect(Object.keys(makeRule("AES256"))).toStrictEqual(["sseAlgorithm"]);
  });
});
