/**
 * The schema the plugin serves, the zod validation both providers run and the TypeScript classes
 * programs use agree on every property, secret and enumerated value: each is made from the one
 * definition, and this test fails when any of them says something else.
 */
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { checkInputs, INPUT_PROPERTIES } from "../../provider/core/inputs";
import { packageSchema } from "../../provider/plugin/schema";
import * as types from "../../provider/resourceTypes";
import { REPOSITORY } from "../../tooling/localStack";

interface SchemaProperty {
  readonly type?: string;
  readonly $ref?: string;
  readonly secret?: boolean;
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

  it.each(Object.entries(resource?.inputProperties ?? {}).filter(([, p]) => p.$ref !== undefined))(
    "accept exactly the enumerated values of %s",
    (name, property) => {
      const values = (
        schema.types[`ossencryption:index:${property.$ref?.slice(TOKEN_PREFIX.length) ?? ""}`]
          ?.enum ?? []
      ).map((entry) => entry.value);
      expect(values.length).toBeGreaterThan(0);
      const base = { bucket: "logs", sseAlgorithm: "KMS" };
      for (const value of values) {
        expect(checkInputs({ ...base, [name]: value })).toMatchObject({ ok: true });
      }
      expect(checkInputs({ ...base, [name]: `${values[0] ?? ""}-not-one` })).toMatchObject({
        ok: false,
      });
    },
  );
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

  it("register the resource's inputs under the schema's names, and list every output, with the schema's secrets", async () => {
    const { BucketEncryption } = pluginClasses();
    // Every input the schema names, given: the class passes what it is given to the engine.
    const args = Object.fromEntries(
      Object.entries(resource?.inputProperties ?? {}).map(([name, property]) => [
        name,
        property.$ref === undefined
          ? `${name}-value`
          : schema.types[`ossencryption:index:${property.$ref.slice(TOKEN_PREFIX.length)}`]
              ?.enum?.[0]?.value,
      ]),
    );
    new BucketEncryption("agreement", args as unknown as types.BucketEncryptionArgs);
    expect(Object.keys(await registered("agreement")).sort()).toStrictEqual(
      Object.keys(resource?.inputProperties ?? {}).sort(),
    );
    // The outputs a program can read: the required inputs and those the class lists as unset.
    expect(
      [...(resource?.requiredInputs ?? []), ...Object.keys(types.UNSET_PROPERTIES)].sort(),
    ).toStrictEqual(Object.keys(resource?.properties ?? {}).sort());
    expect(
      Object.entries(resource?.properties ?? {})
        .filter(([, property]) => property.secret === true)
        .map(([name]) => name),
    ).toStrictEqual(["priorRule"]);
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
