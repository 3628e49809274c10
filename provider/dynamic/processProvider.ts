/**
 * The provider instance that serves every resource in a provider process. The shim's methods
 * load this module by package name (`pulumi-oss-bucket-encryption/process-provider`) when the
 * engine calls them.
 */
import { engineAddressOf } from "../engineAddress";
import { deploymentDeclarations } from "../lifecycle/deploymentDeclarations";
import { BucketEncryptionProvider } from "./provider";

let sharedProvider: BucketEncryptionProvider | undefined;

/** The dynamic provider host's script, as the engine starts it: `node <it> <flags> <address>`. */
const DYNAMIC_PROVIDER_HOST = /[\\/]cmd[\\/]dynamic-provider(?:[\\/]index\.js)?$/;

/**
 * The engine's address, when this process is the dynamic provider host the engine started; in
 * any other process (a test runner, a program) the arguments are not the engine's.
 */
function engineAddress(): string | undefined {
  return DYNAMIC_PROVIDER_HOST.test(process.argv[1] ?? "")
    ? // The host (@pulumi/pulumi/cmd/dynamic-provider) is started as every provider process of
      // the deployment is, with the engine's flags before its address.
      engineAddressOf(process.argv.slice(2))
    : undefined;
}

/**
 * The provider that serves every resource in this process. One instance, because the engine
 * calls `configure` once per distinct serialized provider and the other methods expect the
 * config it gave.
 */
export function processProvider(): BucketEncryptionProvider {
  return (sharedProvider ??= new BucketEncryptionProvider({
    declarations: deploymentDeclarations(engineAddress()),
  }));
}
