/**
 * Page composition: what the gateway does to every `text/html` page it passes through
 * (reference §2.7, fixed): set the theme, accent and side-panel state on `<html>`, add the
 * stylesheet and scripts at the end of `<head>`, and wrap the body's content in the side-panel
 * layout. Fragments (no real `<html>` and `<body>`) are returned unchanged.
 */
import { normalizeAccent, normalizeTheme } from './appearance.js';
import { headAssets } from './assets.js';
import type { ComposeContext } from './context.js';
import { findLandmarks, type TagSpan } from './scan.js';
import { LAYOUT_CLOSING, renderLayoutOpening } from './side-panel.js';

/** Attributes of `<html>` the gateway owns; a page's own values are replaced. */
const OWNED_ATTRIBUTES = new Set(['data-theme', 'data-color-theme', 'data-sidebar']);

/** The `<html>` start tag with the page's other attributes kept as written and ours appended. */
function rewriteHtmlTag(source: string, tag: TagSpan, ctx: ComposeContext): string {
  let out = '<html';
  for (const attribute of tag.attributes) {
    if (!OWNED_ATTRIBUTES.has(attribute.name)) out += ` ${source.slice(attribute.start, attribute.end)}`;
  }
  // Both values come from fixed lists, so they need no escaping.
  const theme = normalizeTheme(ctx.theme);
  const accent = normalizeAccent(ctx.accent);
  const sidebar = ctx.sidebarCollapsed ? 'collapsed' : 'expanded';
  return `${out} data-theme="${theme}" data-color-theme="${accent}" data-sidebar="${sidebar}">`;
}

/**
 * Returns `html` composed for the user described by `ctx`, or unchanged when it is a fragment.
 * Runs in time linear in the page's length.
 */
export function composePage(html: string, ctx: ComposeContext): string {
  const marks = findLandmarks(html);
  if (marks === undefined) return html;
  const { html: htmlTag, body } = marks;
  // Assets go before `</head>`, or before `<body>` when the page has no `</head>` (the parser
  // still places them in the head). A `</head>` after `<body>` is ignored, like the parser does.
  const assetsAt = marks.headClose ?? body.start;
  const bodyEnd = marks.bodyClose ?? marks.htmlClose ?? html.length;
  return (
    html.slice(0, htmlTag.start) +
    rewriteHtmlTag(html, htmlTag, ctx) +
    html.slice(htmlTag.end, assetsAt) +
    headAssets(ctx.assetVersion) +
    html.slice(assetsAt, body.end) +
    renderLayoutOpening(ctx) +
    html.slice(body.end, bodyEnd) +
    LAYOUT_CLOSING +
    html.slice(bodyEnd)
  );
}
