/** What a page handler hands its view: links under the gateway prefix, the user's level, the flash. */
import type { FastifyRequest } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import type { Flash, ViewContext } from '../views/layout.js';
import { userOf } from './access.js';

/** Messages a redirect may ask a page to show (`?done=<key>`); a key, so no text is reflected from the URL. */
const FLASHES: Readonly<Record<string, Flash>> = {
  'plan-saved': { variant: 'success', message: 'The plan was saved.' },
  'details-saved': { variant: 'success', message: 'The company was saved.' },
  'features-saved': { variant: 'success', message: 'The feature overrides were saved.' },
  'location-added': { variant: 'success', message: 'The location was added.' },
  'location-deleted': { variant: 'success', message: 'The location was deleted.' },
  'billing-type-saved': { variant: 'success', message: 'The billing type was saved.' },
  'roles-saved': { variant: 'success', message: 'The roles were saved.' },
  'plan-row-saved': { variant: 'success', message: 'The plan prices were saved.' },
  'plan-created': { variant: 'success', message: 'The plan was created with all four terms.' },
  'plans-imported': { variant: 'success', message: 'The plans were imported.' },
  'option-added': { variant: 'success', message: 'The option was added.' },
  'category-added': { variant: 'success', message: 'The category was added.' },
  'note-added': { variant: 'success', message: 'The note was added to the ticket.' },
  'settings-saved': { variant: 'success', message: 'Your settings were saved.' },
  'sync-started': { variant: 'info', message: 'The sync started; this page shows its progress.' },
  'sync-running': { variant: 'warning', message: 'That sync is already running.' },
  'schedule-saved': { variant: 'success', message: 'The schedule was saved.' },
  'demo-loaded': {
    variant: 'success',
    message:
      'The demo MSP was loaded: companies with account numbers DEMO-…, their people, devices, plans and tickets.',
  },
  'demo-removed': { variant: 'success', message: 'The demo data was removed; nothing else was touched.' },
  'integration-saved': { variant: 'success', message: 'The integration was saved; the next run uses it.' },
  'integration-test-passed': { variant: 'success', message: 'Saved, and the connection test passed.' },
  'integration-test-failed': {
    variant: 'error',
    message: 'Saved, but the connection test failed: see the message on the integration.',
  },
  'integration-removed': {
    variant: 'success',
    message: 'The saved settings were removed; the service configuration applies again, if it has any.',
  },
};

/** The view context of a page request. */
export function viewContext(request: FastifyRequest): ViewContext {
  const user = userOf(request);
  return {
    urlFor: (path, query) => request.urlFor(path, query),
    level: user.permission_level,
    userName: user.name,
    path: request.url.split('?')[0] ?? '/',
  };
}

/** The flash message a redirect asked for, if any. */
export function flashOf(request: FastifyRequest): Flash | undefined {
  const done = (request.query as Record<string, unknown> | undefined)?.done;
  return typeof done === 'string' ? FLASHES[done] : undefined;
}

/** A positive integer path parameter; anything else is a 404 (there is no such page). */
export function paramId(request: FastifyRequest, name: string): number {
  const raw = (request.params as Record<string, unknown> | undefined)?.[name];
  const value = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw new AppError('not_found', 'There is no such page');
  return value;
}

/** A string path parameter of at most `max` characters; anything else is a 404. */
export function paramText(request: FastifyRequest, name: string, max: number): string {
  const raw = (request.params as Record<string, unknown> | undefined)?.[name];
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > max)
    throw new AppError('not_found', 'There is no such page');
  return raw;
}
