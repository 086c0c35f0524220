/**
 * A small PDF 1.4 writer: pages of text in the standard Helvetica fonts (WinAnsiEncoding, not
 * embedded), lines and filled rectangles. Enough for invoices with no dependency. Coordinates are
 * in points from the page's top-left corner (y grows downwards); the writer flips them to PDF's
 * bottom-left origin. Output is deterministic: the same drawing gives the same bytes, so an
 * archived PDF can be re-rendered and compared byte for byte.
 */
import { textWidth, type FontName } from './metrics.js';
import { encodeWinAnsi, pdfString } from './winansi.js';

/** An RGB colour, each channel 0–1. */
export type Rgb = readonly [number, number, number];

export interface TextOptions {
  font?: FontName;
  size?: number;
  color?: Rgb;
  /** `right` puts the text's end at x; `center` its middle. */
  align?: 'left' | 'right' | 'center';
}

/** US Letter, the size North American accounting expects. */
export const LETTER = { width: 612, height: 792 } as const;

const FONT_RESOURCE: Record<FontName, string> = { regular: 'F1', bold: 'F2' };

/** One page being drawn. */
export class PdfPage {
  readonly #ops: string[] = [];
  constructor(readonly width: number, readonly height: number) {}

  /** Draws one line of text with its baseline at y. */
  text(x: number, y: number, text: string, options: TextOptions = {}): void {
    const font = options.font ?? 'regular';
    const size = options.size ?? 10;
    const bytes = encodeWinAnsi(text);
    const width = textWidth(bytes, font, size);
    const left = options.align === 'right' ? x - width : options.align === 'center' ? x - width / 2 : x;
    this.#ops.push(`BT ${color(options.color ?? [0, 0, 0], 'rg')} /${FONT_RESOURCE[font]} ${num(size)} Tf ${num(left)} ${num(this.height - y)} Td ${pdfString(bytes)} Tj ET`);
  }

  /** A straight line. */
  line(x1: number, y1: number, x2: number, y2: number, options: { width?: number; color?: Rgb } = {}): void {
    this.#ops.push(`${num(options.width ?? 0.5)} w ${color(options.color ?? [0, 0, 0], 'RG')} ${num(x1)} ${num(this.height - y1)} m ${num(x2)} ${num(this.height - y2)} l S`);
  }

  /** A filled rectangle whose top-left corner is (x, y). */
  rect(x: number, y: number, width: number, height: number, fill: Rgb): void {
    this.#ops.push(`${color(fill, 'rg')} ${num(x)} ${num(this.height - y - height)} ${num(width)} ${num(height)} re f`);
  }

  /** The content stream (latin1: one char per byte). */
  content(): string {
    return `${this.#ops.join('\n')}\n`;
  }
}

/** Width in points of `text` in a font and size, as `PdfPage.text` would set it. */
export function measure(text: string, font: FontName, size: number): number {
  return textWidth(encodeWinAnsi(text), font, size);
}

/** A document: add pages, draw, then `toBytes()`. */
export class PdfDocument {
  readonly pages: PdfPage[] = [];
  constructor(private readonly info: { title: string; author?: string }) {}

  addPage(size: { width: number; height: number } = LETTER): PdfPage {
    const page = new PdfPage(size.width, size.height);
    this.pages.push(page);
    return page;
  }

  /**
   * Serialises the document: catalog, page tree, the two fonts, an info dictionary, one page and
   * one content stream per page, then the cross-reference table with each object's byte offset.
   */
  toBytes(): Buffer {
    // Object numbers: 1 catalog, 2 pages, 3 Helvetica, 4 Helvetica-Bold, 5 info, then pairs.
    const objects: string[] = [];
    const pageRefs = this.pages.map((_, i) => `${6 + i * 2} 0 R`);
    objects.push('<< /Type /Catalog /Pages 2 0 R >>');
    objects.push(`<< /Type /Pages /Kids [${pageRefs.join(' ')}] /Count ${this.pages.length} >>`);
    objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
    objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
    const author = this.info.author === undefined ? '' : ` /Author ${pdfString(encodeWinAnsi(this.info.author))}`;
    objects.push(`<< /Title ${pdfString(encodeWinAnsi(this.info.title))}${author} /Producer (HiveMatrix Ledger) >>`);
    this.pages.forEach((page, i) => {
      objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${num(page.width)} ${num(page.height)}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${7 + i * 2} 0 R >>`);
      const stream = page.content();
      objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}endstream`);
    });
    // The binary comment line tells transfer tools the file is binary (ISO 32000 §7.5.2).
    let out = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
    const offsets: number[] = [];
    objects.forEach((body, i) => {
      offsets.push(out.length);
      out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    });
    const xref = out.length;
    // Each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, type, space, LF.
    out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
    out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(out, 'latin1');
  }
}

/** A number as PDF writes it: at most 2 decimals, no exponent, no trailing zeros. */
function num(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function color([r, g, b]: Rgb, operator: 'rg' | 'RG'): string {
  return `${num3(r)} ${num3(g)} ${num3(b)} ${operator}`;
}

function num3(value: number): string {
  return String(Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000);
}
