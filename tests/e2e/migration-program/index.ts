/**
 * Declares one BucketEncryption per entry of the stack config `resources`, each through the
 * provider the entry names: the dynamic provider (`pulumi-oss-bucket-encryption`) or the plugin
 * (`pulumi-oss-bucket-encryption/plugin`), with the endpoint in `endpoint`, and with the options
 * a move between the two uses.
 */
import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "pulumi-oss-bucket-encryption";
import * as plugin from "pulumi-oss-bucket-encryption/plugin";

/** One resource to declare: its name, its provider, its arguments and options. */
interface ResourceSpec extends dynamic.BucketEncryptionArgs {
  readonly name: string;
  readonly provider: "dynamic" | "plugin";
  /** Pulumi's retainOnDelete option. */
  readonly retainOnDelete?: boolean;
  /** Pulumi's import option: the id (the bucket) to adopt. */
  readonly importId?: string;
  /** Pulumi's aliases option: the type tokens the resource had before. */
  readonly aliasTypes?: string[];
}

const config = new pulumi.Config();
const endpoint = config.require("endpoint");
const resources = config.requireObject<ResourceSpec[]>("resources");

/** The algorithm OSS holds for each resource, by resource name. */
export const algorithms: Record<string, pulumi.Output<string>> = {};

for (const { name, provider, retainOnDelete, importId, aliasTypes, ...args } of resources) {
  const options: pulumi.CustomResourceOptions = {
    ...(retainOnDelete === undefined ? {} : { retainOnDelete }),
    ...(importId === undefined ? {} : { import: importId }),
    ...(aliasTypes === undefined ? {} : { aliases: aliasTypes.map((type) => ({ type })) }),
  };
  const Resource = provider === "dynamic" ? dynamic.BucketEncryption : plugin.BucketEncryption;
  const resource = new Resource(name, { ...args, endpoint }, options);
  algorithms[name] = resource.sseAlgorithm;
}
