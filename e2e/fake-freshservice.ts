/**
 * A Freshservice account for the browser tests, on 127.0.0.1 and port 0, answering as the API v2
 * documentation describes (https://api.freshservice.com/v2/):
 * - HTTP Basic authentication with the API key as the user name and "X" as the password; anything
 *   else is 401 with Freshservice's JSON error body `{"code":"invalid_credentials","message":…}`.
 * - Lists paged with `page` (from 1) and `per_page` (default 30, at most 100): the next page is
 *   announced in the `Link` header (`<…>; rel="next"`), the last page has none.
 * - `/api/v2/departments` (companies; the MSP's account number is a custom field), `/requesters`,
 *   `/agents`, `/workspaces`, `/tickets` (with `updated_since`, `filter=deleted|spam`,
 *   `workspace_id`; deleted and spam tickets only through their filter), and per ticket
 *   `/conversations` and `/time_entries`; an unknown path is 404.
 * It is written here rather than imported from codex's tests: the browser tests reach services
 * only as an operator does, never through their source.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFreshservice {
  /** `http://127.0.0.1:<port>`, what an admin enters as the Freshservice address. */
  url: string;
  /** The API key it accepts. */
  apiKey: string;
  /** Every request as `METHOD /path?query` and whether it was authorised. */
  log: { request: string; authorised: boolean }[];
  close(): Promise<void>;
}

interface Ticket {
  id: number;
  subject: string;
  status: number;
  priority: number;
  department_id: number;
  requester_id: number;
  responder_id: number | null;
  created_at: string;
  updated_at: string;
  due_by: string;
  fr_due_by: string;
  deleted?: boolean;
  spam?: boolean;
  conversations: {
    id: number;
    body_text: string;
    private: boolean;
    incoming: boolean;
    from_email: string | null;
    created_at: string;
  }[];
  time_entries: {
    id: number;
    time_spent: string;
    executed_at: string;
    billable: boolean;
    agent_id: number;
    note: string;
    created_at: string;
  }[];
}

const WORKSPACE = { id: 2, name: 'IT', primary: true, state: 'active' };

/** A small MSP: two client companies (departments), their people, one agent, a few tickets. */
function account(now: Date) {
  const day = 86_400_000;
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * day).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const departments = [
    {
      id: 11,
      name: 'Woodgrove Clinic',
      description: 'Two practices',
      domains: ['woodgrove-clinic.example'],
      custom_fields: {
        account_number: 410001,
        contract_term: '1-Year',
        contract_start_date: '2026-01-01',
        managed_users: '8',
      },
    },
    {
      id: 12,
      name: 'Litware Legal',
      description: null,
      domains: ['litware-legal.example'],
      custom_fields: { account_number: '410002', contract_term: 'monthly' },
    },
  ];
  const requesters = [
    {
      id: 21,
      first_name: 'Nora',
      last_name: 'Lind',
      primary_email: 'nora@woodgrove-clinic.example',
      active: true,
      job_title: 'Office manager',
      department_ids: [11],
    },
    {
      id: 22,
      first_name: 'Olle',
      last_name: 'Berg',
      primary_email: 'olle@woodgrove-clinic.example',
      active: true,
      job_title: null,
      department_ids: [11],
    },
    {
      id: 23,
      first_name: 'Fay',
      last_name: 'Moss',
      primary_email: 'fay@litware-legal.example',
      active: true,
      job_title: 'Partner',
      department_ids: [12],
    },
  ];
  const agents = [
    { id: 31, first_name: 'Sam', last_name: 'Okafor', email: 'sam@msp.example', active: true, job_title: 'Technician' },
  ];
  const tickets: Ticket[] = [
    {
      id: 7001,
      subject: 'Scanner does not send to email',
      status: 4,
      priority: 2,
      department_id: 11,
      requester_id: 21,
      responder_id: 31,
      created_at: at(6),
      updated_at: at(5),
      due_by: at(3),
      fr_due_by: at(5),
      conversations: [
        {
          id: 1,
          body_text: 'The scanner stopped sending scans.',
          private: false,
          incoming: true,
          from_email: 'nora@woodgrove-clinic.example',
          created_at: at(6),
        },
      ],
      time_entries: [
        {
          id: 9101,
          time_spent: '01:15',
          executed_at: at(5),
          billable: true,
          agent_id: 31,
          note: 'SMTP relay fixed',
          created_at: at(5),
        },
      ],
    },
    {
      id: 7002,
      subject: 'New laptop for the partner',
      status: 2,
      priority: 2,
      department_id: 12,
      requester_id: 23,
      responder_id: 31,
      created_at: at(2),
      updated_at: at(1),
      due_by: at(-5),
      fr_due_by: at(1),
      conversations: [],
      time_entries: [
        {
          id: 9102,
          time_spent: '00:30',
          executed_at: at(1),
          billable: true,
          agent_id: 31,
          note: 'Ordered',
          created_at: at(1),
        },
      ],
    },
    {
      id: 7003,
      subject: 'You won a prize',
      status: 2,
      priority: 1,
      department_id: 12,
      requester_id: 23,
      responder_id: null,
      created_at: at(3),
      updated_at: at(3),
      due_by: at(-1),
      fr_due_by: at(-1),
      spam: true,
      conversations: [],
      time_entries: [],
    },
  ];
  return { departments, requesters, agents, tickets };
}

const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 30;

/** Starts the fake account; `apiKey` is the key it accepts. */
export async function startFakeFreshservice(apiKey: string, now = new Date()): Promise<FakeFreshservice> {
  const data = account(now);
  const log: FakeFreshservice['log'] = [];
  const expected = `Basic ${Buffer.from(`${apiKey}:X`).toString('base64')}`;
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  /** One page of `items` under `key`, with the `Link` header while more follow. */
  const list = (res: ServerResponse, url: URL, key: string, items: readonly unknown[]) => {
    const page = Number(url.searchParams.get('page') ?? '1');
    const perPage = Number(url.searchParams.get('per_page') ?? String(DEFAULT_PER_PAGE));
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
      return send(res, 400, {
        description: 'Validation failed',
        errors: [
          { field: 'per_page', message: `per_page must be between 1 and ${MAX_PER_PAGE}`, code: 'invalid_value' },
        ],
      });
    }
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const more = page * perPage < items.length;
    const next = new URLSearchParams(url.searchParams);
    next.set('page', String(page + 1));
    return send(
      res,
      200,
      { [key]: slice },
      more ? { link: `<${base}${url.pathname}?${next.toString()}>; rel="next"` } : {},
    );
  };

  const shape = ({ conversations: _conversations, time_entries: _entries, ...ticket }: Ticket) => ({
    ...ticket,
    deleted: ticket.deleted === true,
    spam: ticket.spam === true,
    workspace_id: WORKSPACE.id,
    type: 'Incident',
    source: 2,
    requester: null,
    stats: { first_responded_at: null, resolved_at: ticket.status === 4 ? ticket.updated_at : null, closed_at: null },
  });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    const authorised = req.headers.authorization === expected;
    log.push({ request: `${req.method ?? 'GET'} ${url.pathname}${url.search}`, authorised });
    if (!authorised)
      return send(res, 401, {
        code: 'invalid_credentials',
        message: 'You have to be logged in to perform this action.',
      });
    if (req.method !== 'GET')
      return send(res, 405, { code: 'method_not_allowed', message: 'This method is not supported by the fake.' });
    const perTicket = /^\/api\/v2\/tickets\/(\d+)(?:\/(conversations|time_entries))?$/.exec(url.pathname);
    if (perTicket !== null) {
      const ticket = data.tickets.find((entry) => entry.id === Number(perTicket[1]));
      if (ticket === undefined) return send(res, 404, { code: 'access_denied', message: 'Record not found' });
      if (perTicket[2] === undefined) return send(res, 200, { ticket: shape(ticket) });
      return perTicket[2] === 'conversations'
        ? list(res, url, 'conversations', ticket.conversations)
        : list(res, url, 'time_entries', ticket.time_entries);
    }
    switch (url.pathname) {
      case '/api/v2/departments':
        return list(res, url, 'departments', data.departments);
      case '/api/v2/requesters':
        return list(res, url, 'requesters', data.requesters);
      case '/api/v2/agents':
        return list(res, url, 'agents', data.agents);
      case '/api/v2/workspaces':
        return list(res, url, 'workspaces', [WORKSPACE]);
      case '/api/v2/tickets': {
        const filter = url.searchParams.get('filter');
        if (filter !== null && !['new_and_my_open', 'watching', 'spam', 'deleted'].includes(filter)) {
          return send(res, 400, {
            description: 'Validation failed',
            errors: [
              {
                field: 'filter',
                message: 'It should be one of these values: new_and_my_open,watching,spam,deleted',
                code: 'invalid_value',
              },
            ],
          });
        }
        const workspace = url.searchParams.get('workspace_id');
        if (workspace !== null && workspace !== '0' && workspace !== String(WORKSPACE.id))
          return list(res, url, 'tickets', []);
        const since = Date.parse(url.searchParams.get('updated_since') ?? '');
        // Without updated_since the list holds the last 30 days' tickets only, as documented.
        const from = Number.isNaN(since) ? now.getTime() - 30 * 86_400_000 : since;
        const shown = data.tickets.filter((ticket) => {
          if (filter === 'deleted') return ticket.deleted === true;
          if (filter === 'spam') return ticket.spam === true && ticket.deleted !== true;
          return ticket.deleted !== true && ticket.spam !== true && Date.parse(ticket.updated_at) > from;
        });
        return list(res, url, 'tickets', shown.map(shape));
      }
      default:
        return send(res, 404, { code: 'access_denied', message: 'Record not found' });
    }
  };

  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    apiKey,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
