/**
 * Text from OSS or from users made safe to show: on a terminal (where control characters act and
 * bidirectional marks reorder what is around them) and in messages (where no secret may appear).
 */

/** How much of an object key a message shows (keys run to 1,023 bytes). */
const KEY_SHOWN_LENGTH = 200;

/**
 * What JSON.stringify leaves raw that a terminal may act on, or that hides or reorders text: DEL,
 * the C1 controls (U+009B is read as ESC [ by some terminals), the soft hyphen, the zero-width and
 * bidirectional marks, the line and paragraph separators and the byte order mark.
 */
const UNSAFE_CHARACTERS =
  /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** The other control characters, which JSON escapes but a message shown as it is would not. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f]/g;

/** `json` (JSON text) with every unsafe character written as a `\u` escape: the same JSON. */
export function escapedJson(json: string): string {
  return json.replace(
    UNSAFE_CHARACTERS,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Text as a JSON string, with every character a terminal could act on escaped. */
export function quoteText(text: string): string {
  return escapedJson(JSON.stringify(text));
}

/** An object key for a message: quoted as `quoteText` does, and cut when long. */
export function quoteKey(key: string): string {
  return quoteText(key.length > KEY_SHOWN_LENGTH ? `${key.slice(0, KEY_SHOWN_LENGTH)}…` : key);
}

/**
 * A message made safe to print as it is: control characters (an escape sequence in an error
 * message could rewrite the screen) and the unsafe characters above are shown as `?`.
 */
export function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, "?").replace(UNSAFE_CHARACTERS, "?");
}

/**
 * `text` with each of `secrets` replaced by `[secret]`, in one pass: as it is, as `quoteText` and
 * `quoteKey` show it, and as `quoteKey` cuts it.
 */
export function redacted(text: string, secrets: readonly string[]): string {
  const forms = [
    ...new Set(
      secrets
        .filter((secret) => secret !== "")
        .flatMap((secret) => [secret, secret.slice(0, KEY_SHOWN_LENGTH)])
        .flatMap((secret) => [secret, quoteText(secret).slice(1, -1)]),
    ),
  ]
    // The longest first, so that no part of a longer form is left behind.
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) {
    return text;
  }
  const pattern = new RegExp(
    forms.map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"),
    "g",
  );
  return text.replace(pattern, "[secret]");
}
