/**
 * Markdown → safe HTML, a table of contents and a plain-text rendering for search.
 *
 * markdown-it (CommonMark) parses; raw HTML in the Markdown is allowed through the parser and then
 * sanitize-html removes everything not on the allow-list. Unlike the original's bleach without a
 * CSS sanitiser (reference §2.5, §2.11 item 7), safe inline CSS survives: text alignment,
 * widths on tables and cells, and a colour. Links and images keep only http(s), mailto and
 * relative URLs, so `javascript:` and `data:` never reach the page.
 */
import MarkdownIt, { type MarkdownIt as MarkdownItInstance } from 'markdown-it';
import anchor from 'markdown-it-anchor';
import sanitizeHtml from 'sanitize-html';
import { taskLists } from './task-lists.js';

/** Bump when the output of `renderMarkdown` changes: cached renders of older versions are redone. */
export const RENDER_VERSION = 1;

export interface TocEntry {
  level: number;
  text: string;
  slug: string;
}

export interface Rendered {
  html: string;
  toc: TocEntry[];
  plain: string;
}

/** The slug of a heading: lower-case letters, digits and dashes, so it is inert in an id attribute. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s+/g, '-');
  return slug === '' ? 'section' : slug.slice(0, 80);
}

function parser(): MarkdownItInstance {
  const md = new MarkdownIt({ html: true, linkify: true, typographer: false });
  md.use(anchor, { slugify, tabIndex: false });
  md.use(taskLists);
  return md;
}

const md = parser();

const LENGTH = /^\d{1,4}(\.\d+)?(px|%|em|rem)$/;
const ALIGN = /^(left|right|center|justify)$/;
const COLOUR = /^(#[0-9a-f]{3,8}|[a-z]{3,20}|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\))$/i;

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'u',
    's',
    'del',
    'ins',
    'i',
    'b',
    'code',
    'pre',
    'kbd',
    'mark',
    'sub',
    'sup',
    'small',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'ul',
    'ol',
    'li',
    'blockquote',
    'a',
    'img',
    'figure',
    'figcaption',
    'table',
    'thead',
    'tbody',
    'tfoot',
    'tr',
    'th',
    'td',
    'caption',
    'colgroup',
    'col',
    'hr',
    'span',
    'div',
    'input',
    'details',
    'summary',
    'dl',
    'dt',
    'dd',
    'abbr',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'id'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    input: ['type', 'checked', 'disabled'],
    th: ['colspan', 'rowspan', 'style'],
    td: ['colspan', 'rowspan', 'style'],
    col: ['span', 'style'],
    ol: ['start'],
    abbr: ['title'],
    h1: ['id'],
    h2: ['id'],
    h3: ['id'],
    h4: ['id'],
    h5: ['id'],
    h6: ['id'],
    '*': ['style', 'class'],
  },
  allowedClasses: { '*': ['task-list-item', 'contains-task-list', 'header-anchor', /^language-[a-z0-9-]+$/] },
  allowedStyles: {
    '*': { 'text-align': [ALIGN], color: [COLOUR], 'background-color': [COLOUR] },
    table: { width: [LENGTH], 'text-align': [ALIGN] },
    col: { width: [LENGTH] },
    th: { width: [LENGTH], 'text-align': [ALIGN] },
    td: { width: [LENGTH], 'text-align': [ALIGN] },
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // Only checkboxes survive as inputs, and only disabled ones (task lists).
  exclusiveFilter: (frame) => frame.tag === 'input' && frame.attribs.type !== 'checkbox',
  transformTags: {
    input: (tagName, attribs) => ({ tagName, attribs: { ...attribs, disabled: '' } }),
    a: (tagName, attribs) => {
      const external = /^(https?:)?\/\//i.test(attribs.href ?? '');
      return {
        tagName,
        attribs: external ? { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } : attribs,
      };
    },
  },
  nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'iframe', 'object', 'embed'],
};
// `rel` and `target` are added by the transform above, after the attribute filter has run on
// author input, so authors cannot set them; allow them on output.
(SANITIZE.allowedAttributes as Record<string, string[]>).a?.push('rel', 'target');

/** Sanitises HTML with the article allow-list (exported for the sanitiser tests). */
export function sanitize(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}

/** Renders an article's Markdown. Pure: same input, same output. */
export function renderMarkdown(markdown: string): Rendered {
  const env = {};
  const tokens = md.parse(markdown, env);
  const toc: TocEntry[] = [];
  const plain: string[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token === undefined) continue;
    if (token.type === 'heading_open') {
      const inline = tokens[i + 1];
      const text = (inline?.children ?? [])
        .filter((c: { type: string }) => c.type === 'text' || c.type === 'code_inline')
        .map((c: { content: string }) => c.content)
        .join('');
      const id = token.attrGet('id');
      if (id !== null) toc.push({ level: Number(token.tag.slice(1)), text, slug: String(id) });
    }
    if (token.type === 'inline') plain.push(inlineText(token.children ?? []));
    if (token.type === 'fence' || token.type === 'code_block') plain.push(token.content);
    if (token.type === 'html_block') plain.push(textOfHtml(token.content));
  }
  const html = sanitize(md.renderer.render(tokens, md.options, env));
  // Control characters other than newlines and tabs are dropped: search snippets use two as markers.
  const text = plain.filter((p) => p.trim() !== '').join('\n');
  return { html, toc, plain: stripControls(text) };
}

function inlineText(children: { type: string; content: string; children: unknown }[]): string {
  return children
    .map((c) => {
      if (c.type === 'text' || c.type === 'code_inline') return c.content;
      if (c.type === 'softbreak' || c.type === 'hardbreak') return ' ';
      if (c.type === 'image') return c.content; // the alt text
      if (c.type === 'html_inline') return '';
      return '';
    })
    .join('');
}

/** The text of an HTML fragment, markup removed (for the search rendering of raw HTML blocks). */
function textOfHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: [],
    allowedAttributes: {},
    nonTextTags: ['style', 'script', 'textarea', 'option'],
  })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function stripControls(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code >= 32 || char === '\n' || char === '\t') out += char;
  }
  return out;
}
