/**
 * The provider instance that serves every resource in a provider process. The shim's methods
 * load this module by package name (`pulumi-oss-bucket-encryption/process-provider`) when the
 * engine calls them.
 */
import { deploymentPeers } from "../lifecycle/deploymentPeers";
import { BucketEncryptionProvider } from "./provider";

let sharedProvider: BucketEncryptionProvider | undefined;

/**
 * The provider that serves every resource in this process. One instance, because the engine
 * calls `configure` once per distinct serialized provider and the other methods expect the
 * config it gave.
 */
export function processProvider(): BucketEncryptionProvider {
  // The dynamic provider host (@pulumi/pulumi/cmd/dynamic-provider) is started with the engine's
  // address as its first argument, as every provider process of the deployment is.
  return (sharedProvider ??= new BucketEncryptionProvider({
    peers: deploymentPeers(process.argv[2]),
  }));
}
