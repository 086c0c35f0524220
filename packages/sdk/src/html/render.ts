/**
 * Server-side HTML: preact components rendered to a string.
 *
 * preact-render-to-string escapes every text child and attribute value, so user data placed in
 * JSX cannot become markup. The only way around it, `dangerouslySetInnerHTML`, is used in exactly
 * one audited place (`JsonScript`); services never need it.
 */
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

declare module 'fastify' {
  interface FastifyReply {
    /** Sends a complete HTML document (a `Page`) with `text/html; charset=utf-8`. */
    html(document: VNode, status?: number): FastifyReply;
  }
}

export const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

/** Renders a full document (usually a `Page`) with its doctype, so browsers use standards mode. */
export function renderDocument(vnode: VNode): string {
  return `<!DOCTYPE html>${renderToString(vnode)}`;
}

/** Renders a fragment (no doctype), e.g. for a partial page update. */
export function renderFragment(vnode: VNode): string {
  return renderToString(vnode);
}

/** Fastify plugin decorating `reply.html(vnode, status?)`. */
export const htmlPlugin = fp(
  (app, _options, done) => {
    app.decorateReply('html', function html(this: FastifyReply, document: VNode, status?: number): FastifyReply {
      if (status !== undefined) void this.code(status);
      return this.type(HTML_CONTENT_TYPE).send(renderDocument(document));
    });
    done();
  },
  { name: 'hivematrix-html', fastify: '5.x' },
);
