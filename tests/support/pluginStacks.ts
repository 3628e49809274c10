/**
 * What the provider plugin's end-to-end tests share across TypeScript, YAML and Go programs:
 * the stack config that points the default `ossencryption` provider at a local OSS endpoint,
 * and how to read the writes it received.
 */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { DEFAULT_CREDENTIAL, type OssEmulator } from "local-oss-endpoint";

/** The secret the tests give the provider: it must appear in no state file and no output. */
export const PROVIDER_SECRET = DEFAULT_CREDENTIAL.accessKeySecret;

/** Stack config for the default provider: the endpoint, a region, and the key pair as secrets. */
export function pluginConfig(oss: OssEmulator): ConfigMap {
  return {
    "ossencryption:endpoint": { value: oss.endpoint },
    "ossencryption:region": { value: "cn-hangzhou" },
    "ossencryption:accessKey": { value: DEFAULT_CREDENTIAL.accessKeyId, secret: true },
    "ossencryption:secretKey": { value: PROVIDER_SECRET, secret: true },
  };
}

const WRITES = ["PutBucketEncryption", "DeleteBucketEncryption"];

/** The writes the emulator received since its counters were last cleared, by operation. */
export function writes(oss: OssEmulator): Record<string, number> {
  return Object.fromEntries(
    Object.entries(oss.counts()).filter(([operation]) => WRITES.includes(operation)),
  );
}
