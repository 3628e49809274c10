/**
 * The plugin floor: N resources of the no-op plugin `benchnoop` (bench/noopPlugin.ts), with the
 * same inputs as the plugin program. What the engine and a plugin process cost by themselves.
 */
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const sseAlgorithm = config.require("sseAlgorithm");
const endpoint = config.require("endpoint");

/** A resource served by the no-op plugin. */
class Noop extends pulumi.CustomResource {
  constructor(name: string, props: Record<string, unknown>) {
    super("benchnoop:index:Resource", name, props);
  }
}

for (let index = 0; index < count; index++) {
  new Noop(`bench-${index}`, { bucket: `bench-${index}`, sseAlgorithm, endpoint });
}
