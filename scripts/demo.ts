/**
 * `npm run demo`: the project's main job, end to end, on the local OSS endpoint.
 *
 * Starts the emulator, creates a bucket, deploys the repository's root Pulumi program with the
 * real Pulumi CLI, shows that OSS now encrypts an uploaded object by default, changes the rule
 * behind Pulumi's back, shows `pulumi refresh` catching the drift, repairs it with `pulumi up`,
 * audits the objects with `oss-encryption-audit` (an object written during the drift keeps its
 * AES256) and re-encrypts it with `--fix`, and destroys. Exits 0 only when every step did what it
 * claims.
 */
import { execFile } from "node:child_process";
import { type OssEmulator, startOssEmulator, type StoredRule } from "local-oss-endpoint";
import { aliOssClient } from "../tooling/aliOssClient";
import { AUDIT_COMMAND, localAuditEnv } from "../tooling/localAudit";
import { createLocalStack, emulatorConfig, type LocalStack } from "../tooling/localStack";
import { ensurePulumiCli } from "../tooling/pulumiCli";

const BUCKET = "demo-bucket";
const STACK = "demo";
const CMK = "demo-cmk-0001";

/** A step that did not do what it claims. */
class StepFailed extends Error {}

const started = Date.now();
let stepNumber = 0;

function step(title: string): void {
  stepNumber += 1;
  console.log(`\n${stepNumber}. ${title}`);
}

function show(line: string): void {
  console.log(`   ${line}`);
}

function check(condition: boolean, claim: string): void {
  if (!condition) {
    throw new StepFailed(claim);
  }
  show(`ok: ${claim}`);
}

function describe(rule: StoredRule | undefined): string {
  if (rule === undefined) {
    return "no rule";
  }
  return [rule.sseAlgorithm, rule.kmsMasterKeyId, rule.kmsDataEncryption]
    .filter((part) => part !== undefined)
    .join(" / ");
}

/** Runs the built `oss-encryption-audit` on the demo bucket, as a pipeline would: its exit code and output. */
function audit(oss: OssEmulator, ...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [AUDIT_COMMAND, "--bucket", BUCKET, "--endpoint", oss.endpoint, ...args],
      {
        env: localAuditEnv(),
        encoding: "utf8",
      },
      (_error, stdout) => {
        resolve({ code: child.exitCode ?? -1, stdout });
      },
    );
  });
}

/** The lines of Pulumi's output that show resource changes, indented for the demo. */
function changeLines(output: string): string[] {
  return output
    .split("\n")
    .filter((line) => /BucketEncryption|^\s+[~+-]\s|=>/.test(line))
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
}

async function main(): Promise<void> {
  step("Get the Pulumi CLI (built once from the Go module proxy, then cached)");
  const cli = await ensurePulumiCli((line) => {
    show(line);
  });
  show(`Pulumi CLI ${cli.version} (${cli.source})`);

  step("Start the local OSS endpoint and create a bucket");
  const oss: OssEmulator = await startOssEmulator();
  let local: LocalStack | undefined;
  try {
    const client = aliOssClient(oss.endpoint, { bucket: BUCKET });
    await client.putBucket(BUCKET);
    show(`endpoint ${oss.endpoint}, bucket ${BUCKET}`);
    check(
      oss.bucket(BUCKET) !== undefined && oss.bucket(BUCKET)?.rule === undefined,
      `${BUCKET} exists with no encryption rule`,
    );

    local = await createLocalStack({
      cli,
      program: ".",
      inPlace: true,
      stackName: STACK,
      config: {
        bucket: { value: BUCKET },
        sseAlgorithm: { value: "KMS" },
        kmsMasterKeyId: { value: CMK },
        ...emulatorConfig(oss),
      },
    });
    const { stack } = local;

    step(`pulumi up: declare KMS encryption with CMK ${CMK} for ${BUCKET}`);
    const up = await stack.up();
    changeLines(up.stdout).forEach(show);
    check(
      up.summary.resourceChanges?.create === 2,
      "Pulumi created the stack and the BucketEncryption",
    );
    check(describe(oss.bucket(BUCKET)?.rule) === `KMS / ${CMK}`, `OSS holds KMS / ${CMK}`);

    step("Upload an object without encryption headers");
    const put = await client.put("report.csv", Buffer.from("quarter,revenue\nQ3,42\n"));
    const headers = put.res.headers as Record<string, string | undefined>;
    show(`x-oss-server-side-encryption: ${headers["x-oss-server-side-encryption"] ?? "(none)"}`);
    show(
      `x-oss-server-side-encryption-key-id: ${headers["x-oss-server-side-encryption-key-id"] ?? "(none)"}`,
    );
    check(
      headers["x-oss-server-side-encryption"] === "KMS" &&
        headers["x-oss-server-side-encryption-key-id"] === CMK,
      "OSS encrypted it by default with the declared CMK",
    );

    step("Change the rule behind Pulumi's back (AES256, as an operator might in the console)");
    await client.putBucketEncryption(BUCKET, { SSEAlgorithm: "AES256" });
    check(describe(oss.bucket(BUCKET)?.rule) === "AES256", "OSS now holds AES256");
    await client.put("during-drift.csv", Buffer.from("written while the rule was AES256\n"));
    show("an object uploaded now, during-drift.csv, is encrypted with AES256");

    step("pulumi refresh: catch the drift");
    const refresh = await stack.refresh();
    changeLines(refresh.stdout).forEach(show);
    check(
      refresh.summary.resourceChanges?.update === 1,
      "refresh reported the BucketEncryption as changed",
    );
    const outputs = await stack.outputs();
    const state = (await stack.exportStack()).deployment as {
      resources: { type: string; outputs: Record<string, unknown> }[];
    };
    const recorded = state.resources.find((resource) =>
      resource.type.endsWith(":BucketEncryption"),
    )?.outputs;
    check(
      recorded?.sseAlgorithm === "AES256" && recorded.kmsMasterKeyId === undefined,
      "the state now records what OSS holds: AES256",
    );
    show(
      `(the stack output rule still shows ${JSON.stringify(outputs.rule?.value)} until the next up)`,
    );

    step("pulumi up: repair the drift");
    const repair = await stack.up();
    changeLines(repair.stdout).forEach(show);
    check(repair.summary.resourceChanges?.update === 1, "up updated the BucketEncryption in place");
    check(describe(oss.bucket(BUCKET)?.rule) === `KMS / ${CMK}`, `OSS holds KMS / ${CMK} again`);

    step(
      "oss-encryption-audit: is the data encrypted as declared? (the rule covers new writes only)",
    );
    const found = await audit(oss);
    found.stdout.trimEnd().split("\n").forEach(show);
    check(found.code === 1, "the audit exits 1: during-drift.csv does not conform to KMS / " + CMK);

    step("oss-encryption-audit --fix --yes: re-encrypt it in place, then audit again");
    const fixed = await audit(oss, "--fix", "--yes");
    fixed.stdout
      .split("\n")
      .filter((line) => line.startsWith("re-encrypted"))
      .forEach(show);
    const again = await audit(oss, "--json");
    check(fixed.code === 0 && again.code === 0, "every object now conforms: the audit exits 0");

    step("pulumi destroy");
    await client.deleteMulti(["report.csv", "during-drift.csv"]);
    const destroy = await stack.destroy();
    check(
      destroy.summary.resourceChanges?.delete === 2,
      "destroy deleted the BucketEncryption and the stack's resources",
    );
    check(oss.bucket(BUCKET)?.rule === undefined, `${BUCKET} has no encryption rule any more`);
    await stack.workspace.removeStack(STACK);

    const calls = Object.entries(oss.counts())
      .map(([operation, count]) => `${operation} ${count}`)
      .join(", ");
    console.log(
      `\nDemo passed in ${Math.round((Date.now() - started) / 1000)} s. OSS calls: ${calls}.`,
    );
  } finally {
    await oss.close();
    local?.dispose();
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof StepFailed
      ? `step failed: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  console.error(`\nDemo FAILED: ${message}`);
  process.exit(1);
});
