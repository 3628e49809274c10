/**
 * The `BucketEncryption` inputs: their zod schema, canonical form and cross-field rules, built
 * from the resource's definition (`definition.ts`).
 *
 * Everything a user can get wrong is caught here, in `check`, before any request reaches OSS.
 * Canonical inputs make spelling differences (`aes256`, an empty key id) invisible to the diff.
 */
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { z } from "zod";
import {
  BUCKET_ENCRYPTION,
  BUCKET_ENCRYPTION_AUDIT,
  ENUMS,
  type FunctionInputDefinition,
  type EnumName,
  enumValues,
  type EnumValues,
  type InputFormat,
  type InputName,
  type PropertyDefinition,
  OBJECTS,
  type ObjectOf,
} from "./definition";
import { type EncryptionRule, makeRule, type SseAlgorithm } from "./encryptionRule";

/** The value Pulumi passes for an input that is not known yet (during preview): the SDK's. */
export const UNKNOWN_VALUE = unknownValue;

/**
 * The properties a dynamic resource carries besides its inputs: the engine's serialized provider,
 * and the resource's URN, which the program passes because the dynamic provider protocol gives a
 * provider's check no URN. Neither is an input: `checkInputs` ignores them.
 */
export const DYNAMIC_RESOURCE_PROPERTIES = { provider: "__provider", urn: "__urn" } as const;

/** `onExisting`: what create does when the bucket already has a rule. */
export type OnExisting = EnumValues<"OnExisting">;
/** `onDelete`: what delete does with the bucket's rule. */
export type OnDelete = EnumValues<"OnDelete">;
/** The OSS request signature version. */
export type SignatureVersion = EnumValues<"SignatureVersion">;

/** The canonical inputs of a `BucketEncryption`, as `check` returns them (see the definition). */
export type BucketEncryptionInputs = ObjectOf<typeof BUCKET_ENCRYPTION.inputs>;

/**
 * Where a resource's bucket is: the region and endpoint its calls used when it was created (or
 * when its declared `region`/`endpoint` last changed). Recorded so that refresh, update and
 * destroy keep calling the same place when the stack config or the environment changes.
 */
export type OssLocation = ObjectOf<typeof OBJECTS.Location.properties>;

/**
 * The outputs of a `BucketEncryption`: the canonical inputs, and the outputs of the definition
 * (the rule found at create, the location).
 */
export type BucketEncryptionOutputs = BucketEncryptionInputs &
  ObjectOf<typeof BUCKET_ENCRYPTION.outputs>;

/** One invalid input: the property and a sentence saying what is wrong and what is allowed. */
export interface InputFailure {
  /** The input property at fault. */
  readonly property: string;
  /** What is wrong and what is allowed. */
  readonly reason: string;
  /** The value may hold a credential (a URL's user info), so it must not be shown with the reason. */
  readonly concealValue?: true;
}

/**
 * The failures as a provider reports them to the engine, which prints a named property's value
 * beside the reason: a failure whose value may hold a credential is reported without its property
 * (its reason names it), so that nothing is printed with it.
 */
export function reportedFailures(
  failures: readonly InputFailure[],
): { readonly property: string; readonly reason: string }[] {
  return failures.map(({ property, reason, concealValue }) => ({
    property: concealValue === true ? "" : property,
    reason,
  }));
}

/** The result of checking inputs: canonical inputs, or every failure found. */
export type CheckOutcome =
  | { readonly ok: true; readonly inputs: BucketEncryptionInputs }
  | { readonly ok: false; readonly failures: readonly InputFailure[] };

/** OSS bucket names: 3-63 lowercase letters, digits and hyphens, alphanumeric at both ends. */
const BUCKET_NAME_LENGTH = { min: 3, max: 63 } as const;
const BUCKET_NAME_CHARACTERS = /^[a-z0-9-]*$/;
const BUCKET_NAME_ENDS = /^[a-z0-9](.*[a-z0-9])?$/;

/** KMS key ids, key ARNs (`acs:kms:<region>:<uid>:key/<id>`) and aliases fit in this alphabet. */
const KMS_KEY_ID = /^[A-Za-z0-9][A-Za-z0-9_\-:/.]*$/;
const KMS_KEY_ID_MAX_LENGTH = 256;

/** Region ids such as `cn-hangzhou` or `ap-southeast-1`, optionally with the `oss-` prefix. */
const REGION_ID = /^(?:oss-)?([a-z]{2,}(?:-[a-z0-9]+)+)$/;
const REGION_ID_MAX_LENGTH = 64;

/** Values quoted in messages are cut to this length so a hostile input cannot flood one. */
const QUOTE_MAX_LENGTH = 64;

/** The defaults of `inputs`, from the definition, by input name. */
function defaultsOf(
  inputs: Readonly<Record<string, PropertyDefinition>>,
): Readonly<Record<string, string>> {
  return Object.fromEntries(
    Object.entries(inputs).flatMap(([name, input]) =>
      input.default === undefined ? [] : [[name, input.default]],
    ),
  );
}

/** The resource inputs' defaults. */
const DEFAULTS = defaultsOf(BUCKET_ENCRYPTION.inputs);

/**
 * Quotes a value for a message, shortened when long. Check failures quote no input: the engine
 * prints the value beside the reason, hidden when it is a secret.
 */
export function quote(value: string): string {
  const shown = value.length > QUOTE_MAX_LENGTH ? `${value.slice(0, QUOTE_MAX_LENGTH)}…` : value;
  return JSON.stringify(shown);
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** A string schema whose type and presence errors name the property and what it accepts. */
function stringInput(property: string, accepts: string) {
  return z.string({
    error: (issue) =>
      issue.input === undefined
        ? `${property} is required: ${accepts}`
        : `${property} must be a string: ${accepts}; got ${typeName(issue.input)}`,
  });
}

/**
 * Upper-cases ASCII letters only. `String.prototype.toUpperCase` follows Unicode, where `ſ`
 * (U+017F) becomes `S`, so `ſm4` would pass for SM4.
 */
function asciiUpperCase(text: string): string {
  return text.replace(/[a-z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) - 32));
}

/** Lower-cases ASCII letters only (see `asciiUpperCase`). */
function asciiLowerCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 32));
}

/** A choice among upper-case values in any ASCII letter case, stored upper case. */
function upperCaseChoice<const T extends readonly [string, ...string[]]>(
  property: string,
  choices: T,
) {
  const accepts = `one of ${choices.join(", ")} (any letter case)`;
  return stringInput(property, accepts)
    .refine((value) => choices.includes(asciiUpperCase(value)), {
      error: `${property} must be ${accepts}`,
    })
    .transform((value) => asciiUpperCase(value) as T[number]);
}

/** An exact choice among values. */
function exactChoice<const T extends readonly [string, ...string[]]>(property: string, choices: T) {
  const accepts = `one of ${choices.map((choice) => JSON.stringify(choice)).join(", ")}`;
  return stringInput(property, accepts).refine(
    (value): value is T[number] => choices.includes(value),
    { error: `${property} must be ${accepts}` },
  );
}

/** A choice among lower-case values in any ASCII letter case, stored lower case. */
function lowerCaseChoice<const T extends readonly [string, ...string[]]>(
  property: string,
  choices: T,
) {
  return stringInput(property, choices.map((choice) => JSON.stringify(choice)).join(" or "))
    .transform(asciiLowerCase)
    .pipe(exactChoice(property, choices));
}

/** The schema of the input `property` of the enumeration `name`, in its letter case. */
function enumInput(property: string, name: EnumName) {
  const choices = enumValues(name);
  switch (ENUMS[name].letterCase) {
    case "upper":
      return upperCaseChoice(property, choices);
    case "lower":
      return lowerCaseChoice(property, choices);
    case "exact":
      return exactChoice(property, choices);
  }
}

/** Treats `""` (and null, which JavaScript callers may pass) as an absent optional value. */
function emptyAsAbsent<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (value === "" || value === null ? undefined : value),
    schema.optional(),
  );
}

/** The first problem with a bucket name, or undefined when OSS accepts it. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < BUCKET_NAME_LENGTH.min || name.length > BUCKET_NAME_LENGTH.max) {
    return `bucket must be ${BUCKET_NAME_LENGTH.min} to ${BUCKET_NAME_LENGTH.max} characters long; got ${name.length}`;
  }
  if (!BUCKET_NAME_CHARACTERS.test(name)) {
    return "bucket may contain only lowercase letters, digits and hyphens";
  }
  if (!BUCKET_NAME_ENDS.test(name)) {
    return "bucket must start and end with a lowercase letter or digit";
  }
  return undefined;
}

/** The first problem with an endpoint, or undefined. Never echoes it: it may embed credentials. */
function endpointProblem(endpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    url = new URL("invalid:");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return "endpoint must be an http:// or https:// URL such as https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000";
  }
  if (url.username !== "" || url.password !== "") {
    return "endpoint must not contain a user name or password; give credentials through the environment (ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET) or provider config (alicloud:accessKey and alicloud:secretKey, ossencryption:accessKey and ossencryption:secretKey)";
  }
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    return "endpoint must be a bare origin (scheme, host and optional port) without a path, query or fragment";
  }
  return undefined;
}

const bucketSchema = stringInput("bucket", "an OSS bucket name").superRefine((name, ctx) => {
  const problem = bucketNameProblem(name);
  if (problem !== undefined) {
    ctx.addIssue({ code: "custom", message: problem });
  }
});

const kmsMasterKeyIdSchema = stringInput("kmsMasterKeyId", "a KMS key id").refine(
  (id) => id.length <= KMS_KEY_ID_MAX_LENGTH && KMS_KEY_ID.test(id),
  {
    error: `kmsMasterKeyId must be at most ${KMS_KEY_ID_MAX_LENGTH} characters, start with a letter or digit and contain only letters, digits and - _ : / .`,
  },
);

/** Whether `region` is a region id such as `cn-hangzhou`, with or without the `oss-` prefix. */
export function isRegionId(region: string): boolean {
  return region.length <= REGION_ID_MAX_LENGTH && REGION_ID.test(region);
}

const regionSchema = stringInput("region", "a region id such as cn-hangzhou")
  .refine(isRegionId, {
    error: "region must be a region id such as cn-hangzhou or ap-southeast-1",
  })
  .transform((region) => region.replace(/^oss-/, ""));

const endpointSchema = stringInput("endpoint", "an http(s) URL")
  .superRefine((endpoint, ctx) => {
    const problem = endpointProblem(endpoint);
    if (problem !== undefined) {
      ctx.addIssue({ code: "custom", message: problem, params: { concealValue: true } });
    }
  })
  .transform((endpoint) => new URL(endpoint).origin);

/** The schemas of the text formats inputs may have beyond their type. */
const FORMATS: Readonly<Record<InputFormat, z.ZodType>> = {
  bucketName: bucketSchema,
  kmsKeyId: kmsMasterKeyIdSchema,
  regionId: regionSchema,
  endpoint: endpointSchema,
};

/** A whole number from `min` to `max`, named in its errors. */
function integerInput(property: string, type: { min: number; max: number; unit: string }) {
  const accepts = `a whole number of ${type.unit} from ${type.min} to ${type.max}`;
  return z
    .number({
      error: (issue) =>
        issue.input === undefined
          ? `${property} is required: ${accepts}`
          : `${property} must be ${accepts}; got ${typeName(issue.input)}`,
    })
    .refine((value) => Number.isInteger(value) && value >= type.min && value <= type.max, {
      error: `${property} must be ${accepts}`,
    });
}

/**
 * The schema of one input: its type's, or its format's; an optional one treats `""` and null as
 * absent.
 */
function inputSchema(property: string, input: FunctionInputDefinition): z.ZodType {
  const { type } = input;
  const schema =
    type.kind === "enum"
      ? enumInput(property, type.name)
      : type.kind === "integer"
        ? integerInput(property, type)
        : input.format !== undefined
          ? FORMATS[input.format]
          : stringInput(property, "text");
  return input.required === true ? schema : emptyAsAbsent(schema);
}

const inputFieldsSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(BUCKET_ENCRYPTION.inputs).map(([name, input]) => [
      name,
      inputSchema(name, input),
    ]),
  ) as Record<InputName, z.ZodType>,
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown ${issue.keys.length === 1 ? "property" : "properties"} ${issue.keys
            .map(quote)
            .join(", ")}; allowed properties are ${INPUT_PROPERTIES.join(", ")}`
        : undefined,
  },
);

const locationSettingsSchema = z.object({
  region: emptyAsAbsent(regionSchema),
  endpoint: emptyAsAbsent(endpointSchema),
});

/**
 * Checks a region and endpoint given outside a resource (a provider's config), with the same
 * messages as the resource inputs of those names.
 */
export function locationSettingFailures(settings: {
  readonly region?: unknown;
  readonly endpoint?: unknown;
}): InputFailure[] {
  const parsed = locationSettingsSchema.safeParse(settings);
  return parsed.success ? [] : failuresOf(parsed.error);
}

/** The failures of a validation: each issue's property, message, and whether to hide its value. */
function failuresOf(error: z.ZodError): InputFailure[] {
  return error.issues.map((issue) => ({
    property: issue.code === "unrecognized_keys" ? issue.keys.join(", ") : issue.path.join("."),
    reason: issue.message,
    ...(issue.code === "custom" && issue.params?.concealValue === true
      ? { concealValue: true as const }
      : {}),
  }));
}

/** Every input property name, in declaration order. */
export const INPUT_PROPERTIES = Object.keys(
  inputFieldsSchema.shape,
) as readonly (keyof BucketEncryptionInputs)[];

/** The fields that only apply when the algorithm is KMS. */
const KMS_ONLY_PROPERTIES = ["kmsMasterKeyId", "kmsDataEncryption"] as const;

/** Whether a value is Pulumi's placeholder for a value not known yet. */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN_VALUE;
}

/** How `checkInputs` treats values not known yet. */
export interface CheckOptions {
  /**
   * Whether a value not known yet passes (a check or diff during preview: kept as it is, and
   * skipped by every rule that reads it) or fails (a create or update needs every value).
   * Defaults to passing.
   */
  readonly allowUnknowns?: boolean;
}

/**
 * Validates and canonicalises the inputs a program declared. The dynamic resource's own
 * properties (`DYNAMIC_RESOURCE_PROPERTIES`) are not inputs and are ignored.
 */
export function checkInputs(
  news: Readonly<Record<string, unknown>>,
  { allowUnknowns = true }: CheckOptions = {},
): CheckOutcome {
  const ignored: readonly string[] = Object.values(DYNAMIC_RESOURCE_PROPERTIES);
  const declared = Object.fromEntries(
    Object.entries(news).filter(([key]) => !ignored.includes(key)),
  );
  const unknownKeys = Object.keys(declared).filter(
    (key) => key in inputFieldsSchema.shape && isUnknown(declared[key]),
  );
  if (!allowUnknowns && unknownKeys.length > 0) {
    return {
      ok: false,
      failures: unknownKeys.map((property) => ({
        property,
        reason: `${property} is not known yet; only a preview may leave an input unknown`,
      })),
    };
  }
  const known = Object.fromEntries(
    Object.entries(declared).filter(([key]) => !unknownKeys.includes(key)),
  );
  const unknownMask: { [K in keyof typeof inputFieldsSchema.shape]?: true } = Object.fromEntries(
    unknownKeys.map((key) => [key, true]),
  );

  const parsed = inputFieldsSchema.partial(unknownMask).safeParse(known);
  if (!parsed.success) {
    return { ok: false, failures: failuresOf(parsed.error) };
  }

  const fields = parsed.data as Partial<BucketEncryptionInputs>;
  const failures = kmsOnlyFailures(fields.sseAlgorithm, fields);
  if (failures.length > 0) {
    return { ok: false, failures };
  }
  const unknowns = Object.fromEntries(unknownKeys.map((key) => [key, UNKNOWN_VALUE]));
  // A value read as absent ("", null) is undefined in `fields`; dropped first, it gets its default.
  const inputs = dropUndefined({
    ...DEFAULTS,
    ...dropUndefined(fields),
    ...unknowns,
  }) as BucketEncryptionInputs;
  return { ok: true, inputs };
}

/**
 * A rule as OSS returned it: its algorithm is one OSS knows, its key id any text OSS holds (set by
 * whoever set the rule, so not held to the alphabet of declared key ids).
 */
const storedRuleFields = {
  sseAlgorithm: enumInput("sseAlgorithm", "SseAlgorithm"),
  kmsMasterKeyId: z.string().min(1).max(4096).optional(),
  kmsDataEncryption: enumInput("kmsDataEncryption", "KmsDataEncryption").optional(),
};

/**
 * Outputs as create, update and read write them. The inputs came from a check and are held to it;
 * the rule fields may come from OSS (a refresh records what OSS holds), and so may `priorRule`;
 * `location.region` may come from config or the environment, as earlier versions recorded it
 * unchecked. What a call would go to is held to the endpoint's rule whatever its source.
 */
const storedOutputsSchema = z.object({
  ...inputFieldsSchema.shape,
  ...storedRuleFields,
  ...({
    priorRule: z.strictObject(storedRuleFields).optional(),
    location: z
      .strictObject({
        region: z
          .string()
          .regex(/^[\w.-]{1,64}$/, "location.region must be 1 to 64 letters, digits, _ . or -"),
        endpoint: endpointSchema,
      })
      .optional(),
    // Every output of the definition has its stored schema here, or this does not compile: an
    // output left out would be dropped from every state read back.
  } satisfies Record<keyof typeof BUCKET_ENCRYPTION.outputs, z.ZodType>),
});

/** The result of checking stored outputs: canonical outputs, or every failure found. */
export type StoredOutcome =
  | { readonly ok: true; readonly outputs: BucketEncryptionOutputs }
  | { readonly ok: false; readonly failures: readonly InputFailure[] };

/**
 * Validates the outputs a resource's state holds (see `storedOutputsSchema`), each value known.
 * Keys it does not know are left out unread: a state written by another version may hold some
 * (`__provider` among them), and nothing here depends on them.
 */
export function checkStoredOutputs(stored: Readonly<Record<string, unknown>>): StoredOutcome {
  const unknown = Object.keys(stored).filter((key) => isUnknown(stored[key]));
  if (unknown.length > 0) {
    return {
      ok: false,
      failures: unknown.map((property) => ({
        property,
        reason: `${property} is not known; a stored output always is`,
      })),
    };
  }
  const parsed = storedOutputsSchema.safeParse(stored);
  if (!parsed.success) {
    return { ok: false, failures: failuresOf(parsed.error) };
  }
  const { priorRule, ...outputs } = parsed.data as BucketEncryptionOutputs;
  return {
    ok: true,
    outputs: dropUndefined({
      ...DEFAULTS,
      ...dropUndefined(outputs),
      priorRule: priorRule === undefined ? undefined : ruleOf(priorRule),
    }),
  };
}

/** The canonical inputs of the audit function `getBucketEncryptionAudit`. */
export type AuditInputs = ObjectOf<typeof BUCKET_ENCRYPTION_AUDIT.inputs>;

/** The audit function inputs' defaults. */
const AUDIT_DEFAULTS = defaultsOf(BUCKET_ENCRYPTION_AUDIT.inputs);

/** The audit function's inputs, checked as the resource's inputs of the same names are. */
const auditInputsSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(BUCKET_ENCRYPTION_AUDIT.inputs).map(([name, input]) => [
      name,
      inputSchema(name, input),
    ]),
  ),
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `unknown ${issue.keys.length === 1 ? "argument" : "arguments"} ${issue.keys
            .map(quote)
            .join(
              ", ",
            )}; allowed arguments are ${Object.keys(BUCKET_ENCRYPTION_AUDIT.inputs).join(", ")}`
        : undefined,
  },
);

/** The result of checking the audit function's inputs. */
export type AuditInputsOutcome =
  | { readonly ok: true; readonly inputs: AuditInputs }
  | { readonly ok: false; readonly failures: readonly InputFailure[] };

/** Validates and canonicalises the audit function's inputs; every value must be known. */
export function checkAuditInputs(args: Readonly<Record<string, unknown>>): AuditInputsOutcome {
  const parsed = auditInputsSchema.safeParse(args);
  if (!parsed.success) {
    return { ok: false, failures: failuresOf(parsed.error) };
  }
  return {
    ok: true,
    inputs: dropUndefined({ ...AUDIT_DEFAULTS, ...dropUndefined(parsed.data) }) as AuditInputs,
  };
}

/** KMS-only fields set beside a known non-KMS algorithm. */
function kmsOnlyFailures(
  sseAlgorithm: SseAlgorithm | undefined,
  fields: Partial<Record<(typeof KMS_ONLY_PROPERTIES)[number], string>>,
): InputFailure[] {
  if (sseAlgorithm === undefined || sseAlgorithm === "KMS") {
    return [];
  }
  return KMS_ONLY_PROPERTIES.filter((property) => fields[property] !== undefined).map(
    (property) => ({
      property,
      reason: `${property} applies only when sseAlgorithm is KMS; remove it or set sseAlgorithm to KMS`,
    }),
  );
}

/** The encryption rule that canonical inputs (or outputs) declare. */
export function ruleOf(inputs: EncryptionRule): EncryptionRule {
  return makeRule(inputs.sseAlgorithm, inputs.kmsMasterKeyId, inputs.kmsDataEncryption);
}

/** Copies an object without its undefined values, which Pulumi's protobuf encoding rejects. */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
