// KnowledgeTree Markdown editor: toolbar, live preview (rendered and sanitised by the server, the
// same renderer as a save), image paste and drop uploaded as attachments, and a guard against
// leaving with unsaved changes. Plain module, no CDN (the gateway's CSP is script-src 'self').
/* global document, window, fetch, FormData, setTimeout, clearTimeout */
import { applySafeStyles } from './kt-article.js';
import { emptyTable, fencedBlock, tableFromText, toggleTasks } from './kt-markdown.js';

const form = document.getElementById('kt-editor');
const textarea = document.getElementById('markdown');
const preview = document.getElementById('preview');

const WRAP = {
  bold: ['**', '**', 'bold text'],
  italic: ['_', '_', 'italic text'],
  strike: ['~~', '~~', 'struck text'],
  code: ['`', '`', 'code'],
  link: ['[', '](https://)', 'link text'],
};
const LINE = { heading: '## ', quote: '> ', ul: '- ', ol: '1. ' };
const BLOCK = { hr: '---' };

function replaceSelection(before, after, placeholder) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const selected = value.slice(start, end) || placeholder;
  textarea.setRangeText(before + selected + after, start, end, 'end');
  textarea.setSelectionRange(start + before.length, start + before.length + selected.length);
}

function prefixLines(prefix) {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const lineStart = value.lastIndexOf('\n', start - 1) + 1;
  const block = value.slice(lineStart, end);
  textarea.setRangeText(
    block
      .split('\n')
      .map((line) => prefix + line)
      .join('\n'),
    lineStart,
    end,
    'end',
  );
}

/** The selection widened to whole lines: [start, end]. */
function selectedLines() {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const lineStart = value.lastIndexOf('\n', start - 1) + 1;
  const next = value.indexOf('\n', end > start && value[end - 1] === '\n' ? end - 1 : end);
  return [lineStart, next === -1 ? value.length : next];
}

/**
 * Replaces [start, end] by a block on lines of its own (a blank line before and after, as
 * Markdown needs around tables and fences) and selects `select` within it ([offset, length]).
 */
function replaceWithBlock(block, start, end, select) {
  const { value } = textarea;
  const before =
    start === 0
      ? ''
      : value.slice(0, start).endsWith('\n\n')
        ? ''
        : value.slice(0, start).endsWith('\n')
          ? '\n'
          : '\n\n';
  const after = value.slice(end).startsWith('\n\n') ? '' : value.slice(end).startsWith('\n') ? '\n' : '\n\n';
  textarea.setRangeText(before + block + after, start, end, 'end');
  if (select)
    textarea.setSelectionRange(start + before.length + select[0], start + before.length + select[0] + select[1]);
}

/** Table: spreadsheet or CSV lines selected become a table; otherwise an empty one of the chosen size. */
function insertTable() {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const fromText = start === end ? undefined : tableFromText(value.slice(start, end));
  if (fromText !== undefined) {
    const [lineStart, lineEnd] = selectedLines();
    replaceWithBlock(fromText, lineStart, lineEnd);
    return;
  }
  const columns = document.getElementById('kt-table-columns');
  const rows = document.getElementById('kt-table-rows');
  const table = emptyTable(columns ? columns.value : 2, rows ? rows.value : 2);
  // The first header cell is selected, ready to be typed over.
  replaceWithBlock(table, start, end, [2, 'Column 1'.length]);
}

/** Code block: the selection (or a placeholder, selected) fenced in the chosen language. */
function insertCodeBlock() {
  const { selectionStart: start, selectionEnd: end, value } = textarea;
  const language = document.getElementById('kt-code-language');
  const code = value.slice(start, end) || 'code';
  const block = fencedBlock(code, language ? language.value : '');
  const firstLine = block.indexOf('\n') + 1;
  replaceWithBlock(block, start, end, [firstLine, code.replace(/\n$/, '').length]);
}

/** Task list: the selected lines become tasks, or their boxes are ticked / cleared. */
function toggleTaskLines() {
  const [lineStart, lineEnd] = selectedLines();
  const text = toggleTasks(textarea.value.slice(lineStart, lineEnd));
  textarea.setRangeText(text, lineStart, lineEnd, 'end');
  textarea.setSelectionRange(lineStart, lineStart + text.length);
}

const HELPERS = { table: insertTable, codeblock: insertCodeBlock, task: toggleTaskLines };

export function insertText(text) {
  textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, 'end');
  changed();
}

let dirty = false;
let timer;
let sequence = 0;

async function renderPreview() {
  const mine = ++sequence;
  try {
    const response = await fetch(form.dataset.renderUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ markdown: textarea.value }),
    });
    if (!response.ok || mine !== sequence) return;
    const { html } = await response.json();
    // The server sanitised this HTML with the article allow-list.
    preview.innerHTML = html;
    applySafeStyles(preview);
  } catch {
    // The preview is a convenience; the text is still in the textarea.
  }
}

function changed() {
  dirty = true;
  clearTimeout(timer);
  timer = setTimeout(renderPreview, 250);
}

async function upload(files) {
  const images = [...files].filter((file) => file.type.startsWith('image/'));
  if (images.length === 0) return false;
  const body = new FormData();
  for (const file of images) {
    const extension = file.type.split('/')[1] === 'jpeg' ? 'jpg' : file.type.split('/')[1];
    const name = file.name && file.name.includes('.') ? file.name : `pasted-image.${extension}`;
    body.append('file', file, name);
  }
  const placeholder = `![Uploading…]()`;
  insertText(placeholder);
  const response = await fetch(form.dataset.uploadUrl, {
    method: 'POST',
    body,
    headers: { accept: 'application/json' },
  });
  const value = textarea.value;
  const at = value.indexOf(placeholder);
  let replacement = '';
  if (response.ok) {
    const { attachments } = await response.json();
    replacement = attachments.map((a) => `![${a.filename.replace(/[[\]]/g, '')}](${a.url})`).join('\n');
  } else {
    const problem = await response.json().catch(() => ({}));
    window.alert(`The image was not uploaded: ${problem.detail || response.status}`);
  }
  if (at >= 0) textarea.setRangeText(replacement, at, at + placeholder.length, 'end');
  changed();
  return true;
}

if (form && textarea && preview) {
  for (const button of form.querySelectorAll('[data-md]')) {
    button.addEventListener('click', () => {
      const action = button.dataset.md;
      if (WRAP[action]) replaceSelection(...WRAP[action]);
      else if (LINE[action]) prefixLines(LINE[action]);
      else if (HELPERS[action]) HELPERS[action]();
      else if (BLOCK[action]) replaceWithBlock(BLOCK[action], textarea.selectionStart, textarea.selectionEnd);
      textarea.focus();
      changed();
    });
  }
  textarea.addEventListener('input', changed);
  textarea.addEventListener('paste', (event) => {
    const files = event.clipboardData ? event.clipboardData.files : [];
    if (files.length > 0 && [...files].some((f) => f.type.startsWith('image/'))) {
      event.preventDefault();
      void upload(files);
    }
  });
  textarea.addEventListener('dragover', (event) => event.preventDefault());
  textarea.addEventListener('drop', (event) => {
    if (event.dataTransfer && event.dataTransfer.files.length > 0) {
      event.preventDefault();
      void upload(event.dataTransfer.files);
    }
  });
  form.addEventListener('submit', () => {
    dirty = false;
  });
  window.addEventListener('beforeunload', (event) => {
    if (dirty) event.preventDefault();
  });
  void renderPreview();
}
