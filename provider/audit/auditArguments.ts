/**
 * The command line of `oss-encryption-audit`, read and checked: every problem is named with the
 * option at fault and what it accepts, before anything is sent to OSS.
 */
import { parseArgs } from "node:util";
import { checkAuditInputs, type SignatureVersion } from "../core/inputs";
import { quoteText } from "../core/displayText";
import { DEFAULT_AUDIT_CONCURRENCY } from "./bucketAudit";

/** The command's name, as messages give it. */
export const COMMAND = "oss-encryption-audit";

/** What `--help` prints. */
export const USAGE = `Usage: ${COMMAND} --bucket B [--prefix P] [--endpoint URL] [--region R]
       [--signature-version v4|v1] [--json] [--concurrency N] [--max-objects N] [--fix [--yes]]

Checks that every object of bucket B (or those whose keys start with P) is encrypted as the
bucket's default encryption rule says, with one HEAD request per object.

  --bucket B             the bucket to audit (required)
  --prefix P             only the objects whose keys start with P
  --endpoint URL         the OSS endpoint; default https://oss-<region>.aliyuncs.com
  --region R             the region, e.g. cn-hangzhou; default ALIBABA_CLOUD_REGION or ALICLOUD_REGION
  --signature-version V  v4 (the default), or v1 for endpoints that only accept it
  --json                 print one JSON document instead of the summary
  --concurrency N        HEAD requests at once, 1 to 256; default ${DEFAULT_AUDIT_CONCURRENCY}
  --max-objects N        stop after listing N objects
  --fix                  re-encrypt each object that does not conform, in place, keeping its
                         content, metadata and ACL; asks first on a terminal
  --yes                  confirm --fix without asking, also on a bucket with versioning
  --help                 print this

Credentials come from ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and
ALIBABA_CLOUD_SECURITY_TOKEN), else ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY.

Exit status: 0 when every object checked conforms (after --fix, when every one that did not was
re-encrypted), 1 when some do not, 2 on an error.
`;

/** The most HEAD requests at once `--concurrency` accepts. */
const MAX_CONCURRENCY = 256;

/** What the command was asked to do. */
export interface AuditArguments {
  readonly bucket: string;
  /** Empty for every object. */
  readonly prefix: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly signatureVersion: SignatureVersion;
  readonly json: boolean;
  readonly concurrency: number;
  readonly maxObjects?: number;
  readonly fix: boolean;
  readonly yes: boolean;
}

/** The command line read: what to do, `--help`, or what is wrong with it. */
export type ParsedArguments =
  | { readonly kind: "audit"; readonly arguments: AuditArguments }
  | { readonly kind: "help" }
  | { readonly kind: "invalid"; readonly problems: readonly string[] };

const OPTIONS = {
  bucket: { type: "string" },
  prefix: { type: "string" },
  endpoint: { type: "string" },
  region: { type: "string" },
  "signature-version": { type: "string" },
  json: { type: "boolean" },
  concurrency: { type: "string" },
  "max-objects": { type: "string" },
  fix: { type: "boolean" },
  yes: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** The option each checked input comes from, for messages. */
const OPTION_OF_INPUT: Readonly<Record<string, string>> = {
  bucket: "--bucket",
  prefix: "--prefix",
  endpoint: "--endpoint",
  region: "--region",
  signatureVersion: "--signature-version",
};

/** A whole number from `min` to `max` given to `option`, or the problem with it. */
function wholeNumber(
  option: string,
  text: string | undefined,
  min: number,
  max: number,
): number | string | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  return value >= min && value <= max
    ? value
    : `${option} must be a whole number from ${min} to ${max}`;
}

/** The problem parseArgs found, in this command's words. */
function parseProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']*)'/.exec(message);
  if (unknown !== null) {
    return `unknown option ${quoteText(unknown[1]?.slice(0, 64) ?? "")}`;
  }
  const positional = /Unexpected argument '([^']*)'/.exec(message);
  if (positional !== null) {
    return `unexpected argument ${quoteText(positional[1]?.slice(0, 64) ?? "")}; every value follows its option, e.g. --bucket logs`;
  }
  const missing = /Option '(--[a-z-]+)[^']*' argument missing/.exec(message);
  if (missing !== null) {
    return `${missing[1] ?? "an option"} needs a value`;
  }
  return message.split(". ")[0] ?? message;
}

/** Reads the command line (without the program's own path). */
export function parseAuditArguments(argv: readonly string[]): ParsedArguments {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true }));
  } catch (error) {
    return { kind: "invalid", problems: [parseProblem(error)] };
  }
  if (values.help === true) {
    return { kind: "help" };
  }
  const problems: string[] = [];
  if (values.bucket === undefined) {
    problems.push("--bucket is required: the bucket to audit");
  }
  if (values.yes === true && values.fix !== true) {
    problems.push("--yes confirms --fix, which is not given");
  }
  const concurrency = wholeNumber("--concurrency", values.concurrency, 1, MAX_CONCURRENCY);
  const maxObjects = wholeNumber(
    "--max-objects",
    values["max-objects"],
    1,
    Number.MAX_SAFE_INTEGER,
  );
  for (const value of [concurrency, maxObjects]) {
    if (typeof value === "string") {
      problems.push(value);
    }
  }
  // The location and bucket are held to the rules of the inputs of the same names; the
  // function's maxObjects bound does not apply to the command.
  const checked = checkAuditInputs({
    bucket: values.bucket ?? "placeholder",
    prefix: values.prefix,
    endpoint: values.endpoint,
    region: values.region,
    signatureVersion: values["signature-version"],
    maxObjects: 1,
  });
  if (!checked.ok) {
    problems.push(
      ...checked.failures.map(
        (failure) => `${OPTION_OF_INPUT[failure.property] ?? failure.property}: ${failure.reason}`,
      ),
    );
  }
  if (problems.length > 0 || !checked.ok) {
    return { kind: "invalid", problems };
  }
  const { inputs } = checked;
  return {
    kind: "audit",
    arguments: {
      bucket: inputs.bucket,
      prefix: inputs.prefix ?? "",
      ...(inputs.endpoint === undefined ? {} : { endpoint: inputs.endpoint }),
      ...(inputs.region === undefined ? {} : { region: inputs.region }),
      signatureVersion: inputs.signatureVersion,
      json: values.json === true,
      concurrency: typeof concurrency === "number" ? concurrency : DEFAULT_AUDIT_CONCURRENCY,
      ...(typeof maxObjects === "number" ? { maxObjects } : {}),
      fix: values.fix === true,
      yes: values.yes === true,
    },
  };
}
