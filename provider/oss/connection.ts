/**
 * Where and as whom the provider calls OSS: credentials, region, endpoint and signature version,
 * resolved when a call runs from the resource's inputs (or its recorded location), the provider's
 * own config and the environment. Credentials are never stored in state and never leave memory.
 */
import { inspect } from "node:util";
import { isRegionId, type OssLocation, type SignatureVersion } from "../core/inputs";

/** Reads one config value by its full key (`alicloud:region`, `ossencryption:region`). */
export type ConfigReader = (key: string) => string | undefined;

/** The environment variables the provider reads, by name. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The config keys a provider reads credentials and location from, before the environment: the
 * dynamic provider reads the stack config `alicloud:*` (what @pulumi/alicloud users set), the
 * plugin its provider config `ossencryption:*`.
 */
export interface ConfigKeys {
  /** How this config is named to users: `stack config` or `provider config`. */
  readonly kind: string;
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken: string;
  readonly region: string;
  /** A default endpoint, where the provider has one. */
  readonly endpoint?: string;
}

/** The dynamic provider's keys: the stack config @pulumi/alicloud users already set. */
export const ALICLOUD_CONFIG_KEYS: ConfigKeys = {
  kind: "stack config",
  accessKeyId: "alicloud:accessKey",
  accessKeySecret: "alicloud:secretKey",
  securityToken: "alicloud:securityToken",
  region: "alicloud:region",
};

/** Where settings are read, in order: the provider's config (`keys`), then the environment. */
export interface SettingsSource {
  readonly config: ConfigReader;
  readonly env: Environment;
  /** The config keys; absent where there is no config (a command reads the environment only). */
  readonly keys?: ConfigKeys;
  /** How the region given besides config and environment is named; default `the region input`. */
  readonly regionOption?: string;
}

/** Where one setting is read: a config key or an environment variable. */
interface SettingRef {
  readonly kind: "config" | "env";
  readonly key: string;
}

/** One place credentials can come from, in the order they are looked up. */
interface CredentialSource {
  /** How the source is named to users, e.g. `stack config alicloud:accessKey/alicloud:secretKey`. */
  readonly name: string;
  readonly accessKeyId: SettingRef;
  readonly accessKeySecret: SettingRef;
  readonly securityToken: SettingRef;
  readonly region: SettingRef;
}

/** The environment's credential and region variables, after the provider's config. */
const ENVIRONMENT_SOURCES: readonly CredentialSource[] = [
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

/** Every credential source, first match wins: the config's (where there is one), the environment's. */
function sourcesOf(keys: ConfigKeys | undefined): CredentialSource[] {
  if (keys === undefined) {
    return [...ENVIRONMENT_SOURCES];
  }
  return [
    {
      name: `${keys.kind} ${keys.accessKeyId}/${keys.accessKeySecret}`,
      accessKeyId: { kind: "config", key: keys.accessKeyId },
      accessKeySecret: { kind: "config", key: keys.accessKeySecret },
      securityToken: { kind: "config", key: keys.securityToken },
      region: { kind: "config", key: keys.region },
    },
    ...ENVIRONMENT_SOURCES,
  ];
}

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

/** The default OSS endpoint of a region; HTTPS, unlike ali-oss's own default. */
export function defaultEndpoint(region: string): string {
  return `https://oss-${region}.aliyuncs.com`;
}

/** Reads one setting, treating an empty or blank value as unset. */
function lookupIn(source: SettingsSource): (ref: SettingRef) => string | undefined {
  return (ref) => {
    const value = ref.kind === "config" ? source.config(ref.key) : source.env[ref.key];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };
}

/**
 * Works out where a resource's bucket is: the region from the declared input, then the config,
 * then the environment; the endpoint from the declared input, then the config (where the
 * provider has one), else the region's default.
 *
 * @throws ConnectionSettingsError naming the options when no region is found.
 */
export function resolveLocation(declared: DeclaredLocation, source: SettingsSource): OssLocation {
  const lookup = lookupIn(source);
  const regionOption = source.regionOption ?? "the region input";
  const found = sourcesOf(source.keys)
    .map((candidate) => ({ ref: candidate.region, value: lookup(candidate.region) }))
    .find(({ value }) => value !== undefined);
  if (declared.region === undefined && found?.value !== undefined && !isRegionId(found.value)) {
    // Checked here, before it is recorded as the resource's location; the value is not quoted, as
    // config may be a secret.
    throw new ConnectionSettingsError(
      `The region in ${describe(found.ref, source.keys)} is not a region id such as cn-hangzhou or ap-southeast-1; fix it, or set ${regionOption}.`,
    );
  }
  const region = declared.region ?? found?.value?.replace(/^oss-/, "");
  if (region === undefined) {
    const config =
      source.keys === undefined ? "" : ` the ${source.keys.kind} ${source.keys.region},`;
    throw new ConnectionSettingsError(
      `No region for OSS: set ${regionOption},${config} or the environment variable ALIBABA_CLOUD_REGION or ALICLOUD_REGION.`,
    );
  }
  const configured =
    source.keys?.endpoint === undefined
      ? undefined
      : lookup({ kind: "config", key: source.keys.endpoint });
  return { region, endpoint: declared.endpoint ?? configured ?? defaultEndpoint(region) };
}

/**
 * The connection to `location`: credentials from the first source that has an access key id
 * (the provider's config, then ALIBABA_CLOUD_*, then ALICLOUD_*), looked up when a call runs.
 *
 * @throws ConnectionSettingsError naming the options when credentials are missing or half set.
 */
export function resolveConnection(
  location: OssLocation,
  signatureVersion: SignatureVersion,
  source: SettingsSource,
): OssConnection {
  return {
    region: location.region,
    endpoint: location.endpoint,
    signatureVersion,
    credentials: resolveCredentials(source),
  };
}

function resolveCredentials(source: SettingsSource): Credentials {
  const lookup = lookupIn(source);
  for (const candidate of sourcesOf(source.keys)) {
    const accessKeyId = lookup(candidate.accessKeyId);
    if (accessKeyId === undefined) {
      continue;
    }
    const accessKeySecret = lookup(candidate.accessKeySecret);
    if (accessKeySecret === undefined) {
      throw new ConnectionSettingsError(
        `${describe(candidate.accessKeyId, source.keys)} is set but ${describe(candidate.accessKeySecret, source.keys)} is not: set both.`,
      );
    }
    return new Credentials(
      accessKeyId,
      accessKeySecret,
      lookup(candidate.securityToken),
      candidate.name,
    );
  }
  const config =
    source.keys === undefined
      ? ""
      : `the ${source.keys.kind} ${source.keys.accessKeyId} and ${source.keys.accessKeySecret} (as secrets), or `;
  throw new ConnectionSettingsError(
    `No Alibaba Cloud credentials found: set ${config}the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY.`,
  );
}

function describe(ref: SettingRef, keys: ConfigKeys | undefined): string {
  return ref.kind === "config"
    ? `the ${keys?.kind ?? "config"} ${ref.key}`
    : `the environment variable ${ref.key}`;
}
