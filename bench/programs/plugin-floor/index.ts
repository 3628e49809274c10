/**
 * The plugin floor: N resources of the no-op plugin `benchnoop` (bench/noopPlugin.ts), with the
 * same inputs as the plugin program and the same properties as BucketEncryption registers (the
 * outputs it declares are part of what the engine and the SDK handle per resource). What the
 * engine and a plugin process cost by themselves for N resources of this shape.
 */
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const sseAlgorithm = config.require("sseAlgorithm");
const endpoint = config.require("endpoint");

/** The properties BucketEncryption registers besides these inputs: its other outputs, unset. */
const OTHER_OUTPUTS = {
  kmsMasterKeyId: undefined,
  kmsDataEncryption: undefined,
  region: undefined,
  signatureVersion: undefined,
  onExisting: undefined,
  onDelete: undefined,
  priorRule: undefined,
  location: undefined,
};

/** A resource served by the no-op plugin. */
class Noop extends pulumi.CustomResource {
  constructor(name: string, props: Record<string, unknown>) {
    super("benchnoop:index:Resource", name, props);
  }
}

for (let index = 0; index < count; index++) {
  new Noop(`bench-${index}`, {
    ...OTHER_OUTPUTS,
    bucket: `bench-${index}`,
    sseAlgorithm,
    endpoint,
  });
}
