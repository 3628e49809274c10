/**
 * The little XML the emulator needs: parse request bodies into elements (strictly enough to tell
 * malformed XML from well-formed), and write response bodies.
 *
 * Supports what OSS request bodies use: an optional declaration, nested elements, text, the five
 * predefined entities and numeric character references. Attributes are accepted and ignored;
 * comments, CDATA, processing instructions and DOCTYPE are refused as malformed.
 */

/** An XML element: its name, child elements and text. */
export interface XmlElement {
  readonly name: string;
  readonly children: readonly XmlElement[];
  /** The element's own text, entities decoded; empty when it has child elements. */
  readonly text: string;
}

/** XML that is not well formed. */
export class MalformedXmlError extends Error {
  override readonly name = "MalformedXmlError";
}

const ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

const NAME = /^[A-Za-z_][\w.-]*/;

function decodeText(raw: string): string {
  return raw.replace(
    /&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g,
    (match, entity: string | undefined) => {
      if (entity === undefined) {
        throw new MalformedXmlError("a bare & in text");
      }
      if (entity.startsWith("#x")) {
        return String.fromCodePoint(parseInt(entity.slice(2), 16));
      }
      if (entity.startsWith("#")) {
        return String.fromCodePoint(parseInt(entity.slice(1), 10));
      }
      const decoded = ENTITIES[entity];
      if (decoded === undefined) {
        throw new MalformedXmlError(`unknown entity ${match}`);
      }
      return decoded;
    },
  );
}

/** How deep elements may nest: OSS request bodies nest four levels at most. */
export const MAX_XML_DEPTH = 32;

/**
 * Parses a document with exactly one root element.
 *
 * @throws MalformedXmlError when the text is not well-formed XML, or nests deeper than
 *   `MAX_XML_DEPTH` (recursion that deep would exhaust the stack).
 */
export function parseXml(text: string): XmlElement {
  let position = 0;
  const rest = () => text.slice(position);
  const skipSpace = () => {
    while (position < text.length && /\s/.test(text.charAt(position))) {
      position += 1;
    }
  };

  const parseElement = (depth: number): XmlElement => {
    if (depth > MAX_XML_DEPTH) {
      throw new MalformedXmlError(`elements nest deeper than ${MAX_XML_DEPTH} levels`);
    }
    if (text.charAt(position) !== "<") {
      throw new MalformedXmlError(`expected an element at offset ${position}`);
    }
    position += 1;
    const name = NAME.exec(rest())?.[0];
    if (name === undefined) {
      throw new MalformedXmlError(`expected an element name at offset ${position}`);
    }
    position += name.length;
    const tagEnd = text.indexOf(">", position);
    if (tagEnd < 0) {
      throw new MalformedXmlError(`unterminated tag <${name}`);
    }
    const attributes = text.slice(position, tagEnd);
    position = tagEnd + 1;
    if (attributes.endsWith("/")) {
      return { name, children: [], text: "" };
    }
    if (attributes.trim() !== "" && !/^\s/.test(attributes)) {
      throw new MalformedXmlError(`bad tag <${name}${attributes}>`);
    }
    const children: XmlElement[] = [];
    let raw = "";
    for (;;) {
      const next = text.indexOf("<", position);
      if (next < 0) {
        throw new MalformedXmlError(`element <${name}> is not closed`);
      }
      raw += text.slice(position, next);
      position = next;
      if (text.startsWith("</", position)) {
        const closing = `</${name}`;
        if (!text.startsWith(closing, position)) {
          throw new MalformedXmlError(`element <${name}> closed by ${rest().slice(0, 40)}`);
        }
        position += closing.length;
        skipSpace();
        if (text.charAt(position) !== ">") {
          throw new MalformedXmlError(`bad closing tag for <${name}>`);
        }
        position += 1;
        break;
      }
      if (text.startsWith("<!", position) || text.startsWith("<?", position)) {
        throw new MalformedXmlError("comments, CDATA and processing instructions are not accepted");
      }
      children.push(parseElement(depth + 1));
    }
    if (children.length > 0 && raw.trim() !== "") {
      throw new MalformedXmlError(`element <${name}> mixes text and elements`);
    }
    return { name, children, text: children.length > 0 ? "" : decodeText(raw) };
  };

  skipSpace();
  if (text.startsWith("<?xml", position)) {
    const end = text.indexOf("?>", position);
    if (end < 0) {
      throw new MalformedXmlError("unterminated XML declaration");
    }
    position = end + 2;
  }
  skipSpace();
  const root = parseElement(1);
  skipSpace();
  if (position !== text.length) {
    throw new MalformedXmlError("content after the root element");
  }
  return root;
}

/** The child elements of `element` named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** Escapes text for an XML element. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** A value that `toXml` writes: text, nested elements, a list of repeated elements, or nothing. */
export type XmlValue = string | number | XmlFields | readonly XmlFields[] | undefined;

/** Elements to write, in order; undefined values are left out. */
export interface XmlFields {
  readonly [name: string]: XmlValue;
}

/** Writes elements; arrays repeat their parent element name for each entry. */
export function toXml(fields: XmlFields): string {
  return Object.entries(fields)
    .map(([name, value]) => {
      if (value === undefined) {
        return "";
      }
      if (Array.isArray(value)) {
        return (value as readonly XmlFields[])
          .map((entry) => `<${name}>${toXml(entry)}</${name}>`)
          .join("");
      }
      if (typeof value === "object") {
        return `<${name}>${toXml(value as XmlFields)}</${name}>`;
      }
      return `<${name}>${escapeXml(String(value))}</${name}>`;
    })
    .join("");
}

/** A whole XML document with one root element. */
export function xmlDocument(root: string, fields: XmlFields): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}>${toXml(fields)}</${root}>`;
}
