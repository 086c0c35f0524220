/**
 * What helm's HTML forms need: an `application/x-www-form-urlencoded` parser (Fastify has none
 * built in). The cross-site request forgery check on every unsafe method is the SDK's
 * (`createServiceApp({ publicUrl })`).
 */
import type { ServiceApp } from '@hivematrix/sdk';

const FORM_BODY_LIMIT = 64 * 1024;

/** Registers the urlencoded parser on `app`. */
export function installForms(app: ServiceApp): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
    // A repeated name (several checkboxes named alike) becomes an array of its values.
    // (A Map, so a field named `__proto__` stays a plain field.)
    const fields = new Map<string, string | string[]>();
    for (const [name, value] of new URLSearchParams(String(body))) {
      const previous = fields.get(name);
      fields.set(name, previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]);
    }
    done(null, Object.fromEntries(fields));
  });
}
