/**
 * The schema the plugin serves, the zod validation both providers run, the TypeScript types and
 * classes programs use, and both providers' secrets agree with the one definition on every
 * property, secret and enumerated value: each is made from it, and this test fails when any of
 * them says something else. Part of it is checked by the compiler (`npm run typecheck`).
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  BUCKET_ENCRYPTION,
  type ConfigName,
  type InputName,
  type PropertyDefinition,
} from "../../provider/core/definition";
import type {
  EncryptionRule,
  KmsDataEncryption,
  SseAlgorithm,
} from "../../provider/core/encryptionRule";
import {
  type BucketEncryptionOutputs,
  checkInputs,
  INPUT_PROPERTIES,
  type OnDelete,
  type OnExisting,
  type OssLocation,
  type SignatureVersion,
} from "../../provider/core/inputs";
import { BucketEncryption as DynamicBucketEncryption } from "../../provider/dynamic/bucketEncryption";
import { bucketEncryptionPlugin } from "../../provider/plugin/bucketEncryptionPlugin";
import { packageSchema } from "../../provider/plugin/schema";
import { isSecret } from "../../provider/plugin/secrets";
import * as types from "../../provider/resourceTypes";
import { REPOSITORY } from "../../tooling/localStack";
import { InMemoryOss } from "../support/inMemoryOss";

interface SchemaProperty {
  readonly type?: string;
  readonly $ref?: string;
  readonly oneOf?: readonly { readonly type?: string; readonly $ref?: string }[];
  readonly secret?: boolean;
}

/** The enumeration a property takes: its own reference, or the one among its `oneOf`. */
function enumReferenceOf(property: SchemaProperty): string | undefined {
  const reference = property.$ref ?? property.oneOf?.find((type) => type.$ref !== undefined)?.$ref;
  return reference !== undefined && reference in ENUM_REFERENCES ? reference : undefined;
}

interface Schema {
  readonly config: { readonly variables: Record<string, SchemaProperty> };
  readonly provider: { readonly inputProperties: Record<string, SchemaProperty> };
  readonly types: Record<string, { readonly enum?: { readonly value: string }[] }>;
  readonly resources: Record<
    string,
    {
      readonly inputProperties: Record<string, SchemaProperty>;
      readonly requiredInputs: string[];
      readonly properties: Record<string, SchemaProperty>;
    }
  >;
}

const schema = packageSchema("1.2.3") as Schema;
const resource = schema.resources["ossencryption:index:BucketEncryption"];
const TOKEN_PREFIX = "#/types/ossencryption:index:";

/** The references of the schema's enumerations. */
const ENUM_REFERENCES = Object.fromEntries(
  Object.entries(schema.types)
    .filter(([, type]) => type.enum !== undefined)
    .map(([token]) => [`#/types/${token}`, true]),
);

/** `true` when a value of either type may be given where the other is expected. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * `true` when `A` and `B` have the same properties and each one's values agree, whether or not
 * it is optional (an output is always present on the resource object; it may be undefined).
 */
type PropertiesAgree<A, B> =
  Agree<keyof A, keyof B> extends true
    ? false extends { [K in keyof A & keyof B]: Agree<A[K], B[K]> }[keyof A & keyof B]
      ? false
      : true
    : false;

/** The value an output resolves to. */
type OutputValue<O> = O extends pulumi.Output<infer T> ? T : never;

/** Compiles only when every check is `true`. */
type AllTrue<Checks extends readonly true[]> = Checks;

/**
 * Compile-time checks: the generated types programs see (`resourceTypes.ts`) and the core's
 * types (`ObjectOf` the definition) name the same properties with the same values. When one side
 * changes without the other, `tsc` fails here.
 */
type _GeneratedTypesAgreeWithTheDefinition = AllTrue<
  [
    Agree<keyof types.BucketEncryptionArgs, InputName>,
    Agree<keyof types.ProviderArgs, ConfigName>,
    PropertiesAgree<
      {
        [K in keyof types.BucketEncryptionProperties]: OutputValue<
          types.BucketEncryptionProperties[K]
        >;
      },
      BucketEncryptionOutputs
    >,
    PropertiesAgree<types.EncryptionRule, EncryptionRule>,
    PropertiesAgree<types.OssLocation, OssLocation>,
    Agree<types.SseAlgorithm, SseAlgorithm>,
    Agree<types.KmsDataEncryption, KmsDataEncryption>,
    Agree<types.SignatureVersion, SignatureVersion>,
    Agree<types.OnExisting, OnExisting>,
    Agree<types.OnDelete, OnDelete>,
  ]
>;

/** The enumerations' values, by the schema's type name (`SseAlgorithm`). */
const ENUM_VALUES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(schema.types).flatMap(([token, type]) =>
    type.enum === undefined
      ? []
      : [[token.slice("ossencryption:index:".length), type.enum.map((entry) => entry.value)]],
  ),
);

/**
 * The `BucketEncryption` properties the definition marks secret, read from the definition here
 * rather than from what the providers use, so that a provider that drops one fails.
 */
const DEFINITION_SECRETS = Object.entries({
  ...BUCKET_ENCRYPTION.inputs,
  ...BUCKET_ENCRYPTION.outputs,
} as Readonly<Record<string, PropertyDefinition>>)
  .filter(([, property]) => property.secret === true)
  .map(([name]) => name)
  .sort();

/** The registrations the classes made, as the engine would receive them. */
const registrations: { type: string; name: string; inputs: Record<string, unknown> }[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registrations.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
        });
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
});

/** The built plugin classes (`pulumi-oss-bucket-encryption/plugin`), as programs load them. */
function pluginClasses(): typeof import("../../provider/plugin/index") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(
    join(REPOSITORY, "dist/provider/plugin/index.js"),
  ) as typeof import("../../provider/plugin/index");
}

/** Waits until the mocks saw the registration named `name`. */
async function registered(name: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const found = registrations.find((entry) => entry.name === name);
    if (found !== undefined) {
      return found.inputs;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${name} was never registered`);
}

describe("the schema and the zod validation", () => {
  it("have the same inputs, in the same order, and the same required ones", () => {
    expect(Object.keys(resource?.inputProperties ?? {})).toStrictEqual([...INPUT_PROPERTIES]);
    const required = INPUT_PROPERTIES.filter((name) => {
      const outcome = checkInputs({ bucket: "logs", sseAlgorithm: "AES256", [name]: undefined });
      return !outcome.ok;
    });
    expect(resource?.requiredInputs).toStrictEqual(required);
  });

  it.each(
    Object.entries(resource?.inputProperties ?? {}).filter(
      ([, p]) => enumReferenceOf(p) !== undefined,
    ),
  )("accept every enumerated value of %s and refuse its near misses", (name, property) => {
    const enumName = enumReferenceOf(property)?.slice(TOKEN_PREFIX.length) ?? "";
    const values = ENUM_VALUES[enumName] ?? [];
    expect(values.length).toBeGreaterThan(0);
    const outcome = (value: string) =>
      checkInputs({ bucket: "logs", sseAlgorithm: "KMS", [name]: value });
    for (const value of values) {
      expect([value, outcome(value)]).toMatchObject([
        value,
        { ok: true, inputs: { [name]: value } },
      ]);
    }
    const isOwn = (text: string) =>
      values.some((value) => value.toLowerCase() === text.toLowerCase());
    const nearMisses = [
      // Another enumeration's values, unless this one has them too (SM4), in any letter case.
      ...Object.entries(ENUM_VALUES)
        .filter(([other]) => other !== enumName)
        .flatMap(([, others]) => others.filter((other) => !isOwn(other))),
      ...values.map((value) => `${value}x`),
    ];
    expect(nearMisses.length).toBeGreaterThan(values.length);
    for (const miss of nearMisses) {
      const refused = outcome(miss);
      expect([
        miss,
        refused.ok ? [] : refused.failures.map((failure) => failure.property),
      ]).toStrictEqual([miss, [name]]);
    }
    // An empty value: refused where the input is required; elsewhere it reads as left out.
    expect(outcome("")).toStrictEqual(
      resource?.requiredInputs.includes(name) === true
        ? { ok: false, failures: [expect.objectContaining({ property: name })] }
        : checkInputs({ bucket: "logs", sseAlgorithm: "KMS" }),
    );
  });
});

describe("the schema and the TypeScript types and classes", () => {
  it("have the same enumerations and values", () => {
    const enums = Object.fromEntries(
      Object.entries(schema.types)
        .filter(([, type]) => type.enum !== undefined)
        .map(([token, type]) => [
          token.slice("ossencryption:index:".length),
          (type.enum ?? []).map((entry) => entry.value),
        ]),
    );
    const exported = Object.fromEntries(
      Object.keys(enums).map((name) => [
        name,
        Object.values((types as unknown as Record<string, Record<string, string>>)[name] ?? {}),
      ]),
    );
    expect(exported).toStrictEqual(enums);
  });

  it("have the same provider config, with the same secrets", () => {
    const secrets = (properties: Record<string, SchemaProperty>) =>
      Object.entries(properties)
        .filter(([, property]) => property.secret === true)
        .map(([name]) => name);
    expect(Object.keys(schema.provider.inputProperties)).toStrictEqual(
      Object.keys(schema.config.variables),
    );
    expect([...types.SECRET_PROVIDER_ARGS]).toStrictEqual(secrets(schema.provider.inputProperties));
    expect(secrets(schema.config.variables)).toStrictEqual(
      secrets(schema.provider.inputProperties),
    );
  });

  it("register every input they are given, under its name and with its value", async () => {
    const { BucketEncryption } = pluginClasses();
    // Every input, with a value its generated type accepts: a new input fails to compile here
    // until it is given one.
    const args: Required<types.BucketEncryptionArgs> = {
      bucket: "agreement",
      sseAlgorithm: "kms",
      kmsMasterKeyId: "key-1",
      kmsDataEncryption: "SM4",
      region: "cn-hangzhou",
      endpoint: "http://127.0.0.1:9000",
      signatureVersion: "v1",
      onExisting: "fail",
      onDelete: "restore",
    };
    new BucketEncryption("agreement", args);
    expect(await registered("agreement")).toStrictEqual(args);
    expect(Object.keys(args)).toStrictEqual(Object.keys(BUCKET_ENCRYPTION.inputs));
  });

  it("list every output the schema names, so that each exists on the resource object", () => {
    expect(
      [...(resource?.requiredInputs ?? []), ...Object.keys(types.UNSET_PROPERTIES)].sort(),
    ).toStrictEqual(Object.keys(resource?.properties ?? {}).sort());
  });

  it("register a provider's arguments under the schema's names, leaving out those not given", async () => {
    const { Provider } = pluginClasses();
    const args = Object.fromEntries(
      Object.entries(schema.provider.inputProperties).map(([name, property]) => [
        name,
        property.type === "integer" ? 5 : `${name}-value`,
      ]),
    );
    new Provider("agreement-all", args);
    new Provider("agreement-none", { region: undefined });
    expect([
      Object.keys(await registered("agreement-all")).sort(),
      Object.keys(await registered("agreement-none")),
    ]).toStrictEqual([Object.keys(schema.provider.inputProperties).sort(), []]);
  });
});

describe("the properties the definition marks secret", () => {
  /** A log that keeps nothing. */
  const SILENT_LOG = { info: () => Promise.resolve(), warn: () => Promise.resolve() };

  it("are secret in the schema's outputs", () => {
    expect(
      Object.entries(resource?.properties ?? {})
        .filter(([, property]) => property.secret === true)
        .map(([name]) => name)
        .sort(),
    ).toStrictEqual(DEFINITION_SECRETS);
  });

  it("are concealed in what the plugin's create returns, and only they when nothing was given as a secret", async () => {
    // The bucket already has a rule, so that create reports the rule it found.
    const oss = new InMemoryOss().withBuckets("logs");
    oss.buckets.set("logs", { sseAlgorithm: "KMS", kmsMasterKeyId: "key-found" });
    const plugin = bucketEncryptionPlugin("1.2.3", { openStore: oss.openStore, env: {} });
    plugin.configure({
      accessKey: "id",
      secretKey: "secret",
      region: "cn-hangzhou",
      endpoint: "http://127.0.0.1:9000",
    });
    const request = {
      type: BUCKET_ENCRYPTION.token,
      urn: `urn:pulumi:test::project::${BUCKET_ENCRYPTION.token}::logs`,
      name: "logs",
      log: SILENT_LOG,
    };
    const checked = await plugin.check({
      ...request,
      olds: {},
      news: { bucket: "logs", sseAlgorithm: "AES256" },
    });
    const created = await plugin.create({ ...request, properties: checked.inputs });
    expect(
      Object.entries(created.properties)
        .filter(([, value]) => isSecret(value))
        .map(([name]) => name)
        .sort(),
    ).toStrictEqual(DEFINITION_SECRETS);
  });

  it("are additional secret outputs of the dynamic resource, and only they when nothing may come from a secret", async () => {
    let secretOutputs: string[] | undefined;
    new DynamicBucketEncryption(
      "secret-outputs",
      {
        bucket: "secret-outputs",
        sseAlgorithm: "AES256",
        region: "cn-hangzhou",
        endpoint: "http://127.0.0.1:9000",
      },
      {
        // Sees the options the class gives the engine.
        transformations: [
          ({ opts }) => {
            secretOutputs = (opts as pulumi.CustomResourceOptions).additionalSecretOutputs;
            return undefined;
          },
        ],
      },
    );
    // Registered: the provider it carries is serialized by then, before the test ends.
    await registered("secret-outputs");
    expect(secretOutputs === undefined ? undefined : [...secretOutputs].sort()).toStrictEqual(
      DEFINITION_SECRETS,
    );
  });
});
