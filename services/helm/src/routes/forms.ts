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
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
}
