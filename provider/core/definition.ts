/**
 * The one definition of `BucketEncryption` and of the `ossencryption` provider's config: every
 * property with its type, enumerated values, default, secrecy and description. Everything else
 * that names them derives from here:
 * - the zod validation of the inputs and of the provider config (`inputs.ts`, the plugin's config
 *   check) and the diff's property roles (`diff.ts`), at run time;
 * - the plugin's package schema (`plugin/schema.ts`), at run time;
 * - in the generation step (`npm run generate`, checked in CI by regenerating and comparing): the
 *   TypeScript types and doc comments programs see (`resourceTypes.ts`), the Go SDK, and the
 *   reference tables in the README.
 * Adding an optional input or a config key is one entry here, then `npm run generate`.
 */

/** The plugin's package name: its config namespace and type tokens start with it. */
export const PACKAGE = "ossencryption";

/** One value of an enumeration. */
export interface EnumValue {
  readonly value: string;
  readonly description: string;
}

/** An enumeration of text values. */
export interface EnumDefinition {
  readonly description: string;
  /**
   * How inputs may spell the values: `upper` or `lower` accept any ASCII letter case and store
   * the values' case; `exact` accepts the values only.
   */
  readonly letterCase: "upper" | "lower" | "exact";
  readonly values: readonly [EnumValue, ...EnumValue[]];
}

/** The enumerations, by the type names the schema and the SDKs give them. */
export const ENUMS = {
  SseAlgorithm: {
    description: "A default server-side encryption algorithm.",
    letterCase: "upper",
    values: [
      { value: "AES256", description: "SSE-OSS with AES256." },
      { value: "KMS", description: "SSE-KMS: keys held by Key Management Service." },
      { value: "SM4", description: "SSE-OSS with SM4." },
    ],
  },
  KmsDataEncryption: {
    description: "The data encryption algorithm under SSE-KMS, instead of the default AES256.",
    letterCase: "upper",
    values: [{ value: "SM4", description: "SM4 data encryption." }],
  },
  SignatureVersion: {
    description: "The OSS request signature version.",
    letterCase: "lower",
    values: [
      { value: "v4", description: "Signature V4 (the default)." },
      { value: "v1", description: "Signature V1, for endpoints that only accept it." },
    ],
  },
  OnExisting: {
    description: "What create does when the bucket already has a rule.",
    letterCase: "exact",
    values: [
      {
        value: "overwrite",
        description: "Overwrite it; the rule found is reported and kept as priorRule.",
      },
      {
        value: "fail",
        description: "Fail, naming the rule found, unless it equals the declared one.",
      },
    ],
  },
  OnDelete: {
    description: "What delete does with the bucket's rule.",
    letterCase: "exact",
    values: [
      { value: "remove", description: "Remove the rule." },
      {
        value: "restore",
        description: "Put back the rule found at create, or remove the rule when there was none.",
      },
    ],
  },
} as const satisfies Readonly<Record<string, EnumDefinition>>;

/** The name of an enumeration. */
export type EnumName = keyof typeof ENUMS;

/** The values of the enumeration `N`. */
export type EnumValues<N extends EnumName> = (typeof ENUMS)[N]["values"][number]["value"];

/** The values of the enumeration `name`, in order. */
export function enumValues<N extends EnumName>(
  name: N,
): readonly [EnumValues<N>, ...EnumValues<N>[]] {
  return ENUMS[name].values.map((entry) => entry.value) as unknown as readonly [
    EnumValues<N>,
    ...EnumValues<N>[],
  ];
}

/** The type of a property's value. */
export type ValueType =
  | { readonly kind: "string" }
  | { readonly kind: "boolean" }
  /** A whole number of `unit` from `min` to `max`: an input or a setting. */
  | { readonly kind: "integer"; readonly min: number; readonly max: number; readonly unit: string }
  /** How many `unit` there are: an output, a whole number from 0. */
  | { readonly kind: "count"; readonly unit: string }
  | { readonly kind: "enum"; readonly name: EnumName }
  /** An object type of `OBJECTS`, by name (typed as text here: `OBJECTS` is typed by this). */
  | { readonly kind: "object"; readonly name: string }
  /** A list of values of type `items`. */
  | { readonly kind: "array"; readonly items: ValueType };

/** One property of a resource, an object type or the provider config. */
export interface PropertyDefinition {
  readonly type: ValueType;
  readonly description: string;
  /** Required as an input (an output is present whenever it has a value). */
  readonly required?: true;
  /** Always stored as a secret, whether or not it was given as one. */
  readonly secret?: true;
  /** The value when none is given, as text for the README and the description. */
  readonly default?: string;
}

/** What an input is to the lifecycle, which decides what changing it does. */
export type InputRole =
  /** Names the bucket: changing it replaces the resource. */
  | "identity"
  /** Part of the rule written to OSS: changing it rewrites the rule. */
  | "rule"
  /** Steers the provider (where to call, how to sign, what create and delete do). */
  | "setting";

/** A format an input's text must have beyond its type, checked in `inputs.ts`. */
export type InputFormat = "bucketName" | "kmsKeyId" | "regionId" | "endpoint";

/** One input of the resource; it is an output too, in canonical form. */
export interface InputDefinition extends PropertyDefinition {
  readonly role: InputRole;
  readonly format?: InputFormat;
  /** The output's description, when it says more than the input's. */
  readonly outputDescription?: string;
}

/** The object types of outputs, by the type names the schema and the SDKs give them. */
export const OBJECTS = {
  EncryptionRule: {
    description: "A bucket's default encryption rule.",
    properties: {
      sseAlgorithm: {
        type: { kind: "enum", name: "SseAlgorithm" },
        description: "The default algorithm for objects uploaded without encryption headers.",
        required: true,
      },
      kmsMasterKeyId: {
        type: { kind: "string" },
        description:
          "The KMS customer master key (KMS only); absent means the KMS-managed default key.",
      },
      kmsDataEncryption: {
        type: { kind: "enum", name: "KmsDataEncryption" },
        description: "SM4 data encryption under KMS (KMS only); absent means AES256.",
      },
    },
  },
  Location: {
    description:
      "Where a bucket's calls go: recorded at create, so that config changes do not move them.",
    properties: {
      region: {
        type: { kind: "string" },
        description: "The region id without the oss- prefix, e.g. cn-hangzhou.",
        required: true,
      },
      endpoint: {
        type: { kind: "string" },
        description: "The endpoint origin, e.g. https://oss-cn-hangzhou.aliyuncs.com.",
        required: true,
      },
    },
  },
  AuditedObject: {
    description:
      "An object that does not conform to its bucket's default rule, with the encryption OSS answered for it.",
    properties: {
      key: { type: { kind: "string" }, description: "The object key.", required: true },
      sseAlgorithm: {
        type: { kind: "string" },
        description:
          "Its x-oss-server-side-encryption (AES256, KMS or SM4); absent when OSS does not encrypt it.",
      },
      kmsMasterKeyId: {
        type: { kind: "string" },
        description: "Its KMS key id (KMS only).",
      },
      kmsDataEncryption: {
        type: { kind: "string" },
        description: "Its KMS data encryption, SM4 when so (KMS only).",
      },
    },
  },
  EncryptionCount: {
    description: "How many audited objects are encrypted one way.",
    properties: {
      encryption: {
        type: { kind: "string" },
        description:
          "The encryption: none, AES256, SM4, KMS (default key) or KMS (key <id>), with SM4 data when so.",
        required: true,
      },
      objects: {
        type: { kind: "count", unit: "objects" },
        description: "How many objects have it.",
        required: true,
      },
      conforms: {
        type: { kind: "boolean" },
        description: "Whether it conforms to the bucket's default rule.",
        required: true,
      },
    },
  },
  AuditFailure: {
    description: "An object the audit could not check, or a failure that stopped it.",
    properties: {
      key: {
        type: { kind: "string" },
        description: "The object, when the failure is one object's.",
      },
      message: {
        type: { kind: "string" },
        description: "What failed, and what to do about it.",
        required: true,
      },
    },
  },
} as const satisfies Readonly<
  Record<
    string,
    {
      readonly description: string;
      readonly properties: Readonly<Record<string, PropertyDefinition>>;
    }
  >
>;

/** The name of an object type. */
export type ObjectName = keyof typeof OBJECTS;

/**
 * Where a bucket's calls go and how they are signed: inputs of the resource and of the audit
 * function alike.
 */
const LOCATION_INPUTS = {
  region: {
    type: { kind: "string" },
    format: "regionId",
    role: "setting",
    description:
      "The region id, e.g. cn-hangzhou (an oss- prefix is accepted); default: the provider's region (alicloud:region for the dynamic resource, ossencryption:region for the plugin's), then the environment.",
    outputDescription: "The region declared, without the oss- prefix.",
  },
  endpoint: {
    type: { kind: "string" },
    format: "endpoint",
    role: "setting",
    description:
      "The OSS endpoint, http(s)://host[:port]; default: the plugin provider's endpoint, then https://oss-<region>.aliyuncs.com.",
    outputDescription: "The endpoint declared, as an origin.",
  },
  signatureVersion: {
    type: { kind: "enum", name: "SignatureVersion" },
    role: "setting",
    default: "v4",
    description: "The request signature version: v4, or v1 for endpoints that only accept V1.",
    outputDescription: "The signature version in use.",
  },
} as const satisfies Readonly<Record<string, InputDefinition>>;

/** The `BucketEncryption` resource. */
export const BUCKET_ENCRYPTION = {
  token: `${PACKAGE}:index:BucketEncryption`,
  description:
    "The default server-side encryption rule of one OSS bucket. The resource id is the bucket name; import with `pulumi import ossencryption:index:BucketEncryption <name> <bucket>`.",
  inputs: {
    bucket: {
      type: { kind: "string" },
      format: "bucketName",
      role: "identity",
      required: true,
      description:
        "The bucket: 3-63 lowercase letters, digits and hyphens. Changing it replaces the resource; the resource id is the bucket name.",
    },
    sseAlgorithm: {
      type: { kind: "enum", name: "SseAlgorithm" },
      role: "rule",
      required: true,
      description: "The default algorithm: AES256, KMS or SM4, in any letter case.",
      outputDescription: "The algorithm OSS holds, upper case.",
    },
    kmsMasterKeyId: {
      type: { kind: "string" },
      format: "kmsKeyId",
      role: "rule",
      description:
        'The KMS customer master key id or ARN (KMS only); absent or "" uses the KMS-managed default key.',
      outputDescription:
        "The KMS key id OSS holds; absent for the KMS-managed default key or a non-KMS rule.",
    },
    kmsDataEncryption: {
      type: { kind: "enum", name: "KmsDataEncryption" },
      role: "rule",
      description: "SM4 to encrypt data with SM4 instead of AES256 under KMS (KMS only).",
      outputDescription: "SM4 when OSS holds SM4 data encryption under KMS.",
    },
    ...LOCATION_INPUTS,
    onExisting: {
      type: { kind: "enum", name: "OnExisting" },
      role: "setting",
      default: "overwrite",
      description:
        "What create does when the bucket already has a rule: overwrite it (the rule found is kept as priorRule), or fail unless it equals the declared one.",
      outputDescription: "What create did or would do with a rule it found.",
    },
    onDelete: {
      type: { kind: "enum", name: "OnDelete" },
      role: "setting",
      default: "remove",
      description:
        "What delete does: remove the rule, or restore the rule found at create, removing it when there was none.",
      outputDescription: "What delete does.",
    },
  },
  /** The outputs that are not inputs. */
  outputs: {
    priorRule: {
      type: { kind: "object", name: "EncryptionRule" },
      secret: true,
      description:
        "The rule the bucket held when the resource was created; absent when it had none. Always secret: it holds a key id read from OSS.",
    },
    location: {
      type: { kind: "object", name: "Location" },
      description:
        "Where the bucket's calls go: the region and endpoint recorded at create (absent in states written before it was recorded).",
    },
  },
} as const satisfies {
  readonly token: string;
  readonly description: string;
  readonly inputs: Readonly<Record<string, InputDefinition>>;
  readonly outputs: Readonly<Record<string, PropertyDefinition>>;
};

/** The name of a `BucketEncryption` input. */
export type InputName = keyof typeof BUCKET_ENCRYPTION.inputs;

/** One input of a function: a property with the format its text must have, if any. */
export interface FunctionInputDefinition extends PropertyDefinition {
  readonly format?: InputFormat;
}

/** The most objects one call of the audit function may check. */
export const AUDIT_FUNCTION_MAX_OBJECTS = 100_000;

/**
 * The function `getBucketEncryptionAudit`: the audit of `oss-encryption-audit` for programs. Its
 * outputs are the command's JSON document.
 */
export const BUCKET_ENCRYPTION_AUDIT = {
  token: `${PACKAGE}:index:getBucketEncryptionAudit`,
  description:
    "Audits the objects of an OSS bucket against its default encryption rule: one HEAD request per object, on every preview and update. An object conforms when OSS would have applied the current rule to it. The result is secret as a whole, as it names key ids read from OSS: unsecret the counts to export them in plain text.",
  inputs: {
    bucket: {
      type: { kind: "string" },
      format: "bucketName",
      required: true,
      description: "The bucket whose objects are audited.",
    },
    prefix: {
      type: { kind: "string" },
      description: "Audit only the objects whose keys start with it; absent audits every object.",
    },
    maxObjects: {
      type: { kind: "integer", min: 1, max: AUDIT_FUNCTION_MAX_OBJECTS, unit: "objects" },
      required: true,
      description:
        "The most objects to check, in key order: each costs a HEAD request on every preview and update.",
    },
    ...LOCATION_INPUTS,
  },
  outputs: {
    bucket: { type: { kind: "string" }, description: "The bucket audited.", required: true },
    prefix: {
      type: { kind: "string" },
      description: "The key prefix audited; empty for every object.",
      required: true,
    },
    rule: {
      type: { kind: "object", name: "EncryptionRule" },
      secret: true,
      description:
        "The bucket's default rule the objects were compared with; absent when it has none, and then no object conforms. Secret: it holds a key id read from OSS.",
    },
    scanned: {
      type: { kind: "count", unit: "objects" },
      description: "How many objects were checked.",
      required: true,
    },
    conforming: {
      type: { kind: "count", unit: "objects" },
      description: "How many of them conform to the rule.",
      required: true,
    },
    nonConforming: {
      type: { kind: "count", unit: "objects" },
      description: "How many of them do not.",
      required: true,
    },
    vanished: {
      type: { kind: "count", unit: "objects" },
      description: "How many objects were listed but gone by the time they were checked.",
      required: true,
    },
    complete: {
      type: { kind: "boolean" },
      description:
        "Whether every object under the prefix was listed; false when maxObjects stopped the audit first.",
      required: true,
    },
    byEncryption: {
      type: { kind: "array", items: { kind: "object", name: "EncryptionCount" } },
      secret: true,
      description:
        "The checked objects counted by encryption. Secret: it names key ids read from OSS.",
      required: true,
    },
    objects: {
      type: { kind: "array", items: { kind: "object", name: "AuditedObject" } },
      secret: true,
      description:
        "The non-conforming objects, in key order, up to 1,000. Secret: it names key ids read from OSS.",
      required: true,
    },
    truncated: {
      type: { kind: "boolean" },
      description: "Whether more objects do not conform than objects lists.",
      required: true,
    },
    errors: {
      type: { kind: "array", items: { kind: "object", name: "AuditFailure" } },
      description:
        "The objects that could not be checked, up to 100; a failure of the whole audit fails the call instead.",
      required: true,
    },
  },
} as const satisfies {
  readonly token: string;
  readonly description: string;
  readonly inputs: Readonly<Record<string, FunctionInputDefinition>>;
  readonly outputs: Readonly<Record<string, PropertyDefinition>>;
};

/** The `ossencryption` provider's config: stack config `ossencryption:<key>`, or an explicit provider's inputs. */
export const PROVIDER_CONFIG = {
  description:
    "The ossencryption provider: credentials, default location and patience for OSS calls. An explicit provider's argument left out falls back to the environment; the stack config ossencryption:* configures the default provider.",
  keys: {
    accessKey: {
      type: { kind: "string" },
      secret: true,
      description:
        "The AccessKey id; else the environment ALIBABA_CLOUD_ACCESS_KEY_ID or ALICLOUD_ACCESS_KEY.",
    },
    secretKey: {
      type: { kind: "string" },
      secret: true,
      description:
        "The AccessKey secret; else the environment ALIBABA_CLOUD_ACCESS_KEY_SECRET or ALICLOUD_SECRET_KEY.",
    },
    securityToken: {
      type: { kind: "string" },
      secret: true,
      description: "The STS security token, for a temporary AccessKey.",
    },
    region: {
      type: { kind: "string" },
      description:
        "The region of resources that declare none, e.g. cn-hangzhou; else the environment ALIBABA_CLOUD_REGION or ALICLOUD_REGION.",
    },
    endpoint: {
      type: { kind: "string" },
      description:
        "The OSS endpoint of resources that declare none, e.g. http://127.0.0.1:9000; else https://oss-<region>.aliyuncs.com.",
    },
    requestTimeoutMs: {
      type: { kind: "integer", min: 100, max: 300_000, unit: "milliseconds" },
      default: "10000",
      description: "How long one request may take, in milliseconds.",
    },
    retryDeadlineMs: {
      type: { kind: "integer", min: 1_000, max: 3_600_000, unit: "milliseconds" },
      default: "60000",
      description: "How long an operation may take with its retries, in milliseconds.",
    },
    maxAttempts: {
      type: { kind: "integer", min: 1, max: 20, unit: "attempts" },
      default: "8",
      description: "How many attempts an operation may make.",
    },
  },
} as const satisfies {
  readonly description: string;
  readonly keys: Readonly<Record<string, PropertyDefinition>>;
};

/** The name of a provider config key. */
export type ConfigName = keyof typeof PROVIDER_CONFIG.keys;

/** The provider config keys that tune how patient the OSS adapter is: the integer ones. */
export type TuningName = {
  [K in ConfigName]: (typeof PROVIDER_CONFIG.keys)[K]["type"]["kind"] extends "integer" ? K : never;
}[ConfigName];

/** The TypeScript type of a value of type `T`, in canonical form. */
export type ValueOf<T extends ValueType> = T extends { readonly kind: "string" }
  ? string
  : T extends { readonly kind: "boolean" }
    ? boolean
    : T extends { readonly kind: "integer" } | { readonly kind: "count" }
      ? number
      : T extends { readonly kind: "enum"; readonly name: infer N extends EnumName }
        ? EnumValues<N>
        : T extends { readonly kind: "object"; readonly name: infer O extends ObjectName }
          ? ObjectOf<(typeof OBJECTS)[O]["properties"]>
          : T extends { readonly kind: "array"; readonly items: infer I extends ValueType }
            ? readonly ValueOf<I>[]
            : never;

/** Whether a property always has a value once canonical: required, or defaulted. */
type AlwaysSet<P> = P extends { readonly required: true } | { readonly default: string }
  ? true
  : false;

/**
 * The canonical TypeScript type of the properties `P`: each readonly, optional unless it always
 * has a value.
 */
export type ObjectOf<P extends Readonly<Record<string, PropertyDefinition>>> = {
  readonly [K in keyof P as AlwaysSet<P[K]> extends true ? K : never]: ValueOf<P[K]["type"]>;
} & {
  readonly [K in keyof P as AlwaysSet<P[K]> extends true ? never : K]?: ValueOf<P[K]["type"]>;
};

/**
 * A property's description with its range and default, as the schema, the TypeScript types and
 * the README give it: `How many attempts an operation may make (1 to 20; default 8).`
 */
export function describeProperty(property: PropertyDefinition): string {
  const { type } = property;
  const notes = [
    type.kind === "integer" ? `${type.min} to ${type.max}` : undefined,
    property.default === undefined ? undefined : `default ${property.default}`,
  ].filter((note) => note !== undefined);
  return notes.length === 0
    ? property.description
    : `${property.description.replace(/\.$/, "")} (${notes.join("; ")}).`;
}

/** The names of the properties marked `secret`: always secret, whatever their value came from. */
export function secretProperties(
  properties: Readonly<Record<string, PropertyDefinition>>,
): readonly string[] {
  return Object.entries(properties).flatMap(([name, property]) =>
    property.secret === true ? [name] : [],
  );
}

/**
 * The `BucketEncryption` outputs that are always secret, whether or not their value came from a
 * secret: the properties marked `secret`, outputs and inputs (which are outputs too) alike.
 */
export const ALWAYS_SECRET_OUTPUTS = secretProperties({
  ...BUCKET_ENCRYPTION.inputs,
  ...BUCKET_ENCRYPTION.outputs,
});
