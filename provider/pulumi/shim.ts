/**
 * The provider object that `BucketEncryption` hands to Pulumi, which serializes it into the
 * `__provider` property of every resource.
 *
 * It holds no logic and captures nothing: each method `require`s this package by name when the
 * engine calls it, in the provider process, whose working directory is the program's. So the
 * stored text stays small whatever the package's size, holds no credentials, and refresh and
 * destroy of old resources run the installed version of the package, not the one that created
 * them.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { BucketEncryptionInputs, BucketEncryptionOutputs } from "../core/inputs";
import { BucketEncryptionProvider } from "./provider";

type Provider = pulumi.dynamic.ResourceProvider<BucketEncryptionInputs, BucketEncryptionOutputs>;

/** The module the shim loads; the package name must equal `name` in package.json (a test checks). */
export const SHIM_MODULE = "pulumi-oss-bucket-encryption/shim";

let sharedProvider: BucketEncryptionProvider | undefined;

/**
 * The provider that serves every resource in this process. One instance, because the engine
 * calls `configure` once per process and the other methods expect the config it gave.
 */
export function processProvider(): BucketEncryptionProvider {
  return (sharedProvider ??= new BucketEncryptionProvider());
}

/** The type of this module as the shim's methods see it at run time. */
interface ShimModule {
  processProvider: typeof processProvider;
}

/**
 * Builds the shim. Its functions hold no state: the serializer copies captured variables into
 * the text, and a captured variable would be a fresh copy at every call in the provider process.
 * Comments inside them would be copied too, into every resource's state: they have none.
 */
export function createProviderShim(): Provider {
  /* eslint-disable @typescript-eslint/no-require-imports -- loading the installed package at run time is the point */
  const installed = (): BucketEncryptionProvider =>
    (require("pulumi-oss-bucket-encryption/shim") as ShimModule).processProvider();
  /* eslint-enable @typescript-eslint/no-require-imports */
  return {
    configure: (request) => installed().configure(request),
    check: (olds, news) => installed().check(olds, news),
    diff: (id, olds, news) => installed().diff(id, olds, news),
    create: (inputs) => installed().create(inputs),
    read: (id, props) => installed().read(id, props),
    update: (id, olds, news) => installed().update(id, olds, news),
    delete: (id, props) => installed().delete(id, props),
  };
}
