/**
 * The provider instance that serves every resource in a provider process. The shim's methods
 * load this module by package name (`pulumi-oss-bucket-encryption/process-provider`) when the
 * engine calls them.
 */
import { engineAddressOf } from "../engineAddress";
import { deploymentDeclarations } from "../lifecycle/deploymentDeclarations";
import { BucketEncryptionProvider } from "./provider";

let sharedProvider: BucketEncryptionProvider | undefined;

/**
 * The provider that serves every resource in this process. One instance, because the engine
 * calls `configure` once per distinct serialized provider and the other methods expect the
 * config it gave.
 */
export function processProvider(): BucketEncryptionProvider {
  // The dynamic provider host (@pulumi/pulumi/cmd/dynamic-provider) is started as every provider
  // process of the deployment is, with the engine's flags before its address.
  return (sharedProvider ??= new BucketEncryptionProvider({
    declarations: deploymentDeclarations(engineAddressOf(process.argv.slice(2))),
  }));
}
