/**
 * Reading ledger's PDFs as a person's tools do, with poppler-utils (installed by .ci/run): the text
 * a viewer extracts (`pdftotext`), the document's info and fonts (`pdfinfo`, `pdffonts`), and a
 * page rendered to PNG (`pdftoppm`) under test-artifacts/ for people to look at.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository's test-artifacts/ folder (git-ignored), created on first use. */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../../test-artifacts');

function withFile<T>(pdf: Buffer, run: (file: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-pdf-'));
  try {
    const file = path.join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text pdftotext extracts (`layout`: columns kept in place). */
export function pdfText(pdf: Buffer, options: { layout?: boolean } = {}): string {
  return withFile(pdf, (file) =>
    execFileSync('pdftotext', [...(options.layout === true ? ['-layout'] : []), '-enc', 'UTF-8', file, '-']).toString(
      'utf8',
    ),
  );
}

/** pdfinfo's fields (`Pages`, `CreationDate`, `Producer`, …). */
export function pdfInfo(pdf: Buffer): Map<string, string> {
  const out = withFile(pdf, (file) => execFileSync('pdfinfo', ['-isodates', file]).toString('utf8'));
  return new Map(
    out
      .split('\n')
      .filter((line) => line.includes(':'))
      .map((line) => {
        const at = line.indexOf(':');
        return [line.slice(0, at), line.slice(at + 1).trim()];
      }),
  );
}

/** pdffonts' rows: name, type, embedded, subset, with a ToUnicode map. */
export function pdfFonts(
  pdf: Buffer,
): { name: string; type: string; embedded: boolean; subset: boolean; unicode: boolean }[] {
  const out = withFile(pdf, (file) => execFileSync('pdffonts', [file]).toString('utf8'));
  return out
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cells = line.trim().split(/\s+/);
      // name, type (1–2 words), encoding, emb, sub, uni, object number, generation
      const [emb, sub, uni] = cells.slice(-5, -2);
      return {
        name: cells[0] ?? '',
        type: cells.slice(1, -6).join(' '),
        embedded: emb === 'yes',
        subset: sub === 'yes',
        unicode: uni === 'yes',
      };
    });
}

/** Saves the PDF and its first page as PNG under test-artifacts/ (`<name>.pdf`, `<name>.png`); returns the PNG's path. */
export function saveArtifacts(pdf: Buffer, name: string, resolution = 80): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(file, pdf);
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    String(resolution),
    '-singlefile',
    '-f',
    '1',
    file,
    path.join(ARTIFACTS, name),
  ]);
  return path.join(ARTIFACTS, `${name}.png`);
}
