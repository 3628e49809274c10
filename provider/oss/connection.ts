/**
 * Where and as whom the provider calls OSS: credentials, region, endpoint and signature version,
 * resolved when a call runs from the resource's inputs (or its recorded location), the stack
 * config and the environment. Credentials are never stored in state and never leave memory.
 */
import { inspect } from "node:util";
import type { OssLocation, SignatureVersion } from "../core/inputs";

/** Reads one stack config value (the shape of `ConfigureRequest.config.get`). */
export type ConfigReader = (key: string) => string | undefined;

/** The environment variables the provider reads, by name. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Where one setting is read: a stack config key or an environment variable. */
interface SettingRef {
  readonly kind: "config" | "env";
  readonly key: string;
}

/** One place credentials can come from, in the order they are looked up. */
interface CredentialSource {
  /** How the source is named to users, e.g. `stack config alicloud:accessKey`. */
  readonly name: string;
  readonly accessKeyId: SettingRef;
  readonly accessKeySecret: SettingRef;
  readonly securityToken: SettingRef;
  readonly region: SettingRef;
}

/** The credential and region sources, first match wins: the keys @pulumi/alicloud users set. */
const SOURCES: readonly CredentialSource[] = [
  {
    name: "stack config alicloud:accessKey/alicloud:secretKey",
    accessKeyId: { kind: "config", key: "alicloud:accessKey" },
    accessKeySecret: { kind: "config", key: "alicloud:secretKey" },
    securityToken: { kind: "config", key: "alicloud:securityToken" },
    region: { kind: "config", key: "alicloud:region" },
  },
  {
    name: "environment ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    accessKeyId: { kind: "env", key: "ALIBABA_CLOUD_ACCESS_KEY_ID" },
    accessKeySecret: { kind: "env", key: "ALIBABA_CLOUD_ACCESS_KEY_SECRET" },
    securityToken: { kind: "env", key: "ALIBABA_CLOUD_SECURITY_TOKEN" },
    region: { kind: "env", key: "ALIBABA_CLOUD_REGION" },
  },
  {
    name: "environment ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY",
    accessKeyId: { kind: "env", key: "ALICLOUD_ACCESS_KEY" },
    accessKeySecret: { kind: "env", key: "ALICLOUD_SECRET_KEY" },
    securityToken: { kind: "env", key: "ALICLOUD_SECURITY_TOKEN" },
    region: { kind: "env", key: "ALICLOUD_REGION" },
  },
];

/** A failure to work out where or as whom to call OSS; raised before any request is sent. */
export class ConnectionSettingsError extends Error {
  override readonly name = "ConnectionSettingsError";
}

/**
 * An access key pair (and STS token) with the name of the source it came from. The secret parts
 * are non-enumerable and hidden from JSON and `util.inspect`, so that logging or serializing a
 * connection by mistake cannot print them.
 */
export class Credentials {
  /** The AccessKey id. */
  declare readonly accessKeyId: string;
  /** The AccessKey secret. */
  declare readonly accessKeySecret: string;
  /** The STS security token, when the key pair is temporary. */
  declare readonly securityToken: string | undefined;

  /**
   * @param source how the source is named to users, e.g. `stack config alicloud:accessKey/...`
   */
  constructor(
    accessKeyId: string,
    accessKeySecret: string,
    securityToken: string | undefined,
    readonly source: string,
  ) {
    Object.defineProperties(this, {
      accessKeyId: { value: accessKeyId, enumerable: false },
      accessKeySecret: { value: accessKeySecret, enumerable: false },
      securityToken: { value: securityToken, enumerable: false },
    });
  }

  /** Shows only the source. */
  toJSON(): { source: string } {
    return { source: this.source };
  }

  /** Shows only the source. */
  [inspect.custom](): string {
    return `Credentials { source: ${JSON.stringify(this.source)} }`;
  }
}

/** Everything needed to sign and send a request to OSS. */
export interface OssConnection {
  /** The endpoint origin, e.g. `https://oss-cn-hangzhou.aliyuncs.com` or `http://127.0.0.1:9000`. */
  readonly endpoint: string;
  /** The region id without the `oss-` prefix, e.g. `cn-hangzhou`. */
  readonly region: string;
  /** The request signature version. */
  readonly signatureVersion: SignatureVersion;
  /** The credentials to sign with. */
  readonly credentials: Credentials;
}

/** The declared inputs that say where a resource's bucket is (a subset of the canonical inputs). */
export interface DeclaredLocation {
  readonly region?: string;
  readonly endpoint?: string;
}

/** The options users have for credentials, named in the error when none is found. */
const CREDENTIAL_OPTIONS =
  "set the stack config alicloud:accessKey and alicloud:secretKey (as secrets), or the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY";

const REGION_OPTIONS =
  "set the region input, the stack config alicloud:region, or the environment variable ALIBABA_CLOUD_REGION or ALICLOUD_REGION";

/** The default OSS endpoint of a region; HTTPS, unlike ali-oss's own default. */
export function defaultEndpoint(region: string): string {
  return `https://oss-${region}.aliyuncs.com`;
}

/** Reads one setting, treating an empty or blank value as unset. */
function lookupIn(config: ConfigReader, env: Environment): (ref: SettingRef) => string | undefined {
  return (ref) => {
    const value = ref.kind === "config" ? config(ref.key) : env[ref.key];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
}

/**
 * Works out where a resource's bucket is: the region from the declared input, then the config,
 * then the environment; the endpoint from the declared input or the region's default.
 *
 * @throws ConnectionSettingsError naming the options when no region is found.
 */
export function resolveLocation(
  declared: DeclaredLocation,
  config: ConfigReader,
  env: Environment,
): OssLocation {
  const lookup = lookupIn(config, env);
  const region =
    declared.region ??
    SOURCES.map((source) => lookup(source.region))
      .find((value) => value !== undefined)
      ?.replace(/^oss-/, "");
  if (region === undefined) {
    throw new ConnectionSettingsError(`No region for OSS: ${REGION_OPTIONS}.`);
  }
  return { region, endpoint: declared.endpoint ?? defaultEndpoint(region) };
}

/**
 * The connection to `location`: credentials from the first source that has an access key id
 * (config, then ALIBABA_CLOUD_*, then ALICLOUD_*), looked up when a call runs.
 *
 * @throws ConnectionSettingsError naming the options when credentials are missing or half set.
 */
export function resolveConnection(
  location: OssLocation,
  signatureVersion: SignatureVersion,
  config: ConfigReader,
  env: Environment,
): OssConnection {
  return {
    region: location.region,
    endpoint: location.endpoint,
    signatureVersion,
    credentials: resolveCredentials(lookupIn(config, env)),
  };
}

function resolveCredentials(lookup: (ref: SettingRef) => string | undefined): Credentials {
  for (const source of SOURCES) {
    const accessKeyId = lookup(source.accessKeyId);
    if (accessKeyId === undefined) {
      continue;
    }
    const accessKeySecret = lookup(source.accessKeySecret);
    if (accessKeySecret === undefined) {
      throw new ConnectionSettingsError(
        `${describe(source.accessKeyId)} is set but ${describe(source.accessKeySecret)} is not: set both.`,
      );
    }
    return new Credentials(accessKeyId, accessKeySecret, lookup(source.securityToken), source.name);
  }
  throw new ConnectionSettingsError(`No Alibaba Cloud credentials found: ${CREDENTIAL_OPTIONS}.`);
}

function describe(ref: SettingRef): string {
  return ref.kind === "config"
    ? `the stack config ${ref.key}`
    : `the environment variable ${ref.key}`;
}
