// KnowledgeTree editor helpers that build Markdown text: tables, fenced code blocks and task
// lists. Pure functions of strings (no DOM), so the editor stays small and these are unit-tested.

/** Escapes a table cell: a pipe would end the cell, a line break the row. */
function cell(text) {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
}

function row(cells) {
  return `| ${cells.join(' | ')} |`;
}

/** An empty table of `columns` × `rows` body rows (1–20 each), with a header row to fill in. */
export function emptyTable(columns, rows) {
  const c = Math.min(20, Math.max(1, Math.floor(Number(columns)) || 1));
  const r = Math.min(20, Math.max(1, Math.floor(Number(rows)) || 1));
  const header = Array.from({ length: c }, (_, i) => `Column ${i + 1}`);
  const lines = [row(header), row(header.map(() => '---'))];
  for (let i = 0; i < r; i += 1) lines.push(row(header.map(() => '   ')));
  return lines.join('\n');
}

/**
 * Text copied from a spreadsheet (tab-separated) or written as CSV-like lines (comma- or
 * semicolon-separated) as a table whose first line is the header; `undefined` when the text has
 * no separator on its first line (then it is not table data).
 */
export function tableFromText(text) {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const first = lines[0];
  if (first === undefined) return undefined;
  const separator = ['\t', ';', ','].find((s) => first.includes(s));
  if (separator === undefined) return undefined;
  const grid = lines.map((line) => line.split(separator).map(cell));
  const width = Math.max(...grid.map((cells) => cells.length));
  const padded = grid.map((cells) => [...cells, ...Array.from({ length: width - cells.length }, () => '')]);
  const [header, ...body] = padded;
  return [row(header), row(header.map(() => '---')), ...body.map(row)].join('\n');
}

/**
 * `code` as a fenced block in `language` (letters, digits, `+#.-` only; empty for none). The fence
 * is longer than any backtick run inside the code, so the code cannot close it early.
 */
export function fencedBlock(code, language) {
  const lang = String(language ?? '')
    .trim()
    .replace(/[^\w+#.-]/g, '');
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${code.replace(/\n$/, '')}\n${fence}`;
}

const TASK = /^(\s*)([-*+]|\d+[.)]) \[([ xX])\] /;
const BULLET = /^(\s*)([-*+]|\d+[.)]) /;

/**
 * Task-list lines: a plain line becomes `- [ ] line`, a list item gains a box, and when every
 * line already is a task the boxes are ticked or, if all are ticked, cleared.
 */
export function toggleTasks(text) {
  const lines = text.split('\n');
  const content = lines.filter((line) => line.trim() !== '');
  if (content.length > 0 && content.every((line) => TASK.test(line))) {
    const allDone = content.every((line) => /\[[xX]\]/.test(TASK.exec(line)[0]));
    return lines
      .map((line) => line.replace(TASK, (_m, indent, bullet) => `${indent}${bullet} [${allDone ? ' ' : 'x'}] `))
      .join('\n');
  }
  return lines
    .map((line) => {
      if (line.trim() === '' && lines.length > 1) return line;
      if (TASK.test(line)) return line;
      if (BULLET.test(line)) return line.replace(BULLET, (_m, indent, bullet) => `${indent}${bullet} [ ] `);
      return `- [ ] ${line}`;
    })
    .join('\n');
}
