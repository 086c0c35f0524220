/**
 * GitHub-style task lists (`- [ ] todo`, `- [x] done`) for markdown-it: the list item gets a class
 * and a disabled checkbox. A few lines of token rewriting, so no extra, less-kept plugin.
 */
import type { MarkdownIt } from 'markdown-it';

const BOX = /^\[([ xX])\]\s/;

export function taskLists(md: MarkdownIt): void {
  md.core.ruler.after('inline', 'task-lists', (state) => {
    const tokens = state.tokens;
    for (let i = 2; i < tokens.length; i += 1) {
      const inline = tokens[i];
      const paragraph = tokens[i - 1];
      const item = tokens[i - 2];
      if (inline?.type !== 'inline' || paragraph?.type !== 'paragraph_open' || item?.type !== 'list_item_open')
        continue;
      const first = inline.children?.[0];
      const match = first?.type === 'text' ? BOX.exec(first.content) : null;
      if (!first || !match) continue;
      first.content = first.content.slice(match[0].length);
      inline.content = inline.content.slice(match[0].length);
      const checkbox = new state.Token('html_inline', '', 0);
      checkbox.content =
        match[1] === ' ' ? '<input type="checkbox" disabled> ' : '<input type="checkbox" checked disabled> ';
      inline.children?.unshift(checkbox);
      item.attrJoin('class', 'task-list-item');
    }
    return true;
  });
}
