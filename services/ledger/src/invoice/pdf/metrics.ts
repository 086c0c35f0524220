/**
 * Glyph widths of Helvetica and Helvetica-Bold (Adobe's standard font metrics, in 1/1000 em), so
 * the layout can right-align amounts and wrap descriptions. ASCII is exact; the upper half of
 * WinAnsi uses the width of the unaccented letter, or a typical width for symbols.
 */
export type FontName = 'regular' | 'bold';

// Widths of bytes 0x20–0x7E.
const REGULAR = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
  556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
  667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
  611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/** Symbols of 0x80–0xFF whose width differs much from a digit's. */
const SYMBOLS: ReadonlyMap<number, number> = new Map([
  [0x85, 1000], [0x89, 1000], [0x91, 222], [0x92, 222], [0x93, 333], [0x94, 333], [0x95, 350], [0x97, 1000], [0x99, 1000],
  [0xa0, 278], [0xa9, 737], [0xae, 737], [0xb0, 400], [0xb7, 278], [0xc6, 1000], [0xe6, 889],
]);

// WinAnsi 0x80–0x9F back to Unicode, for finding the base letter of Š, Ž, Ÿ …
const HIGH_LETTERS: ReadonlyMap<number, string> = new Map([[0x8a, 'S'], [0x8c, 'O'], [0x8e, 'Z'], [0x9a, 's'], [0x9c, 'o'], [0x9e, 'z'], [0x9f, 'Y']]);

function widthOf(byte: number, font: FontName): number {
  const table = font === 'bold' ? BOLD : REGULAR;
  if (byte >= 0x20 && byte <= 0x7e) return table[byte - 0x20] ?? 556;
  const symbol = SYMBOLS.get(byte);
  if (symbol !== undefined) return symbol;
  const base = HIGH_LETTERS.get(byte) ?? (byte >= 0xc0 ? String.fromCharCode(byte).normalize('NFD')[0] : undefined);
  const code = base?.charCodeAt(0);
  return code !== undefined && code >= 0x20 && code <= 0x7e ? (table[code - 0x20] ?? 556) : 556;
}

/** Width in points of WinAnsi `bytes` set in `font` at `size`. */
export function textWidth(bytes: readonly number[], font: FontName, size: number): number {
  let units = 0;
  for (const byte of bytes) units += widthOf(byte, font);
  return (units * size) / 1000;
}
