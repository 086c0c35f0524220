/**
 * Finds the real `<html>`, `</head>`, `<body>` and `</body>` tags of a document in one linear
 * pass, the way a browser's tokenizer would see them (WHATWG HTML §13.2.5), so that the string
 * `<body>` inside a comment, a `<script>`, a `<style>`, a `<textarea>`, a `<title>` or a
 * `<template>` is never mistaken for the real one, tags may be upper case, and a `>` inside a
 * quoted attribute value does not end a tag.
 *
 * It is not a full parser: it only tracks what decides where those landmarks are (comments,
 * bogus comments and doctypes, raw-text and RCDATA elements, template nesting, attribute quoting).
 * Every character is looked at a bounded number of times, so a hostile page cannot make it slow.
 */

/** `[start, end)` of a tag in the source, with its attributes when they were asked for. */
export interface TagSpan {
  start: number;
  end: number;
  attributes: AttributeSpan[];
}

/** One attribute of a tag: its lower-cased name and `[start, end)` of its source text (`name="value"`). */
export interface AttributeSpan {
  name: string;
  start: number;
  end: number;
}

/** Where the composer cuts the document. */
export interface Landmarks {
  html: TagSpan;
  /** Start of the first `</head>` between `<html>` and `<body>`, if any. */
  headClose: number | undefined;
  body: TagSpan;
  /** Start of the last `</body>` after `<body>` (outside templates), if any. */
  bodyClose: number | undefined;
  /** Start of the last `</html>` after `<body>`, if any. */
  htmlClose: number | undefined;
}

/** Elements whose content is text up to their end tag (RAWTEXT, RCDATA, script data). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);

const RAW_TEXT_END = new Map([...RAW_TEXT].map((name) => [name, new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'gi')]));

/** The only tag names the scan acts on, by length, so other tags cost no allocation. */
const NAMES_BY_LENGTH: readonly (readonly string[])[] = (() => {
  const byLength: string[][] = [];
  for (const name of [...RAW_TEXT, 'html', 'head', 'body', 'template', 'plaintext'])
    (byLength[name.length] ??= []).push(name);
  return byLength;
})();

/**
 * The tag name at `[start, end)` lower-cased when it is one the scan acts on, else `undefined`.
 * `| 0x20` folds ASCII upper case to lower case; the names compared with are all letters.
 */
function interestingName(html: string, start: number, end: number): string | undefined {
  const candidates = NAMES_BY_LENGTH[end - start];
  if (candidates === undefined) return undefined;
  outer: for (const name of candidates) {
    for (let k = 0; k < name.length; k += 1) {
      if ((html.charCodeAt(start + k) | 0x20) !== name.charCodeAt(k)) continue outer;
    }
    return name;
  }
  return undefined;
}

function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

const SLASH = 0x2f;
const GT = 0x3e;
const EQ = 0x3d;

/** End of a tag name starting at `p`: the first space, `/` or `>`. */
function tagNameEnd(html: string, p: number): number {
  let q = p;
  while (q < html.length) {
    const code = html.charCodeAt(q);
    if (isSpace(code) || code === SLASH || code === GT) break;
    q += 1;
  }
  return q;
}

/**
 * Reads a tag's attributes from `p` (just after its name) to its closing `>`. Returns the index
 * after the `>` (or the end of input) and, when `collect` is given, pushes the attributes' spans
 * into it (no allocation otherwise: this runs for every tag of the page).
 * Quotes only count where an attribute value starts, as in the tokenizer's attribute states.
 */
function readAttributes(html: string, p: number, collect?: AttributeSpan[]): number {
  const length = html.length;
  let i = p;
  while (i < length) {
    let code = html.charCodeAt(i);
    if (isSpace(code) || code === SLASH) {
      i += 1;
      continue;
    }
    if (code === GT) return i + 1;
    // Attribute name: up to space, `/`, `>` or `=` (a leading `=` belongs to the name).
    const nameStart = i;
    i += 1;
    while (i < length) {
      code = html.charCodeAt(i);
      if (isSpace(code) || code === SLASH || code === GT || code === EQ) break;
      i += 1;
    }
    const nameEnd = i;
    let valueEnd = nameEnd;
    let j = i;
    while (j < length && isSpace(html.charCodeAt(j))) j += 1;
    if (j < length && html.charCodeAt(j) === EQ) {
      j += 1;
      while (j < length && isSpace(html.charCodeAt(j))) j += 1;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        valueEnd = close < 0 ? length : close + 1;
      } else {
        valueEnd = j;
        while (valueEnd < length) {
          code = html.charCodeAt(valueEnd);
          if (isSpace(code) || code === GT) break;
          valueEnd += 1;
        }
      }
      i = valueEnd;
    }
    collect?.push({ name: html.slice(nameStart, nameEnd).toLowerCase(), start: nameStart, end: valueEnd });
  }
  return length;
}

/** Index after a comment starting at `p` (`<!--`), including the abrupt `<!-->` and `<!--->`. */
function commentEnd(html: string, p: number): number {
  const body = p + 4;
  if (html.startsWith('>', body)) return body + 1;
  if (html.startsWith('->', body)) return body + 2;
  const dashes = html.indexOf('--', body);
  if (dashes < 0) return html.length;
  // `-->` or `--!>` ends it; any other `--` is content, so keep looking from there.
  let at = dashes;
  while (at >= 0) {
    if (html.startsWith('-->', at)) return at + 3;
    if (html.startsWith('--!>', at)) return at + 4;
    at = html.indexOf('--', at + 1);
  }
  return html.length;
}

/** Index of the end tag closing a raw-text element whose content starts at `p`, or the end. */
function rawTextEnd(html: string, name: string, p: number): number {
  const pattern = RAW_TEXT_END.get(name);
  if (pattern === undefined) return p;
  pattern.lastIndex = p;
  const match = pattern.exec(html);
  return match === null ? html.length : match.index;
}

/**
 * The landmarks of a complete document, or `undefined` when it is a fragment: no real `<html>`
 * start tag, or no real `<body>` start tag after it.
 */
export function findLandmarks(html: string): Landmarks | undefined {
  let htmlTag: TagSpan | undefined;
  let bodyTag: TagSpan | undefined;
  let headClose: number | undefined;
  let bodyClose: number | undefined;
  let htmlClose: number | undefined;
  let templateDepth = 0;
  const length = html.length;
  let i = 0;

  while (i < length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);

    if (next === 0x21 /* ! */) {
      i = html.startsWith('<!--', lt) ? commentEnd(html, lt) : nextGt(html, lt + 2);
      continue;
    }
    if (next === 0x3f /* ? */) {
      i = nextGt(html, lt + 2);
      continue;
    }
    if (next === SLASH) {
      if (!isAsciiLetter(html.charCodeAt(lt + 2))) {
        // `</>` is dropped; `</` + anything else opens a bogus comment up to `>`.
        i = nextGt(html, lt + 2);
        continue;
      }
      const nameEnd = tagNameEnd(html, lt + 2);
      const name = interestingName(html, lt + 2, nameEnd);
      const end = readAttributes(html, nameEnd);
      if (name === 'template') templateDepth = Math.max(0, templateDepth - 1);
      else if (templateDepth === 0 && htmlTag !== undefined) {
        if (name === 'head' && bodyTag === undefined && headClose === undefined) headClose = lt;
        else if (name === 'body' && bodyTag !== undefined) bodyClose = lt;
        else if (name === 'html' && bodyTag !== undefined) htmlClose = lt;
      }
      i = end;
      continue;
    }
    if (!isAsciiLetter(next)) {
      i = lt + 1; // a lone `<` is text
      continue;
    }

    const nameEnd = tagNameEnd(html, lt + 1);
    const name = interestingName(html, lt + 1, nameEnd);
    const wanted =
      templateDepth === 0 &&
      ((name === 'html' && htmlTag === undefined) ||
        (name === 'body' && bodyTag === undefined && htmlTag !== undefined));
    if (wanted && name === 'html') {
      const attributes: AttributeSpan[] = [];
      const end = readAttributes(html, nameEnd, attributes);
      htmlTag = { start: lt, end, attributes };
      i = end;
      continue;
    }
    const end = readAttributes(html, nameEnd);
    if (wanted && name === 'body') bodyTag = { start: lt, end, attributes: [] };
    if (name === 'template') templateDepth += 1;
    if (name === 'plaintext') break; // everything after it is text
    i = name !== undefined && RAW_TEXT.has(name) ? rawTextEnd(html, name, end) : end;
  }

  if (htmlTag === undefined || bodyTag === undefined) return undefined;
  return { html: htmlTag, headClose, body: bodyTag, bodyClose, htmlClose };
}

/** Index after the next `>` from `p`, or the end of input. */
function nextGt(html: string, p: number): number {
  const gt = html.indexOf('>', p);
  return gt < 0 ? html.length : gt + 1;
}
