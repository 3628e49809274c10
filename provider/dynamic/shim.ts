/**
 * The provider object that `BucketEncryption` hands to Pulumi, which serializes it into the
 * `__provider` property of every resource: this module's exports are that object.
 *
 * Being a module's exports is what keeps the stored text small. When the package is installed
 * in node_modules, Pulumi serializes a module's exports as `require("<package>/shim")`, a few
 * hundred bytes. When the package is linked (npm link, workspaces), Pulumi copies the methods
 * instead; so they capture nothing and load the provider by package name when the engine calls
 * them. Either way the text holds no credentials and none of the package's code, and refresh and
 * destroy of old resources run the installed version of the package, not the one that created
 * them.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { BucketEncryptionInputs, BucketEncryptionOutputs } from "../core/inputs";
import type { processProvider } from "./processProvider";

type Provider = pulumi.dynamic.ResourceProvider<BucketEncryptionInputs, BucketEncryptionOutputs>;
type Method<Name extends keyof Provider> = NonNullable<Provider[Name]>;

// No comments inside the functions below: a linked package has them copied into every resource.
/* eslint-disable @typescript-eslint/no-require-imports -- loading the installed package at run time is the point */
const installed = (): ReturnType<typeof processProvider> =>
  (
    require("pulumi-oss-bucket-encryption/process-provider") as {
      processProvider: typeof processProvider;
    }
  ).processProvider();
/* eslint-enable @typescript-eslint/no-require-imports */

/** Hands the stack's configuration to the process's provider. */
export const configure: Method<"configure"> = (request) => installed().configure(request);
/** Validates and normalizes inputs. */
export const check: Method<"check"> = (olds, news) => installed().check(olds, news);
/** Compares the rule declared with the rule stored. */
export const diff: Method<"diff"> = (id, olds, news) => installed().diff(id, olds, news);
/** Applies the rule to the bucket. */
export const create: Method<"create"> = (inputs) => installed().create(inputs);
/** Reads the rule the bucket holds. */
export const read: Method<"read"> = (id, props) => installed().read(id, props);
/** Applies a changed rule. */
export const update: Method<"update"> = (id, olds, news) => installed().update(id, olds, news);
const deleteRule: Method<"delete"> = (id, props) => installed().delete(id, props);
/** Removes (or restores) the bucket's rule. */
export { deleteRule as delete };
