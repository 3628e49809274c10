import type { EncryptionRule } from "../core/encryptionRule";
import {
  conforms,
  encryptionLabel,
  encryptionOf,
  headersFor,
  type ObjectEncryption,
} from "./conformance";

const KMS_K1_SM4: EncryptionRule = {
  sseAlgorithm: "KMS",
  kmsMasterKeyId: "k1",
  kmsDataEncryption: "SM4",
};

describe("conforms", () => {
  it.each<[string, ObjectEncryption, EncryptionRule | undefined, boolean]>([
    ["AES256 under AES256", { sseAlgorithm: "AES256" }, { sseAlgorithm: "AES256" }, true],
    ["SM4 under AES256", { sseAlgorithm: "SM4" }, { sseAlgorithm: "AES256" }, false],
    ["no encryption under AES256", {}, { sseAlgorithm: "AES256" }, false],
    ["AES256 with no rule", { sseAlgorithm: "AES256" }, undefined, false],
    ["no encryption with no rule", {}, undefined, false],
    [
      "any KMS key under the KMS default key",
      { sseAlgorithm: "KMS", kmsMasterKeyId: "generated-default" },
      { sseAlgorithm: "KMS" },
      true,
    ],
    [
      "a KMS key with SM4 data under the KMS default key without",
      { sseAlgorithm: "KMS", kmsMasterKeyId: "k1", kmsDataEncryption: "SM4" },
      { sseAlgorithm: "KMS" },
      false,
    ],
    [
      "the named key with SM4 data",
      { sseAlgorithm: "KMS", kmsMasterKeyId: "k1", kmsDataEncryption: "SM4" },
      KMS_K1_SM4,
      true,
    ],
    [
      "another key",
      { sseAlgorithm: "KMS", kmsMasterKeyId: "k2", kmsDataEncryption: "SM4" },
      KMS_K1_SM4,
      false,
    ],
    [
      "the named key without SM4 data",
      { sseAlgorithm: "KMS", kmsMasterKeyId: "k1" },
      KMS_K1_SM4,
      false,
    ],
    ["KMS with no key id under a named key", { sseAlgorithm: "KMS" }, KMS_K1_SM4, false],
    ["a value OSS would not send", { sseAlgorithm: "aes256" }, { sseAlgorithm: "AES256" }, false],
  ])("%s: %s", (_case, object, rule, expected) => {
    expect(conforms(object, rule)).toBe(expected);
  });
});

describe("encryptionOf", () => {
  it("reads the three headers, leaving out the absent and the empty", () => {
    expect(
      encryptionOf({
        "x-oss-server-side-encryption": "KMS",
        "x-oss-server-side-encryption-key-id": "k1",
        "x-oss-server-side-data-encryption": "",
        etag: '"x"',
      }),
    ).toStrictEqual({ sseAlgorithm: "KMS", kmsMasterKeyId: "k1" });
    expect(encryptionOf({})).toStrictEqual({});
  });

  it("cuts a value longer than 1,024 characters, so that a report cannot grow with a header", () => {
    const long = "k".repeat(5_000);
    expect(
      encryptionOf({ "x-oss-server-side-encryption-key-id": long }).kmsMasterKeyId,
    ).toHaveLength(1_024);
  });
});

describe("encryptionLabel", () => {
  it.each<[ObjectEncryption, string]>([
    [{}, "none"],
    [{ sseAlgorithm: "SM4" }, "SM4"],
    [{ sseAlgorithm: "KMS" }, "KMS (default key)"],
    [
      { sseAlgorithm: "KMS", kmsMasterKeyId: "k1", kmsDataEncryption: "SM4" },
      "KMS (key k1, SM4 data)",
    ],
  ])("names %j %s", (object, label) => {
    expect(encryptionLabel(object)).toBe(label);
  });
});

describe("headersFor", () => {
  it("gives the rule's SSE headers, and only those it has", () => {
    expect(headersFor(KMS_K1_SM4)).toStrictEqual({
      "x-oss-server-side-encryption": "KMS",
      "x-oss-server-side-encryption-key-id": "k1",
      "x-oss-server-side-data-encryption": "SM4",
    });
    expect(headersFor({ sseAlgorithm: "AES256" })).toStrictEqual({
      "x-oss-server-side-encryption": "AES256",
    });
  });
});
