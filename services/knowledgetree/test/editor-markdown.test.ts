/**
 * The editor's Markdown helpers (static/kt-markdown.js, the same file the browser loads): the
 * tables, code blocks and task lists they write are what the server's renderer turns into a
 * table, a fenced code block and checkboxes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emptyTable, fencedBlock, tableFromText, toggleTasks } from '../static/kt-markdown.js';
import { renderMarkdown } from '../src/domain/render.js';

describe('editor Markdown helpers', () => {
  it('inserts an empty table of the chosen size that renders as a table', () => {
    const table = emptyTable(3, 2);
    assert.equal(table.split('\n').length, 4, 'header, delimiter and two rows');
    const html = renderMarkdown(table).html;
    assert.equal((html.match(/<th>/g) ?? []).length, 3);
    assert.equal((html.match(/<tr>/g) ?? []).length, 3);
    assert.equal(emptyTable(0, 500).split('\n').length, 22, 'sizes are clamped to 1–20');
  });

  it('turns spreadsheet and CSV lines into a table, escaping pipes', () => {
    const table = tableFromText('Name\tIP\tNotes\nfw01\t10.0.0.1\tedge | core\nsw01\t10.0.0.2\n');
    assert.equal(
      table,
      '| Name | IP | Notes |\n| --- | --- | --- |\n| fw01 | 10.0.0.1 | edge \\| core |\n| sw01 | 10.0.0.2 |  |',
    );
    const html = renderMarkdown(table ?? '').html;
    assert.match(html, /<td>edge \| core<\/td>/);
    assert.match(tableFromText('a,b\n1,2') ?? '', /^\| a \| b \|/);
    assert.equal(tableFromText('just a sentence'), undefined);
  });

  it('fences code in a language, with a fence longer than any backticks inside', () => {
    assert.equal(fencedBlock('Get-ADUser -Filter *', 'powershell'), '```powershell\nGet-ADUser -Filter *\n```');
    const tricky = fencedBlock('a ``` b', 'bash"><script>');
    assert.equal(tricky, '````bashscript\na ``` b\n````', 'the language keeps word characters only');
    const html = renderMarkdown(tricky).html;
    assert.match(html, /<pre><code class="language-bashscript">a ``` b\n<\/code><\/pre>/);
  });

  it('makes task lists, then ticks and clears them', () => {
    const tasks = toggleTasks('Back up the server\n- Patch the firewall\n  - Check the UPS');
    assert.equal(tasks, '- [ ] Back up the server\n- [ ] Patch the firewall\n  - [ ] Check the UPS');
    const ticked = toggleTasks(tasks);
    assert.equal(ticked, '- [x] Back up the server\n- [x] Patch the firewall\n  - [x] Check the UPS');
    assert.equal(toggleTasks(ticked), tasks);
    const html = renderMarkdown(ticked).html;
    assert.equal(
      (html.match(/<input type="checkbox" checked disabled \/>|<input type="checkbox" checked disabled>/g) ?? [])
        .length,
      3,
      html,
    );
    assert.match(html, /class="task-list-item"/);
  });
});
