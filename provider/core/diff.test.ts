import { changesRule, diffInputs } from "./diff";
import { type BucketEncryptionInputs, type BucketEncryptionOutputs, UNKNOWN_VALUE } from "./inputs";

const STORED: BucketEncryptionOutputs = {
  bucket: "logs",
  sseAlgorithm: "KMS",
  kmsMasterKeyId: "key-1",
  region: "cn-hangzhou",
  signatureVersion: "v4",
  onExisting: "overwrite",
  onDelete: "remove",
  priorRule: { sseAlgorithm: "AES256" },
};

const { priorRule: _priorRule, ...DECLARED } = STORED;

function withChange(change: Partial<Record<keyof BucketEncryptionInputs, string | undefined>>) {
  return { ...DECLARED, ...change } as BucketEncryptionInputs;
}

describe("diffInputs", () => {
  it("finds no change when the declared inputs equal the stored outputs", () => {
    expect(diffInputs(STORED, DECLARED)).toStrictEqual({ changed: [], replaces: [] });
  });

  it.each<
    [string, Partial<Record<keyof BucketEncryptionInputs, string | undefined>>, string[], boolean]
  >([
    [
      "a new algorithm",
      { sseAlgorithm: "AES256", kmsMasterKeyId: undefined },
      ["sseAlgorithm", "kmsMasterKeyId"],
      true,
    ],
    ["a new key id", { kmsMasterKeyId: "key-2" }, ["kmsMasterKeyId"], true],
    ["a removed key id", { kmsMasterKeyId: undefined }, ["kmsMasterKeyId"], true],
    ["added data encryption", { kmsDataEncryption: "SM4" }, ["kmsDataEncryption"], true],
    ["a new region", { region: "cn-shanghai" }, ["region"], false],
    ["a new endpoint", { endpoint: "http://127.0.0.1:9000" }, ["endpoint"], false],
    ["a new signature version", { signatureVersion: "v1" }, ["signatureVersion"], false],
    ["a new onExisting", { onExisting: "fail" }, ["onExisting"], false],
    ["a new onDelete", { onDelete: "restore" }, ["onDelete"], false],
  ])("updates in place for %s", (_case, change, changed, rewritesRule) => {
    const diff = diffInputs(STORED, withChange(change));
    expect(diff).toStrictEqual({ changed, replaces: [] });
    expect(changesRule(diff)).toBe(rewritesRule);
  });

  it("replaces for a new bucket", () => {
    expect(diffInputs(STORED, withChange({ bucket: "audit" }))).toStrictEqual({
      changed: ["bucket"],
      replaces: ["bucket"],
    });
  });

  it("counts an unknown bucket as a replacement and an unknown key id as a rule change", () => {
    const diff = diffInputs(
      STORED,
      withChange({ bucket: UNKNOWN_VALUE, kmsMasterKeyId: UNKNOWN_VALUE }),
    );
    expect(diff).toStrictEqual({ changed: ["bucket", "kmsMasterKeyId"], replaces: ["bucket"] });
    expect(changesRule(diff)).toBe(true);
  });

  it("ignores the stored prior rule", () => {
    expect(
      diffInputs({ ...STORED, priorRule: { sseAlgorithm: "SM4" } }, DECLARED).changed,
    ).toStrictEqual([]);
  });
});
