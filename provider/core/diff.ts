/**
 * The diff between the outputs Pulumi holds for a `BucketEncryption` and the inputs a program now
 * declares. Both sides are canonical (`check` produced them), so plain equality is the comparison.
 */
import { BUCKET_ENCRYPTION, type InputName, type InputRole } from "./definition";
import { type BucketEncryptionInputs, type BucketEncryptionOutputs, isUnknown } from "./inputs";

/** The inputs whose role (in the definition) is `role`, in declaration order. */
function inputsOf(role: InputRole): readonly InputName[] {
  return (Object.keys(BUCKET_ENCRYPTION.inputs) as InputName[]).filter(
    (name) => BUCKET_ENCRYPTION.inputs[name].role === role,
  );
}

/** The properties whose change replaces the resource: the bucket is its identity. */
const REPLACE_PROPERTIES = inputsOf("identity");

/** The properties that make up the rule OSS holds; changing them rewrites the rule in place. */
const RULE_PROPERTIES = inputsOf("rule");

/**
 * The properties that only steer the provider (where to call, how to sign, what create and delete
 * do). Changing them updates the stored state without a call to OSS: read and delete use the
 * stored outputs, so they must follow the program.
 */
const SETTINGS_PROPERTIES = inputsOf("setting");

/** What changed between the stored outputs and the new inputs. */
export interface InputsDiff {
  /** Every property whose value differs, or is not known yet, in declaration order. */
  readonly changed: readonly (keyof BucketEncryptionInputs)[];
  /** The subset of `changed` that forces a replacement. */
  readonly replaces: readonly (keyof BucketEncryptionInputs)[];
}

const COMPARED_PROPERTIES = [...REPLACE_PROPERTIES, ...RULE_PROPERTIES, ...SETTINGS_PROPERTIES];

/** Compares stored outputs with new canonical inputs; an unknown new value counts as a change. */
export function diffInputs(
  olds: BucketEncryptionOutputs,
  news: BucketEncryptionInputs,
): InputsDiff {
  const changed = COMPARED_PROPERTIES.filter(
    (property) => isUnknown(news[property]) || olds[property] !== news[property],
  );
  const replaces = changed.filter((property) => REPLACE_PROPERTIES.includes(property));
  return { changed, replaces };
}

/** Whether a diff touches the encryption rule itself, so that an update must write to OSS. */
export function changesRule(diff: InputsDiff): boolean {
  return diff.changed.some((property) => RULE_PROPERTIES.includes(property));
}
