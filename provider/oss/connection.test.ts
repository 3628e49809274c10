import { inspect } from "node:util";
import {
  ALICLOUD_CONFIG_KEYS,
  type ConfigKeys,
  type ConfigReader,
  ConnectionSettingsError,
  Credentials,
  type DeclaredLocation,
  type Environment,
  resolveConnection,
  resolveLocation,
  type SettingsSource,
} from "./connection";

/** The stack config and environment a dynamic provider reads. */
function dynamic(config: ConfigReader, env: Environment): SettingsSource {
  return { config, env, keys: ALICLOUD_CONFIG_KEYS };
}

const HANGZHOU = { region: "cn-hangzhou", endpoint: "https://oss-cn-hangzhou.aliyuncs.com" };

function configOf(values: Record<string, string>): ConfigReader {
  return (key) => values[key];
}

const FULL_CONFIG = configOf({
  "alicloud:accessKey": "config-id",
  "alicloud:secretKey": "config-secret",
  "alicloud:securityToken": "config-token",
  "alicloud:region": "cn-shanghai",
});

const ALIBABA_ENV: Environment = {
  ALIBABA_CLOUD_ACCESS_KEY_ID: "alibaba-id",
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: "alibaba-secret",
  ALIBABA_CLOUD_REGION: "cn-beijing",
};

const ALICLOUD_ENV: Environment = {
  ALICLOUD_ACCESS_KEY: "alicloud-id",
  ALICLOUD_SECRET_KEY: "alicloud-secret",
  ALICLOUD_SECURITY_TOKEN: "alicloud-token",
  ALICLOUD_REGION: "oss-cn-shenzhen",
};

/** The location and credentials a connection resolves to, the secrets included. */
function resolved(declared: DeclaredLocation, config: ConfigReader, env: Environment) {
  const location = resolveLocation(declared, dynamic(config, env));
  const { credentials, signatureVersion } = resolveConnection(location, "v4", dynamic(config, env));
  return {
    ...location,
    signatureVersion,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    securityToken: credentials.securityToken,
    source: credentials.source,
  };
}

describe("resolveLocation and resolveConnection", () => {
  it("prefer the stack config over both environments", () => {
    expect(resolved({}, FULL_CONFIG, { ...ALIBABA_ENV, ...ALICLOUD_ENV })).toStrictEqual({
      endpoint: "https://oss-cn-shanghai.aliyuncs.com",
      region: "cn-shanghai",
      signatureVersion: "v4",
      accessKeyId: "config-id",
      accessKeySecret: "config-secret",
      securityToken: "config-token",
      source: "stack config alicloud:accessKey/alicloud:secretKey",
    });
  });

  it("refuse a region from the environment that is not a region id, naming the variable, before it is recorded", () => {
    expect(() =>
      resolved({}, configOf({}), { ...ALIBABA_ENV, ALIBABA_CLOUD_REGION: "local" }),
    ).toThrow(
      "The region in the environment variable ALIBABA_CLOUD_REGION is not a region id such as cn-hangzhou or ap-southeast-1; fix it, or set the region input.",
    );
  });

  it("fall back to ALIBABA_CLOUD_* before ALICLOUD_*", () => {
    expect(resolved({}, configOf({}), { ...ALIBABA_ENV, ...ALICLOUD_ENV })).toStrictEqual({
      endpoint: "https://oss-cn-beijing.aliyuncs.com",
      region: "cn-beijing",
      signatureVersion: "v4",
      accessKeyId: "alibaba-id",
      accessKeySecret: "alibaba-secret",
      securityToken: undefined,
      source: "environment ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    });
  });

  it("fall back to ALICLOUD_* and strip the oss- prefix of its region", () => {
    expect(resolved({}, configOf({}), ALICLOUD_ENV)).toStrictEqual({
      endpoint: "https://oss-cn-shenzhen.aliyuncs.com",
      region: "cn-shenzhen",
      signatureVersion: "v4",
      accessKeyId: "alicloud-id",
      accessKeySecret: "alicloud-secret",
      securityToken: "alicloud-token",
      source: "environment ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY",
    });
  });

  it("take the region input over config and environment, and the endpoint input as given", () => {
    expect(
      resolveLocation(
        { region: "ap-southeast-1", endpoint: "http://127.0.0.1:9000" },
        dynamic(FULL_CONFIG, ALIBABA_ENV),
      ),
    ).toStrictEqual({ region: "ap-southeast-1", endpoint: "http://127.0.0.1:9000" });
  });

  it("take the region from the environment when the credentials come from config", () => {
    const config = configOf({ "alicloud:accessKey": "id", "alicloud:secretKey": "secret" });
    expect(resolved({}, config, ALICLOUD_ENV).region).toBe("cn-shenzhen");
  });

  it("treat blank values as unset", () => {
    const config = configOf({ "alicloud:accessKey": "  ", "alicloud:region": "" });
    expect(resolved({}, config, ALIBABA_ENV)).toMatchObject({
      accessKeyId: "alibaba-id",
      region: "cn-beijing",
    });
  });

  it("connect to a given location whatever the config and environment say of the region", () => {
    const location = { region: "cn-qingdao", endpoint: "http://127.0.0.1:9000" };
    const connection = resolveConnection(location, "v1", dynamic(FULL_CONFIG, ALIBABA_ENV));
    expect({ ...connection, credentials: connection.credentials.source }).toStrictEqual({
      region: "cn-qingdao",
      endpoint: "http://127.0.0.1:9000",
      signatureVersion: "v1",
      credentials: "stack config alicloud:accessKey/alicloud:secretKey",
    });
  });

  it("name every credential option when none is set", () => {
    expect(() => resolveConnection(HANGZHOU, "v4", dynamic(configOf({}), {}))).toThrow(
      new ConnectionSettingsError(
        "No Alibaba Cloud credentials found: set the stack config alicloud:accessKey and alicloud:secretKey (as secrets), or the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY.",
      ),
    );
  });

  it("say which half of a key pair is missing", () => {
    expect(() =>
      resolveConnection(
        HANGZHOU,
        "v4",
        dynamic(configOf({}), { ALIBABA_CLOUD_ACCESS_KEY_ID: "id", ALICLOUD_SECRET_KEY: "s" }),
      ),
    ).toThrow(
      "the environment variable ALIBABA_CLOUD_ACCESS_KEY_ID is set but the environment variable ALIBABA_CLOUD_ACCESS_KEY_SECRET is not: set both.",
    );
  });

  it("name every region option when none is set", () => {
    expect(() => resolveLocation({}, dynamic(configOf({}), {}))).toThrow(
      new ConnectionSettingsError(
        "No region for OSS: set the region input, the stack config alicloud:region, or the environment variable ALIBABA_CLOUD_REGION or ALICLOUD_REGION.",
      ),
    );
  });
});

describe("a provider's own config keys", () => {
  const PROVIDER_KEYS: ConfigKeys = {
    kind: "provider config",
    accessKeyId: "ossencryption:accessKey",
    accessKeySecret: "ossencryption:secretKey",
    securityToken: "ossencryption:securityToken",
    region: "ossencryption:region",
    endpoint: "ossencryption:endpoint",
  };

  it("are read before the environment, with their endpoint as the default", () => {
    const source: SettingsSource = {
      config: configOf({
        "ossencryption:accessKey": "provider-id",
        "ossencryption:secretKey": "provider-secret",
        "ossencryption:region": "cn-qingdao",
        "ossencryption:endpoint": "http://127.0.0.1:9000",
      }),
      env: ALIBABA_ENV,
      keys: PROVIDER_KEYS,
    };
    const location = resolveLocation({}, source);
    expect(location).toStrictEqual({ region: "cn-qingdao", endpoint: "http://127.0.0.1:9000" });
    expect(resolveConnection(location, "v4", source).credentials.source).toBe(
      "provider config ossencryption:accessKey/ossencryption:secretKey",
    );
  });

  it("are named in the error when nothing is set", () => {
    expect(() =>
      resolveConnection(HANGZHOU, "v4", { config: configOf({}), env: {}, keys: PROVIDER_KEYS }),
    ).toThrow(
      "No Alibaba Cloud credentials found: set the provider config ossencryption:accessKey and ossencryption:secretKey (as secrets), or the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY.",
    );
  });
});

describe("Credentials", () => {
  const credentials = new Credentials("LTAI-id", "very-secret", "sts-token", "test source");

  it("hides the key pair and token from JSON", () => {
    expect(JSON.stringify({ credentials })).toBe('{"credentials":{"source":"test source"}}');
  });

  it("hides the key pair and token from inspection and enumeration", () => {
    const shown = inspect({ credentials }, { depth: 5 });
    expect(shown).toBe('{ credentials: Credentials { source: "test source" } }');
    expect(Object.keys(credentials)).toStrictEqual(["source"]);
  });

  it("still gives the values to code that asks for them", () => {
    expect([
      credentials.accessKeyId,
      credentials.accessKeySecret,
      credentials.securityToken,
    ]).toStrictEqual(["LTAI-id", "very-secret", "sts-token"]);
  });
});
