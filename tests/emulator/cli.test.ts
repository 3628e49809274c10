/**
 * The `oss-emulator` command: prints its endpoint first, serves OSS, takes fault flags and
 * credentials from flags, the environment or a file, and stops cleanly on SIGTERM and SIGINT.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { aliOssClient } from "../../tooling/aliOssClient";
import {
  killEmulatorProcesses,
  runEmulatorToExit,
  startEmulatorProcess,
} from "../support/emulatorProcess";
import { failureOf } from "../support/failures";

afterEach(killEmulatorProcesses);

describe("oss-emulator", () => {
  it.each<NodeJS.Signals>(["SIGTERM", "SIGINT"])(
    "prints its endpoint first, serves OSS and stops on %s with 0",
    async (signal) => {
      const started = await startEmulatorProcess([
        "--port",
        "0",
        "--access-key-id",
        "cli-key",
        "--access-key-secret",
        "cli-secret",
      ]);
      expect(started.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = aliOssClient(started.endpoint, {
        credential: { accessKeyId: "cli-key", accessKeySecret: "cli-secret" },
      });
      await expect(client.putBucket("from-cli")).resolves.toMatchObject({ res: { status: 200 } });
      await expect(started.stop(signal)).resolves.toBe(0);
    },
  );

  it("applies fault flags from the first request", async () => {
    const started = await startEmulatorProcess([
      "--fail",
      "PutBucket@only-this-bucket:1:AccessDenied:403",
      "--fail",
      "PutBucket:1:ServiceUnavailable",
      "--reset",
      "PutBucket:1",
    ]);
    const client = aliOssClient(started.endpoint);
    await expect(failureOf(client.putBucket("faulted"))).resolves.toMatchObject({
      status: 503,
      code: "ServiceUnavailable",
    });
    await expect(failureOf(client.putBucket("faulted"))).resolves.toMatchObject({ status: -1 });
    await expect(client.putBucket("faulted")).resolves.toMatchObject({ res: { status: 200 } });
    await expect(failureOf(client.putBucket("only-this-bucket"))).resolves.toMatchObject({
      status: 403,
      code: "AccessDenied",
    });
    await started.stop("SIGTERM");
  });

  it("applies fault flags to the copy and multipart operations by name", async () => {
    const started = await startEmulatorProcess([
      "--fail",
      "CopyObject:1:ServiceUnavailable",
      "--fail",
      "CompleteMultipartUpload:1:InternalError",
      "--reset",
      "UploadPartCopy:1",
      "--lose",
      "AbortMultipartUpload:1",
    ]);
    await aliOssClient(started.endpoint).putBucket("faulted");
    const client = aliOssClient(started.endpoint, { bucket: "faulted" });
    await client.put("a.txt", Buffer.from("a"));
    await expect(failureOf(client.copy("b.txt", "a.txt"))).resolves.toMatchObject({
      status: 503,
      code: "ServiceUnavailable",
    });
    const init = await client.initMultipartUpload("c.txt");
    const copyPart = () =>
      client.uploadPartCopy(
        "c.txt",
        init.uploadId,
        1,
        "0-0",
        { sourceKey: "a.txt", sourceBucketName: "faulted" },
        {},
      );
    await expect(failureOf(copyPart())).resolves.toMatchObject({ status: -1 });
    const part = await copyPart();
    const complete = () =>
      client.completeMultipartUpload("c.txt", init.uploadId, [{ number: 1, etag: part.etag }]);
    await expect(failureOf(complete())).resolves.toMatchObject({
      status: 500,
      code: "InternalError",
    });
    await expect(complete()).resolves.toMatchObject({ res: { status: 200 } });
    // Carried out, the answer lost: the second abort finds the upload gone.
    const other = await client.initMultipartUpload("d.txt");
    const abort = () => client.abortMultipartUpload("d.txt", other.uploadId);
    await expect(failureOf(abort())).resolves.toMatchObject({ status: -1 });
    await expect(failureOf(abort())).resolves.toMatchObject({ status: 404, code: "NoSuchUpload" });
    await started.stop("SIGTERM");
  });

  it("names a bad flag and exits with 2", async () => {
    const { code, errors } = await runEmulatorToExit(["--fail", "NoSuchOperation:1:InternalError"]);
    expect(code).toBe(2);
    expect(errors).toContain('oss-emulator: --fail: unknown operation "NoSuchOperation"');
    expect(errors).toContain("Usage: oss-emulator [options]");
  });

  it("takes its key pair from the ALIBABA_CLOUD_* environment, off the process list", async () => {
    const started = await startEmulatorProcess([], {
      ...process.env,
      ALIBABA_CLOUD_ACCESS_KEY_ID: "env-key",
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: "env-secret",
      ALIBABA_CLOUD_SECURITY_TOKEN: "env-token",
    });
    const client = aliOssClient(started.endpoint, {
      credential: {
        accessKeyId: "env-key",
        accessKeySecret: "env-secret",
        securityToken: "env-token",
      },
    });
    await expect(client.putBucket("from-env")).resolves.toMatchObject({ res: { status: 200 } });
    expect(readFileSync(`/proc/${started.child.pid}/cmdline`, "utf8")).not.toContain("env-secret");
    await started.stop("SIGTERM");
  });

  it("takes key pairs from a credentials file", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "credentials-")), "keys.json");
    writeFileSync(
      file,
      JSON.stringify([
        { accessKeyId: "file-key-1", accessKeySecret: "file-secret-1" },
        { accessKeyId: "file-key-2", accessKeySecret: "file-secret-2" },
      ]),
    );
    const started = await startEmulatorProcess(["--credentials-file", file]);
    for (const n of [1, 2]) {
      const client = aliOssClient(started.endpoint, {
        credential: { accessKeyId: `file-key-${n}`, accessKeySecret: `file-secret-${n}` },
      });
      await expect(client.putBucket(`from-file-${n}`)).resolves.toMatchObject({
        res: { status: 200 },
      });
    }
    await started.stop("SIGTERM");
  });

  it("prints the admin token it made, or takes one from OSS_EMULATOR_ADMIN_TOKEN and keeps it off the output", async () => {
    const made = await startEmulatorProcess([]);
    expect(await made.outputMatching(/admin token/)).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\naccess key id: oss-emulator-access-key-id\nadmin token: [0-9a-f]{32}\n$/,
    );
    const given = await startEmulatorProcess([], {
      ...process.env,
      OSS_EMULATOR_ADMIN_TOKEN: "given-admin-token",
    });
    expect(given.output()).not.toContain("given-admin-token");
    const stats = await fetch(`${given.endpoint}/_emulator/stats`, {
      headers: { authorization: "Bearer given-admin-token" },
    });
    expect(stats.status).toBe(200);
  });
});
