/**
 * What the benchmark's stacks share: an emulator holding the benchmark programs' buckets, and
 * the stack config that points every program at it.
 */
import type { ConfigMap } from "@pulumi/pulumi/automation";
import type { OssEmulator } from "local-oss-endpoint";
import {
  emulatorConfig,
  pluginEmulatorConfig,
  startEmulatorWithBuckets,
} from "../tooling/localStack";

/** An emulator with buckets bench-0 ... bench-(count-1), as the benchmark programs name them. */
export function emulatorWithBuckets(count: number): Promise<OssEmulator> {
  return startEmulatorWithBuckets(Array.from({ length: count }, (_, index) => `bench-${index}`));
}

/** The same config for every program: the count, the rule, both providers' config. */
export function stackConfig(oss: OssEmulator, count: number): ConfigMap {
  return {
    count: { value: String(count) },
    sseAlgorithm: { value: "AES256" },
    ...emulatorConfig(oss),
    ...pluginEmulatorConfig(oss),
  };
}
