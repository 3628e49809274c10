/**
 * Declares one plugin `BucketEncryption` per entry of the stack config `resources`, through the
 * default `ossencryption` provider (stack config `ossencryption:*`) or, for entries that say so,
 * through an explicit provider made from the stack config `explicitEndpoint`, `explicitRegion`,
 * `explicitAccessKey` and `explicitSecretKey` (the keys as secrets).
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
  /** Pass kmsMasterKeyId as a secret. */
  readonly secretKeyId?: boolean;
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
        region: config.require("explicitRegion"),
        accessKey: config.requireSecret("explicitAccessKey"),
        secretKey: config.requireSecret("explicitSecretKey"),
      });

/** The algorithm OSS holds for each resource, by resource name. */
export const algorithms: Record<string, pulumi.Output<string>> = {};

for (const {
  name,
  explicit: useExplicit,
  secretKeyId,
  replaceOnChanges,
  ignoreChanges,
  ...args
} of resources) {
  const resource = new BucketEncryption(
    name,
    {
      ...args,
      ...(secretKeyId === true && args.kmsMasterKeyId !== undefined
        ? { kmsMasterKeyId: pulumi.secret(args.kmsMasterKeyId) }
        : {}),
    },
    {
      ...(useExplicit === true && explicit !== undefined ? { provider: explicit } : {}),
      ...(replaceOnChanges === undefined ? {} : { replaceOnChanges }),
      ...(ignoreChanges === undefined ? {} : { ignoreChanges }),
    },
  );
  algorithms[name] = resource.sseAlgorithm;
}
