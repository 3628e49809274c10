import { inspect } from "node:util";
import {
  type ConfigReader,
  ConnectionSettingsError,
  Credentials,
  type Environment,
  resolveConnection,
} from "./connection";

const V4 = { signatureVersion: "v4" } as const;

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

function summary(connection: ReturnType<typeof resolveConnection>) {
  const { credentials } = connection;
  return {
    endpoint: connection.endpoint,
    region: connection.region,
    accessKeyId: credentials.accessKeyId,
    accessKeySecret: credentials.accessKeySecret,
    securityToken: credentials.securityToken,
    source: credentials.source,
  };
}

describe("resolveConnection", () => {
  it("prefers the stack config over both environments", () => {
    expect(
      summary(resolveConnection(V4, FULL_CONFIG, { ...ALIBABA_ENV, ...ALICLOUD_ENV })),
    ).toStrictEqual({
      endpoint: "https://oss-cn-shanghai.aliyuncs.com",
      region: "cn-shanghai",
      accessKeyId: "config-id",
      accessKeySecret: "config-secret",
      securityToken: "config-token",
      source: "stack config alicloud:accessKey/alicloud:secretKey",
    });
  });

  it("falls back to ALIBABA_CLOUD_* before ALICLOUD_*", () => {
    expect(
      summary(resolveConnection(V4, configOf({}), { ...ALIBABA_ENV, ...ALICLOUD_ENV })),
    ).toStrictEqual({
      endpoint: "https://oss-cn-beijing.aliyuncs.com",
      region: "cn-beijing",
      accessKeyId: "alibaba-id",
      accessKeySecret: "alibaba-secret",
      securityToken: undefined,
      source: "environment ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    });
  });

  it("falls back to ALICLOUD_* and strips the oss- prefix of its region", () => {
    expect(summary(resolveConnection(V4, configOf({}), ALICLOUD_ENV))).toStrictEqual({
      endpoint: "https://oss-cn-shenzhen.aliyuncs.com",
      region: "cn-shenzhen",
      accessKeyId: "alicloud-id",
      accessKeySecret: "alicloud-secret",
      securityToken: "alicloud-token",
      source: "environment ALICLOUD_ACCESS_KEY/ALICLOUD_SECRET_KEY",
    });
  });

  it("takes the region input over config and environment, and the endpoint input as given", () => {
    const connection = resolveConnection(
      { region: "ap-southeast-1", endpoint: "http://127.0.0.1:9000", signatureVersion: "v1" },
      FULL_CONFIG,
      ALIBABA_ENV,
    );
    expect(connection.region).toBe("ap-southeast-1");
    expect(connection.endpoint).toBe("http://127.0.0.1:9000");
    expect(connection.signatureVersion).toBe("v1");
  });

  it("takes the region from the environment when the credentials come from config", () => {
    const config = configOf({ "alicloud:accessKey": "id", "alicloud:secretKey": "secret" });
    expect(resolveConnection(V4, config, ALICLOUD_ENV).region).toBe("cn-shenzhen");
  });

  it("treats blank values as unset", () => {
    const config = configOf({ "alicloud:accessKey": "  ", "alicloud:region": "" });
    expect(summary(resolveConnection(V4, config, ALIBABA_ENV)).accessKeyId).toBe("alibaba-id");
  });

  it("names every credential option when none is set", () => {
    expect(() => resolveConnection({ ...V4, region: "cn-hangzhou" }, configOf({}), {})).toThrow(
      new ConnectionSettingsError(
        "No Alibaba Cloud credentials found: set the stack config alicloud:accessKey and alicloud:secretKey (as secrets), or the environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY.",
      ),
    );
  });

  it("says which half of a key pair is missing", () => {
    expect(() =>
      resolveConnection(V4, configOf({}), {
        ALIBABA_CLOUD_ACCESS_KEY_ID: "id",
        ALICLOUD_SECRET_KEY: "s",
      }),
    ).toThrow(
      "the environment variable ALIBABA_CLOUD_ACCESS_KEY_ID is set but the environment variable ALIBABA_CLOUD_ACCESS_KEY_SECRET is not: set both.",
    );
  });

  it("names every region option when none is set", () => {
    expect(() =>
      resolveConnection(
        V4,
        configOf({ "alicloud:accessKey": "id", "alicloud:secretKey": "s" }),
        {},
      ),
    ).toThrow(
      "No region for OSS: set the region input, the stack config alicloud:region, or the environment variable ALIBABA_CLOUD_REGION or ALICLOUD_REGION.",
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
