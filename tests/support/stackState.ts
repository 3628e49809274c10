/**
 * Assertions that compare a stack's state with what the emulator holds, and that no credential
 * leaked anywhere a user or an attacker could read it.
 */
import type { EmulatorCredential, OssEmulator, StoredRule } from "local-oss-endpoint";
import type { TestStack } from "./pulumiStack";

/** The rule fields of a resource's outputs, as the emulator stores a rule. */
function ruleOfOutputs(outputs: Record<string, unknown>): StoredRule {
  return {
    sseAlgorithm: outputs.sseAlgorithm as StoredRule["sseAlgorithm"],
    ...(outputs.kmsMasterKeyId === undefined
      ? {}
      : { kmsMasterKeyId: outputs.kmsMasterKeyId as string }),
    ...(outputs.kmsDataEncryption === undefined ? {} : { kmsDataEncryption: "SM4" as const }),
  };
}

/**
 * Nothing lost, nothing phantom: every BucketEncryption in the state has exactly the rule the
 * emulator holds for its bucket, and every one of `buckets` that has a rule in the emulator has a
 * resource in the state.
 */
export async function expectStateMatchesEmulator(
  test: TestStack,
  oss: OssEmulator,
  buckets: readonly string[],
): Promise<void> {
  const inState = new Map(
    (await test.bucketEncryptions()).map((resource) => [
      resource.id,
      ruleOfOutputs(resource.outputs),
    ]),
  );
  const inEmulator = new Map(
    buckets.flatMap((bucket) => {
      const rule = oss.bucket(bucket)?.rule;
      return rule === undefined ? [] : [[bucket, rule] as const];
    }),
  );
  expect(Object.fromEntries(inState)).toStrictEqual(Object.fromEntries(inEmulator));
}

/** Pulumi's signature of a secret value in an exported state. */
const SECRET_SIGNATURE = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/**
 * A secret output of an exported state, as `{ secret: <its plaintext, parsed> }`, so that a test
 * asserts both that it is secret and what it holds; a value that is not secret is returned as it
 * is, so a test expecting a secret fails on it.
 */
export function secretOutput(value: unknown): unknown {
  if (
    typeof value === "object" &&
    value !== null &&
    Object.entries(SECRET_SIGNATURE).every(
      ([key, signature]) => (value as Record<string, unknown>)[key] === signature,
    )
  ) {
    const { plaintext } = value as { plaintext?: string };
    return { secret: plaintext === undefined ? undefined : (JSON.parse(plaintext) as unknown) };
  }
  return value;
}

/** The secret parts of a credential: the AccessKey secret and the STS token. */
export function secretsOf(credential: EmulatorCredential): string[] {
  return [
    credential.accessKeySecret,
    ...(credential.securityToken === undefined ? [] : [credential.securityToken]),
  ];
}

/**
 * No secret in the state file on disk, in anything the CLI printed, or in the bodies the emulator
 * logged.
 */
export function expectNoSecretLeaked(
  test: TestStack,
  oss: OssEmulator,
  secrets: readonly string[],
): void {
  const places = {
    "the state file": test.stateFileText(),
    "the CLI output": test.output.join(""),
    "the emulator's request log": JSON.stringify(oss.requests()),
  };
  for (const [place, text] of Object.entries(places)) {
    for (const secret of secrets) {
      expect({ place, leaked: text.includes(secret) }).toStrictEqual({ place, leaked: false });
    }
  }
}
