/**
 * The engine floor: N dynamic resources whose provider does nothing, with the same inputs as the
 * measured program and the same properties as BucketEncryption registers (the outputs it declares
 * are part of what the engine and the SDK handle per resource). What the engine costs by itself
 * for N dynamic resources of this shape.
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

const noop: pulumi.dynamic.ResourceProvider = {
  create: (inputs: Record<string, unknown>) =>
    Promise.resolve({ id: String(inputs.bucket), outs: inputs }),
  read: (id: string, props?: Record<string, unknown>) =>
    Promise.resolve({ id, props: props ?? {} }),
  delete: () => Promise.resolve(),
};

/** A dynamic resource served by the no-op provider. */
class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown>) {
    super(noop, name, props, undefined, "bench", "Noop");
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
