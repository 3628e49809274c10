#!/usr/bin/env node
/**
 * `pulumi-resource-benchnoop`, the benchmark's plugin floor: a plugin whose resources do nothing,
 * served by the same gRPC scaffolding as the `ossencryption` plugin (`providerServer`) and started
 * the same way, so that the difference between the two is what the plugin's handlers, validation
 * and OSS calls cost.
 */
import { engineAddressOf } from "../provider/engineAddress";
import { type ProviderHandlers, serveProvider } from "../provider/plugin/providerServer";

/** Resources of type `benchnoop:index:Resource` that keep their inputs and call nothing. */
const NOOP: ProviderHandlers = {
  version: "0.0.1",
  resourceTypes: ["benchnoop:index:Resource"],
  functions: [],
  attach: () => undefined,
  schema: () => JSON.stringify({ name: "benchnoop", version: "0.0.1", resources: {} }),
  checkConfig: (_olds, news) => ({ inputs: news, failures: [] }),
  configure: () => undefined,
  check: ({ news }) => Promise.resolve({ inputs: news, failures: [] }),
  diff: () => ({ changes: {}, replaces: [], deleteBeforeReplace: false }),
  create: ({ properties }) => Promise.resolve({ id: String(properties.bucket), properties }),
  read: ({ id, properties }) =>
    Promise.resolve({ id, properties: properties ?? {}, inputs: properties ?? {} }),
  update: ({ news }) => Promise.resolve(news),
  delete: () => Promise.resolve(),
  invoke: () => Promise.resolve({ outputs: {}, failures: [] }),
};

serveProvider(NOOP, engineAddressOf(process.argv.slice(2))).then(
  ({ port }) => {
    process.stdout.write(`${port}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`pulumi-resource-benchnoop: ${String(error)}\n`);
    process.exit(1);
  },
);
