/**
 * The engine's address among a provider process's arguments. The engine starts every provider
 * process of a deployment — the dynamic provider's and each plugin's — with its own flags first
 * when the user asks for logs or tracing (`--logtostderr`, `-v=N`, `--tracing <url>`: see
 * `buildPluginArguments` in the CLI's `sdk/go/common/resource/plugin/plugin.go`), then its
 * address.
 *
 * The same reading as `parseArgs` of `@pulumi/pulumi/provider`, which the SDK's own provider
 * server uses; it is internal to the SDK (its declarations are stripped), so it is restated here
 * and a test compares the two on the engine's argument lists.
 */

/**
 * The engine's address: the first argument that is not one of the engine's flags, or undefined
 * when there is none (a plugin started by hand, which learns the address from `Attach`).
 */
export function engineAddressOf(args: readonly string[]): string | undefined {
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg === "--tracing") {
      index += 1;
    } else if (arg !== "--logtostderr" && !arg.startsWith("-v=")) {
      return arg;
    }
  }
  return undefined;
}
