/**
 * Replies rendered as Markdown safely: markdown-it with raw HTML off, then an allow-list
 * sanitiser (sanitize-html) as a second wall, so model output (which may echo ticket text) can
 * never become markup that runs. Links may only be http(s) or same-site paths.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

const ALLOWED = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'hr',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'del',
    's',
  ],
  allowedAttributes: { a: ['href', 'title'], ol: ['start'], th: ['align'], td: ['align'] },
  allowedSchemes: ['http', 'https'],
  allowProtocolRelative: false,
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer' }) },
} satisfies sanitizeHtml.IOptions;

/** Markdown → sanitised HTML. */
export function renderMarkdown(text: string): string {
  return sanitizeHtml(md.render(text), {
    ...ALLOWED,
    allowedAttributes: { ...ALLOWED.allowedAttributes, a: ['href', 'title', 'rel'] },
  });
}
