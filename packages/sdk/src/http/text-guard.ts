/**
 * Refuses text no service can store: NUL characters (PostgreSQL's `text` cannot hold U+0000 and
 * answers an error, which became a 500) and strings that are not well-formed Unicode (a lone
 * surrogate from `\ud800` in JSON or `%ED%A0%80` in a query; written out they become U+FFFD, so
 * what was stored would not be what was sent). Checked once, for every route of every service,
 * in the query string, the route parameters and the parsed body (keys and values), before the
 * route's own schema runs, with a 400 `validation_failed` naming where.
 */
import type { FastifyInstance } from 'fastify';
import { AppError, type FieldError } from '../errors.js';

/** Deeper bodies than this are not walked further (the body limit bounds the size anyway). */
const MAX_DEPTH = 64;
const MAX_ERRORS = 10;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` is not acceptable, or null when it is. */
export function invalidTextReason(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain a NUL character';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (no lone surrogates)';
  return null;
}

/** Every place in `value` holding unacceptable text (keys included), as `where.path` entries. */
export function findInvalidText(value: unknown, where: string): FieldError[] {
  const found: FieldError[] = [];
  const walk = (node: unknown, path: string, depth: number): void => {
    if (found.length >= MAX_ERRORS || depth > MAX_DEPTH) return;
    if (typeof node === 'string') {
      const reason = invalidTextReason(node);
      if (reason !== null) found.push({ path, message: reason });
      return;
    }
    if (typeof node !== 'object' || node === null || Buffer.isBuffer(node)) return;
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${path}.${index}`, depth + 1));
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      const reason = invalidTextReason(key);
      // The key itself is not echoed: it is the bad text.
      if (reason !== null) found.push({ path, message: `a field name ${reason}` });
      else walk(item, `${path}.${key}`, depth + 1);
    }
  };
  walk(value, where, 0);
  return found;
}

/** Installs the check on every route of `app` (registered before the routes). */
export function installTextGuard(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const errors = [
      ...findInvalidText(request.query, 'querystring'),
      ...findInvalidText(request.params, 'params'),
      ...findInvalidText(request.body, 'body'),
    ];
    if (errors.length === 0) return done();
    done(
      new AppError('validation_failed', 'The request contains a NUL character or text that is not valid Unicode.', {
        errors,
      }),
    );
  });
}
