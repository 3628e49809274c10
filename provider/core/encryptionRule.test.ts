import {
  describeDifference,
  describeRule,
  type EncryptionRule,
  makeRule,
  rulesEqual,
} from "./encryptionRule";

describe("describeRule", () => {
  it.each<[EncryptionRule, string]>([
    [{ sseAlgorithm: "AES256" }, "AES256"],
    [{ sseAlgorithm: "SM4" }, "SM4"],
    [{ sseAlgorithm: "KMS" }, "KMS with the KMS-managed default key"],
    [{ sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" }, "KMS with a customer master key"],
    [
      { sseAlgorithm: "KMS", kmsDataEncryption: "SM4" },
      "KMS with the KMS-managed default key and SM4 data encryption",
    ],
    [
      { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1", kmsDataEncryption: "SM4" },
      "KMS with a customer master key and SM4 data encryption",
    ],
  ])("describes %j as %s, never printing a key id", (rule, words) => {
    expect(describeRule(rule)).toBe(words);
  });
});

describe("describeDifference", () => {
  it.each<[EncryptionRule, EncryptionRule, string]>([
    [
      { sseAlgorithm: "SM4" },
      { sseAlgorithm: "AES256" },
      "(SM4) that differs from the declared one (AES256)",
    ],
    [
      { sseAlgorithm: "KMS", kmsMasterKeyId: "key-9" },
      { sseAlgorithm: "KMS" },
      "(KMS with a customer master key) that differs from the declared one (KMS with the KMS-managed default key)",
    ],
    [
      { sseAlgorithm: "KMS", kmsMasterKeyId: "key-9" },
      { sseAlgorithm: "KMS", kmsMasterKeyId: "key-1" },
      "(KMS with a customer master key) with a key id other than the declared one's",
    ],
  ])("says how %j differs from %j: %s", (found, declared, words) => {
    expect(describeDifference(found, declared, "the declared one")).toBe(words);
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
