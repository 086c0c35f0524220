/**
 * Drawing a PDF for invoices over pdf-lib: pages of text in DejaVu Sans (embedded, subset), lines
 * and filled rectangles. Coordinates are in points from the page's top-left corner (y grows
 * downwards), flipped here to PDF's bottom-left origin. A page records its drawing and the
 * document replays it into pdf-lib when serialised, so layout code measures and places text
 * synchronously.
 *
 * The bytes are deterministic: the same drawing and info give the same file. pdf-lib's own
 * metadata (now as creation date, its producer) is switched off; the dates are the document's own
 * (the invoice date), the file identifier is derived from the content, and the font subsets have
 * fixed names. Archived PDFs are checked against their stored bytes, never re-rendered (see
 * ARCHITECTURE.md), so a change of pdf-lib or of the fonts changes new PDFs only.
 */
import { createHash } from 'node:crypto';
import { PDFDocument, PDFHexString, rgb, type PDFFont } from 'pdf-lib';
import { cachedFontkit, FONT_FEATURES, fontBytes, printable, SUBSET_NAMES, textWidth, type FontFace } from './fonts.js';

/** An RGB colour, each channel 0–1. */
export type Rgb = readonly [number, number, number];

export interface TextOptions {
  font?: FontFace;
  size?: number;
  color?: Rgb;
  /** `right` puts the text's end at x; `center` its middle. */
  align?: 'left' | 'right' | 'center';
}

/** US Letter, the size North American accounting expects. */
export const LETTER = { width: 612, height: 792 } as const;

type DrawOp =
  | { kind: 'text'; x: number; y: number; text: string; font: FontFace; size: number; color: Rgb }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; width: number; color: Rgb }
  | { kind: 'rect'; x: number; y: number; width: number; height: number; fill: Rgb };

/** One page being drawn. */
export class PdfPage {
  readonly ops: DrawOp[] = [];
  constructor(
    readonly width: number,
    readonly height: number,
  ) {}

  /** Draws one line of text with its baseline at y. */
  text(x: number, y: number, text: string, options: TextOptions = {}): void {
    const font = options.font ?? 'regular';
    const size = options.size ?? 10;
    const shown = printable(text, font);
    const width = textWidth(shown, font, size);
    const left = options.align === 'right' ? x - width : options.align === 'center' ? x - width / 2 : x;
    this.ops.push({ kind: 'text', x: left, y, text: shown, font, size, color: options.color ?? [0, 0, 0] });
  }

  /** A straight line. */
  line(x1: number, y1: number, x2: number, y2: number, options: { width?: number; color?: Rgb } = {}): void {
    this.ops.push({ kind: 'line', x1, y1, x2, y2, width: options.width ?? 0.5, color: options.color ?? [0, 0, 0] });
  }

  /** A filled rectangle whose top-left corner is (x, y). */
  rect(x: number, y: number, width: number, height: number, fill: Rgb): void {
    this.ops.push({ kind: 'rect', x, y, width, height, fill });
  }
}

/** Width in points of `text` in a font and size, as `PdfPage.text` would set it. */
export function measure(text: string, font: FontFace, size: number): number {
  return textWidth(printable(text, font), font, size);
}

export interface DocumentInfo {
  title: string;
  author?: string;
  /** Creation and modification date written into the file (the document's own date, not now). */
  date: Date;
}

const PRODUCER = 'HiveMatrix Ledger';

/** A document: add pages, draw, then `toBytes()`. */
export class PdfDocument {
  readonly pages: PdfPage[] = [];
  constructor(private readonly info: DocumentInfo) {}

  addPage(size: { width: number; height: number } = LETTER): PdfPage {
    const page = new PdfPage(size.width, size.height);
    this.pages.push(page);
    return page;
  }

  /** Serialises the document with pdf-lib, embedding the subset of each font that was used. */
  async toBytes(): Promise<Buffer> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.registerFontkit(cachedFontkit);
    const used = new Set(this.pages.flatMap((page) => page.ops.flatMap((op) => (op.kind === 'text' ? [op.font] : []))));
    const fonts = new Map<FontFace, PDFFont>();
    // Embedded in a fixed order, so object numbers do not depend on which face was drawn first.
    for (const face of ['regular', 'bold'] as const) {
      if (used.has(face))
        fonts.set(
          face,
          await doc.embedFont(fontBytes(face), {
            subset: true,
            customName: SUBSET_NAMES[face],
            features: FONT_FEATURES,
          }),
        );
    }
    for (const page of this.pages) {
      const target = doc.addPage([page.width, page.height]);
      for (const op of page.ops) {
        if (op.kind === 'text') {
          const font = fonts.get(op.font);
          if (font === undefined) throw new Error(`font ${op.font} was not embedded`);
          target.drawText(op.text, { x: op.x, y: page.height - op.y, size: op.size, font, color: rgb(...op.color) });
        } else if (op.kind === 'line') {
          target.drawLine({
            start: { x: op.x1, y: page.height - op.y1 },
            end: { x: op.x2, y: page.height - op.y2 },
            thickness: op.width,
            color: rgb(...op.color),
          });
        } else {
          target.drawRectangle({
            x: op.x,
            y: page.height - op.y - op.height,
            width: op.width,
            height: op.height,
            color: rgb(...op.fill),
          });
        }
      }
    }
    doc.setTitle(this.info.title);
    if (this.info.author !== undefined) doc.setAuthor(this.info.author);
    doc.setProducer(PRODUCER);
    doc.setCreator(PRODUCER);
    doc.setCreationDate(this.info.date);
    doc.setModificationDate(this.info.date);
    // The file identifier (ISO 32000 §14.4): derived from what is drawn, so equal documents share it.
    const id = PDFHexString.of(this.fingerprint());
    doc.context.trailerInfo.ID = doc.context.obj([id, id]);
    return Buffer.from(await doc.save({ addDefaultPage: false }));
  }

  /** 16 bytes (hex) of sha256 over the info and every page's drawing. */
  private fingerprint(): string {
    const content = JSON.stringify({
      info: { ...this.info, date: this.info.date.toISOString() },
      pages: this.pages.map((page) => [page.width, page.height, page.ops]),
    });
    return createHash('sha256').update(content).digest('hex').slice(0, 32);
  }
}
