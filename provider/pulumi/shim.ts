/**
 * The provider object that `BucketEncryption` hands to Pulumi, which serializes it into the
 * `__provider` property of every resource.
 *
 * It holds no logic and captures nothing: each method `require`s this package by name when the
 * engine calls it, in the provider process, whose working directory is the program's. So the
 * stored text stays a few hundred bytes whatever the package's size, holds no credentials, and
 * refresh and destroy of old resources run the installed version of the package, not the one
 * that created them.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { BucketEncryptionInputs, BucketEncryptionOutputs } from "../core/inputs";
import type { BucketEncryptionProvider } from "./provider";

type Provider = pulumi.dynamic.ResourceProvider<BucketEncryptionInputs, BucketEncryptionOutputs>;

/** The package name the shim loads; must equal `name` in package.json (a test checks it). */
export const SHIM_PACKAGE_NAME = "pulumi-oss-bucket-encryption";

/** Builds a shim that delegates every method to one `BucketEncryptionProvider` loaded on demand. */
export function createProviderShim(): Provider {
  let provider: BucketEncryptionProvider | undefined;
  // A run-time require of the package by its literal name is the point of the shim: an import
  // would make the serializer copy the whole package (and zod, and ali-oss) into every resource.
  const load = (): BucketEncryptionProvider => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const installed = require("pulumi-oss-bucket-encryption") as {
      BucketEncryptionProvider: typeof BucketEncryptionProvider;
    };
    return (provider ??= new installed.BucketEncryptionProvider());
  };
  return {
    configure: (request) => load().configure(request),
    check: (olds, news) => load().check(olds, news),
    diff: (id, olds, news) => load().diff(id, olds, news),
    create: (inputs) => load().create(inputs),
    read: (id, props) => load().read(id, props),
    update: (id, olds, news) => load().update(id, olds, news),
    delete: (id, props) => load().delete(id, props),
  };
}
