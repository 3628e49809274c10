/**
 * The `ossencryption` package schema, made from the one definition (`core/definition.ts`): what
 * the plugin answers GetSchema with, and what the Go SDK is generated from.
 */
import {
  BUCKET_ENCRYPTION,
  BUCKET_ENCRYPTION_AUDIT,
  ENUMS,
  type FunctionInputDefinition,
  type InputDefinition,
  OBJECTS,
  PACKAGE,
  PROVIDER_CONFIG,
  describeProperty,
  type PropertyDefinition,
  type ValueType,
} from "../core/definition";

/** A type in Pulumi's package schema (the parts this package uses). */
export interface SchemaType {
  readonly type?: "string" | "integer" | "boolean" | "array";
  readonly $ref?: string;
  readonly items?: SchemaType;
  readonly oneOf?: readonly SchemaType[];
}

/** A property in Pulumi's package schema (the parts this package uses). */
export interface SchemaProperty extends SchemaType {
  readonly description: string;
  readonly secret?: true;
  readonly replaceOnChanges?: true;
}

/** A type's token in the schema: `ossencryption:index:<name>`. */
export function typeToken(name: string): string {
  return `${PACKAGE}:index:${name}`;
}

/**
 * The schema type of a value type: a primitive, an array, or a reference to an enum or object
 * type. An enumeration's values are also accepted as any text (`oneOf`), as the providers have
 * always accepted them: in any letter case where they fold it, with their own message naming
 * the values for anything else, and as plain strings from Go and YAML programs written before the
 * enumerations were typed.
 */
function schemaType(type: ValueType): SchemaType {
  switch (type.kind) {
    case "string":
    case "integer":
    case "boolean":
      return { type: type.kind };
    case "count":
      return { type: "integer" };
    case "array":
      return { type: "array", items: schemaType(type.items) };
    case "enum":
      return {
        type: "string",
        oneOf: [{ type: "string" }, { type: "string", $ref: ref(type.name) }],
      };
    case "object":
      return { $ref: ref(type.name) };
  }
}

/** A reference to the type `name`. */
function ref(name: string): string {
  return `#/types/${typeToken(name)}`;
}

/** One property of the schema. */
function schemaProperty(
  property: PropertyDefinition,
  description: string = describeProperty(property),
  replaceOnChanges = false,
): SchemaProperty {
  return {
    ...schemaType(property.type),
    description,
    ...(property.secret === true ? { secret: true } : {}),
    ...(replaceOnChanges ? { replaceOnChanges: true } : {}),
  };
}

function mapValues<T, U>(
  record: Readonly<Record<string, T>>,
  map: (value: T) => U,
): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

/** The properties of `record` that are required: `required` ones, and defaulted ones if `withDefaults`. */
function requiredOf(record: Readonly<Record<string, PropertyDefinition>>, withDefaults: boolean) {
  return Object.entries(record)
    .filter(
      ([, property]) =>
        property.required === true || (withDefaults && property.default !== undefined),
    )
    .map(([name]) => name);
}

/** The package schema at `version` (semver without `v`). */
export function packageSchema(version: string): object {
  const inputs: Readonly<Record<string, InputDefinition>> = BUCKET_ENCRYPTION.inputs;
  const auditInputs: Readonly<Record<string, FunctionInputDefinition>> =
    BUCKET_ENCRYPTION_AUDIT.inputs;
  const objects: Readonly<
    Record<
      string,
      { description: string; properties: Readonly<Record<string, PropertyDefinition>> }
    >
  > = OBJECTS;
  return {
    name: PACKAGE,
    version,
    displayName: "OSS bucket encryption",
    description: "The default server-side encryption rule of Alibaba Cloud OSS buckets.",
    keywords: ["pulumi", "alibaba cloud", "oss", "encryption", "category/storage"],
    license: "Apache-2.0",
    config: { variables: mapValues(PROVIDER_CONFIG.keys, (key) => schemaProperty(key)) },
    provider: {
      description: PROVIDER_CONFIG.description,
      inputProperties: mapValues(PROVIDER_CONFIG.keys, (key) => schemaProperty(key)),
    },
    types: {
      ...Object.fromEntries(
        Object.entries(ENUMS).map(([name, definition]) => [
          typeToken(name),
          {
            type: "string",
            description: definition.description,
            enum: definition.values.map(({ value, description }) => ({ value, description })),
          },
        ]),
      ),
      ...Object.fromEntries(
        Object.entries(objects).map(([name, definition]) => [
          typeToken(name),
          {
            type: "object",
            description: definition.description,
            properties: mapValues(definition.properties, (property) => schemaProperty(property)),
            required: requiredOf(definition.properties, false),
          },
        ]),
      ),
    },
    resources: {
      [BUCKET_ENCRYPTION.token]: {
        description: BUCKET_ENCRYPTION.description,
        inputProperties: mapValues(inputs, (input) =>
          schemaProperty(input, describeProperty(input), input.role === "identity"),
        ),
        requiredInputs: requiredOf(inputs, false),
        // Code generators read replaceOnChanges from the outputs, the engine from the inputs.
        properties: {
          ...mapValues(inputs, (input) =>
            schemaProperty(
              input,
              input.outputDescription ?? describeProperty(input),
              input.role === "identity",
            ),
          ),
          ...mapValues(BUCKET_ENCRYPTION.outputs, (output) => schemaProperty(output)),
        },
        required: requiredOf({ ...inputs, ...BUCKET_ENCRYPTION.outputs }, true),
      },
    },
    functions: {
      [BUCKET_ENCRYPTION_AUDIT.token]: {
        description: BUCKET_ENCRYPTION_AUDIT.description,
        inputs: {
          properties: mapValues(auditInputs, (input) => schemaProperty(input)),
          required: requiredOf(auditInputs, false),
        },
        outputs: {
          properties: mapValues(BUCKET_ENCRYPTION_AUDIT.outputs, (output) =>
            schemaProperty(output),
          ),
          required: requiredOf(BUCKET_ENCRYPTION_AUDIT.outputs, false),
        },
      },
    },
    language: {
      go: {
        importBasePath: "github.com/pulumi-oss-bucket-encryption/sdk/go/ossencryption",
        generateResourceContainerTypes: false,
        respectSchemaVersion: true,
      },
      // The module TypeScript programs import the plugin's classes from, for program generation
      // (`pulumi import`, `pulumi convert`): a module of this package, not a package of its own,
      // so it is not a name to generate a Node.js SDK under.
      nodejs: { packageName: "pulumi-oss-bucket-encryption/plugin" },
    },
  };
}
