// Minimal XML for the wire layer: escaping for the responses we build, and a small strict
// parser for the few XML request bodies S3 accepts (CreateBucketConfiguration, Delete).
// The parser refuses DOCTYPE/ENTITY declarations (no entity expansion, no external loads)
// and reports the 1-based line:column of the first problem.

/** Escapes text content (element bodies only; we never put data in attributes). */
export function escapeXml(s: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 38) rep = '&amp;';
    else if (c === 60) rep = '&lt;';
    else if (c === 62) rep = '&gt;';
    else if (c < 32 && c !== 9 && c !== 10 && c !== 13) rep = `&#${c};`;
    else if (c === 13) rep = '&#13;';
    if (rep !== undefined) {
      out += s.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? s : out + s.slice(last);
}

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text content directly inside this element (entities decoded). */
  text: string;
}

export class XmlParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
  }
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;

/** Parses one XML document into its root element. Throws XmlParseError. */
export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (msg: string, at = i): never => {
    let line = 1;
    let col = 1;
    for (let k = 0; k < at && k < src.length; k++) {
      if (src.charCodeAt(k) === 10) {
        line++;
        col = 1;
      } else col++;
    }
    throw new XmlParseError(msg, line, col);
  };
  const skipWs = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const readName = (): string => {
    NAME.lastIndex = i;
    const m = NAME.exec(src);
    if (!m) fail('expected a name');
    i += m![0].length;
    return m![0];
  };
  const decode = (raw: string, at: number): string =>
    raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (all, ent: string | undefined, off: number) => {
      if (ent === undefined) return fail('stray "&" (write &amp;)', at + off);
      if (ent[0] === '#') {
        const cp = ent[1] === 'x' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
        if (!(cp >= 0 && cp <= 0x10ffff)) return fail(`invalid character reference &${ent};`, at + off);
        return String.fromCodePoint(cp);
      }
      const map: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      const v = map[ent];
      if (v === undefined) return fail(`unknown entity &${ent};`, at + off);
      return v;
    });
  const skipMisc = () => {
    for (;;) {
      skipWs();
      if (src.startsWith('<?', i)) {
        const end = src.indexOf('?>', i);
        if (end < 0) fail('unterminated processing instruction');
        i = end + 2;
      } else if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (src.startsWith('<!', i)) {
        fail('DOCTYPE and entity declarations are not allowed');
      } else return;
    }
  };

  const parseElement = (depth: number): XmlElement => {
    if (depth > 64) fail('elements nested too deeply');
    if (src[i] !== '<') fail('expected "<"');
    i++;
    const name = readName();
    const attributes: Record<string, string> = {};
    for (;;) {
      skipWs();
      if (src.startsWith('/>', i)) {
        i += 2;
        return { name, attributes, children: [], text: '' };
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      const an = readName();
      skipWs();
      if (src[i] !== '=') fail(`expected "=" after attribute ${an}`);
      i++;
      skipWs();
      const q = src[i];
      if (q !== '"' && q !== "'") fail('expected a quoted attribute value');
      const end = src.indexOf(q!, i + 1);
      if (end < 0) fail('unterminated attribute value');
      attributes[an] = decode(src.slice(i + 1, end), i + 1);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (i >= src.length) fail(`unclosed element <${name}>`);
      if (src.startsWith('</', i)) {
        i += 2;
        const close = readName();
        if (close !== name) fail(`</${close}> does not close <${name}>`);
        skipWs();
        if (src[i] !== '>') fail('expected ">"');
        i++;
        return { name, attributes, children, text };
      }
      if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (src.startsWith('<![CDATA[', i)) {
        const end = src.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA section');
        text += src.slice(i + 9, end);
        i = end + 3;
      } else if (src.startsWith('<!', i) || src.startsWith('<?', i)) {
        fail('unexpected markup declaration');
      } else if (src[i] === '<') {
        children.push(parseElement(depth + 1));
      } else {
        const next = src.indexOf('<', i);
        const end = next < 0 ? src.length : next;
        text += decode(src.slice(i, end), i);
        i = end;
      }
    }
  };

  if (src.charCodeAt(0) === 0xfeff) i = 1;
  skipMisc();
  if (i >= src.length) fail('empty document');
  const root = parseElement(0);
  skipMisc();
  if (i < src.length) fail('content after the root element');
  return root;
}

/** Local name without a namespace prefix. */
export function localName(n: string): string {
  const k = n.indexOf(':');
  return k < 0 ? n : n.slice(k + 1);
}

export function child(e: XmlElement, name: string): XmlElement | undefined {
  return e.children.find((c) => localName(c.name) === name);
}

export function childrenNamed(e: XmlElement, name: string): XmlElement[] {
  return e.children.filter((c) => localName(c.name) === name);
}
