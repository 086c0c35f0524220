/**
 * The invoice's fonts: DejaVu Sans and DejaVu Sans Bold, TrueType files shipped by the
 * `dejavu-fonts-ttf` npm package (Latin, Greek, Cyrillic and more; free licence that allows
 * embedding). Each PDF embeds the subset of glyphs it uses, so names in any of those scripts print
 * as written. The files are read and parsed once per process; measuring text uses the same parsed
 * font and the same OpenType features as the drawing, so widths (wrapping, right alignment) agree.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import type { Font, TypeFeatures } from '@pdf-lib/fontkit';

export type FontFace = 'regular' | 'bold';

const FILES: Record<FontFace, string> = {
  regular: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
  bold: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
};

/**
 * Ligatures off: "fi" stays two glyphs, so extracted text and search find "fi" (a ligature glyph
 * maps back ambiguously in some readers). Kerning does not matter: pdf-lib sets advance widths only.
 */
export const FONT_FEATURES: TypeFeatures = {
  liga: false,
  rlig: false,
  calt: false,
  clig: false,
  kern: false,
  mark: false,
  mkmk: false,
};

/**
 * The name each subset is embedded under: a fixed six-letter subset tag (ISO 32000 §9.6.4) rather
 * than pdf-lib's generated suffix, so the bytes do not depend on how many fonts a process embedded.
 */
export const SUBSET_NAMES: Record<FontFace, string> = { regular: 'HMLDGR+DejaVuSans', bold: 'HMLDGB+DejaVuSans-Bold' };

interface LoadedFont {
  bytes: Uint8Array;
  font: Font;
  /** The same font whose `layout` maps characters to glyphs through the cmap only (see `unshaped`). */
  unshaped: Font;
}

const loaded = new Map<FontFace, LoadedFont>();
const require = createRequire(import.meta.url);

function load(face: FontFace): LoadedFont {
  let entry = loaded.get(face);
  if (entry === undefined) {
    const bytes = new Uint8Array(readFileSync(require.resolve(FILES[face])));
    const font = fontkit.create(bytes);
    entry = { bytes, font, unshaped: unshaped(font) };
    loaded.set(face, entry);
  }
  return entry;
}

/**
 * `font` with a `layout` that maps each character to its glyph through the cmap, without OpenType
 * shaping. pdf-lib lays out every string it draws; fontkit's shaping (GSUB lookups) was most of a
 * render's time, and the scripts an invoice prints (Latin, Greek, Cyrillic, after NFC) need none of
 * it: with ligatures and positioning off, shaping gives the cmap's glyphs. Everything else (subset,
 * metrics) is the font's own, through the prototype.
 */
function unshaped(font: Font): Font {
  const fast = Object.create(font) as Font;
  // pdf-lib reads only `glyphs` of a layout; the rest is an empty run's.
  const empty = font.layout('', FONT_FEATURES);
  fast.layout = (text: string) => ({ ...empty, glyphs: font.glyphsForString(text) });
  return fast;
}

/** The TrueType file of a face (for embedding). */
export function fontBytes(face: FontFace): Uint8Array {
  return load(face).bytes;
}

/**
 * What pdf-lib is given as fontkit: `create` answers the already parsed font for our own files
 * (parsing the two files took most of a render's time), and parses anything else as usual. A
 * parsed font is only read when a subset is made, so sharing it between documents is safe.
 */
export const cachedFontkit = {
  create(bytes: Uint8Array, postscriptName?: string): Font {
    for (const entry of loaded.values()) if (entry.bytes === bytes) return entry.unshaped;
    return fontkit.create(bytes, postscriptName);
  },
};

/**
 * `text` as the font can show it on one line: tabs and line breaks become spaces; a character the
 * font lacks loses its accents (NFD, marks dropped) or else becomes "?", never silently dropped.
 */
export function printable(text: string, face: FontFace): string {
  const { font } = load(face);
  let out = '';
  for (const char of text.normalize('NFC').replace(/[\t\r\n]/g, ' ')) {
    const codePoint = char.codePointAt(0) ?? 0x3f;
    if (font.hasGlyphForCodePoint(codePoint)) {
      out += char;
      continue;
    }
    const base = char.normalize('NFD').replace(/\p{M}/gu, '');
    out += base !== '' && [...base].every((c) => font.hasGlyphForCodePoint(c.codePointAt(0) ?? 0)) ? base : '?';
  }
  return out;
}

const advances = new Map<FontFace, Map<number, number>>();

/**
 * Width in points of (already printable) `text` at `size`: the sum of its characters' advance
 * widths, cached per code point. With ligatures off, that is the width pdf-lib sets for these
 * scripts; shaping each candidate line while wrapping made measuring most of a render's time.
 */
export function textWidth(text: string, face: FontFace, size: number): number {
  const { font } = load(face);
  let cache = advances.get(face);
  if (cache === undefined) advances.set(face, (cache = new Map<number, number>()));
  let units = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    let advance = cache.get(codePoint);
    if (advance === undefined) cache.set(codePoint, (advance = font.glyphForCodePoint(codePoint).advanceWidth));
    units += advance;
  }
  return (units / font.unitsPerEm) * size;
}
