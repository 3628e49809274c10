/**
 * Declares one plugin `BucketEncryption` per entry of the stack config `resources`, through the
 * default `ossencryption` provider (stack config `ossencryption:*`) or, for entries that say so,
 * through an explicit provider made from the stack config `explicitEndpoint`, `explicitRegion`,
 * `explicitAccessKey` and `explicitSecretKey` (the keys as secrets), each left out when unset.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  BucketEncryption,
  type BucketEncryptionArgs,
  Provider,
} from "pulumi-oss-bucket-encryption/plugin";

/** One resource to declare: its name, its arguments, and how to pass some of them. */
interface ResourceSpec extends BucketEncryptionArgs {
  readonly name: string;
  /** Manage it through the explicit provider. */
  readonly explicit?: boolean;
  /** Pass these arguments as secrets. */
  readonly secretArgs?: (keyof BucketEncryptionArgs)[];
  /** Declare the resource as the child of a component of this type, named after the resource. */
  readonly parentType?: string;
  /** Pulumi's replaceOnChanges option. */
  readonly replaceOnChanges?: string[];
  /** Pulumi's ignoreChanges option. */
  readonly ignoreChanges?: string[];
}

const config = new pulumi.Config();
const resources = config.requireObject<ResourceSpec[]>("resources");
const explicitEndpoint = config.get("explicitEndpoint");
const explicit =
  explicitEndpoint === undefined
    ? undefined
    : new Provider("explicit", {
        endpoint: explicitEndpoint,
        region: config.get("explicitRegion"),
        accessKey: config.getSecret("explicitAccessKey"),
        secretKey: config.getSecret("explicitSecretKey"),
      });

/** The algorithm OSS holds for each resource, by resource name. */
export const algorithms: Record<string, pulumi.Output<string>> = {};

for (const {
  name,
  explicit: useExplicit,
  secretArgs = [],
  parentType,
  replaceOnChanges,
  ignoreChanges,
  ...args
} of resources) {
  const resource = new BucketEncryption(
    name,
    Object.fromEntries(
      Object.entries(args).map(([key, value]) => [
        key,
        secretArgs.includes(key as keyof BucketEncryptionArgs) ? pulumi.secret(value) : value,
      ]),
    ) as unknown as BucketEncryptionArgs,
    {
      ...(useExplicit === true && explicit !== undefined ? { provider: explicit } : {}),
      ...(replaceOnChanges === undefined ? {} : { replaceOnChanges }),
      ...(ignoreChanges === undefined ? {} : { ignoreChanges }),
      ...(parentType === undefined
        ? {}
        : { parent: new pulumi.ComponentResource(parentType, `${name}-group`) }),
    },
  );
  algorithms[name] = resource.sseAlgorithm;
}
