/**
 * The shortcuts of the platform home: what a technician, a billing user and an admin each reach
 * for first. A shortcut is shown only when its service is in the registry and the user may open it
 * (the same rule as the side panel), so nobody is offered a link that answers 403.
 */
import type { PermissionLevel, ServicesFile } from '@hivematrix/sdk';
import { isRoutable, mayOpen } from '../registry/index.js';

export interface Shortcut {
  service: string;
  /** Path inside the service. */
  path: string;
  label: string;
  hint: string;
}

const BY_LEVEL: Readonly<Record<PermissionLevel, readonly Shortcut[]>> = {
  technician: [
    { service: 'beacon', path: '/', label: 'Ticket board', hint: 'What needs a response now' },
    { service: 'codex', path: '/companies', label: 'Companies', hint: 'Clients, contacts and assets' },
    { service: 'knowledgetree', path: '/', label: 'Knowledge', hint: 'Search the documentation' },
    { service: 'brainhair', path: '/', label: 'Assistant', hint: 'Ask about a client or a ticket' },
  ],
  billing: [
    { service: 'ledger', path: '/', label: 'Billing dashboard', hint: "This month's bills" },
    { service: 'ledger', path: '/review', label: 'Review bills', hint: 'Bills that changed since last month' },
    { service: 'ledger', path: '/archive', label: 'Invoice archive', hint: 'Accepted invoices' },
    { service: 'codex', path: '/billing-plans', label: 'Billing plans', hint: 'Rates and plans' },
  ],
  admin: [
    { service: 'helm', path: '/setup', label: 'Setup checklist', hint: 'The first steps of a new platform' },
    { service: 'helm', path: '/', label: 'Services', hint: 'Status, start and stop' },
    { service: 'helm', path: '/logs', label: 'Logs', hint: 'Every service, filtered' },
    { service: 'helm', path: '/users', label: 'Users', hint: 'Who may sign in' },
    { service: 'codex', path: '/admin/integrations', label: 'Integrations', hint: 'PSA and RMM connections' },
    { service: 'ledger', path: '/review', label: 'Review bills', hint: 'Bills that changed since last month' },
    { service: 'beacon', path: '/', label: 'Ticket board', hint: 'What needs a response now' },
  ],
  client: [],
};

/** The shortcuts for `level` that the user may open, with their gateway URL. */
export function shortcutsFor(services: ServicesFile, level: PermissionLevel): (Shortcut & { href: string })[] {
  return BY_LEVEL[level]
    .filter(({ service }) => {
      const entry = Object.hasOwn(services, service) ? services[service] : undefined;
      return entry !== undefined && isRoutable(service) && mayOpen(entry, level);
    })
    .map((shortcut) => ({ ...shortcut, href: `/${shortcut.service}${shortcut.path}` }));
}
