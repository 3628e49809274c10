/**
 * The engine floor for resources shaped like BucketEncryption: a provider with the same seven
 * methods, all doing nothing, and the same stored properties. It separates what the engine costs
 * for storing such resources (the serialized provider is kept twice per resource, and the state
 * is rewritten after every step) from what the provider's own work costs.
 */
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const sseAlgorithm = config.require("sseAlgorithm");
const endpoint = config.require("endpoint");

type Props = Record<string, unknown>;

const noop: pulumi.dynamic.ResourceProvider = {
  configure: () => Promise.resolve(),
  check: (_olds: Props, news: Props) => Promise.resolve({ inputs: news }),
  diff: () => Promise.resolve({ changes: false }),
  create: (inputs: Props) => Promise.resolve({ id: String(inputs.bucket), outs: inputs }),
  read: (id: string, props?: Props) => Promise.resolve({ id, props: props ?? {} }),
  update: (_id: string, _olds: Props, news: Props) => Promise.resolve({ outs: news }),
  delete: () => Promise.resolve(),
};

/** A dynamic resource served by the no-op provider. */
class ShapedNoop extends pulumi.dynamic.Resource {
  constructor(name: string, props: Props) {
    super(noop, name, props, undefined, "bench", "ShapedNoop");
  }
}

for (let index = 0; index < count; index++) {
  new ShapedNoop(`bench-${index}`, {
    bucket: `bench-${index}`,
    sseAlgorithm,
    endpoint,
    signatureVersion: "v4",
    onExisting: "overwrite",
    onDelete: "remove",
  });
}
