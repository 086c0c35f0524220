/**
 * Text for the standard PDF fonts: WinAnsiEncoding (PDF 1.7 annex D.2) and string escaping. The 14
 * standard fonts need no embedding, so only characters of that encoding can be shown; anything
 * else is first stripped of its accents (é → e) and otherwise replaced by "?", never dropped.
 */

/** Code points of 0x80–0x9F in WinAnsiEncoding (the rest of 0x20–0xFF is Latin-1). */
const HIGH: ReadonlyMap<number, number> = new Map([
  [0x20ac, 0x80], [0x201a, 0x82], [0x0192, 0x83], [0x201e, 0x84], [0x2026, 0x85], [0x2020, 0x86], [0x2021, 0x87],
  [0x02c6, 0x88], [0x2030, 0x89], [0x0160, 0x8a], [0x2039, 0x8b], [0x0152, 0x8c], [0x017d, 0x8e], [0x2018, 0x91],
  [0x2019, 0x92], [0x201c, 0x93], [0x201d, 0x94], [0x2022, 0x95], [0x2013, 0x96], [0x2014, 0x97], [0x02dc, 0x98],
  [0x2122, 0x99], [0x0161, 0x9a], [0x203a, 0x9b], [0x0153, 0x9c], [0x017e, 0x9e], [0x0178, 0x9f],
]);

function byteOf(codePoint: number): number | undefined {
  if (codePoint >= 0x20 && codePoint <= 0x7e) return codePoint;
  if (codePoint >= 0xa0 && codePoint <= 0xff) return codePoint;
  return HIGH.get(codePoint);
}

/**
 * The WinAnsi bytes of `text`, one per character. Tabs and line breaks become spaces (a text
 * operator draws one line); unencodable characters lose their accents or become "?".
 */
export function encodeWinAnsi(text: string): number[] {
  const bytes: number[] = [];
  for (const char of text.replace(/[\t\r\n]/g, ' ')) {
    const direct = byteOf(char.codePointAt(0) ?? 0x3f);
    if (direct !== undefined) {
      bytes.push(direct);
      continue;
    }
    // Decomposed, the base letter often is encodable (ő → o + ̋); the combining marks are dropped.
    const base: number[] = [];
    for (const part of char.normalize('NFD')) {
      if (/\p{M}/u.test(part)) continue;
      const byte = byteOf(part.codePointAt(0) ?? 0x3f);
      if (byte === undefined) { base.length = 0; break; }
      base.push(byte);
    }
    bytes.push(...(base.length > 0 ? base : [0x3f]));
  }
  return bytes;
}

/**
 * A PDF literal string `( … )` of WinAnsi bytes, as a latin1 JS string (one char per byte).
 * Backslash and both parentheses are escaped (ISO 32000 §7.3.4.2), so no text can end the string early.
 */
export function pdfString(bytes: readonly number[]): string {
  let out = '(';
  for (const byte of bytes) {
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else out += String.fromCharCode(byte);
  }
  return `${out})`;
}
