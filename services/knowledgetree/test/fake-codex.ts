/**
 * A fake codex for the codex job's tests: the same routes, query parameters, paging and answer
 * shapes as codex's real API (services/codex/src/routes: `/api/companies?archived=`,
 * `/api/contacts?company=&active=&archived=`, `/api/assets?company=&archived=`,
 * `/api/tickets?company=&state=`, `/api/tickets/:id` with `description_text` and conversations;
 * an archived ticket is neither listed nor found, a 404 is a ServiceCallError as the service client
 * raises it). Tests change its records between runs and count the calls.
 */
import { ServiceCallError } from '@hivematrix/sdk';
import { codexSource, type CodexGet, type CodexSource } from '../src/codex/source.js';

export interface FakeCompany {
  account_number: string;
  name: string;
  archived_at: string | null;
}
export interface FakeContact {
  id: number;
  account: string;
  name: string;
  email: string | null;
  archived_at: string | null;
}
export interface FakeAsset {
  id: number;
  account: string;
  hostname: string;
  operating_system: string | null;
  archived_at: string | null;
}
export interface FakeTicket {
  id: number;
  account: string;
  ticket_number: string;
  subject: string;
  status: string;
  updated_at: string;
  description_text: string | null;
  conversations: {
    id: number;
    body_text: string;
    private: boolean;
    incoming: boolean;
    from_email: string | null;
    created_at: string;
  }[];
  archived: boolean;
}

export class FakeCodex {
  companies: FakeCompany[] = [];
  contacts: FakeContact[] = [];
  assets: FakeAsset[] = [];
  tickets: FakeTicket[] = [];
  /** Calls per path, e.g. `/api/tickets/7`. */
  calls = new Map<string, number>();

  /** When set, every call waits for it (a run that is still going). */
  gate: Promise<void> | undefined;

  readonly get: CodexGet = async (path, query, schema) => {
    this.calls.set(path, (this.calls.get(path) ?? 0) + 1);
    if (this.gate !== undefined) await this.gate;
    return schema.parse(this.answer(path, query));
  };

  source(): CodexSource {
    return codexSource(this.get);
  }

  private page<T>(items: T[], query: Record<string, string>) {
    const page = Number(query.page ?? '1');
    const perPage = Number(query.per_page ?? '50');
    return { items: items.slice((page - 1) * perPage, page * perPage), page, per_page: perPage, total: items.length };
  }

  private answer(path: string, query: Record<string, string>): unknown {
    const archivedFilter = <T extends { archived_at: string | null }>(items: T[]) =>
      query.archived === 'all'
        ? items
        : items.filter((i) => (query.archived === 'archived') === (i.archived_at !== null));
    if (path === '/api/companies') {
      return this.page(
        archivedFilter(this.companies).map((c) => ({
          account_number: c.account_number,
          name: c.name,
          description: null,
          compliance_level: 'standard',
          plan_name: null,
          contract_term: null,
          contract_start: null,
          support_level: null,
          domains: [],
          main_location: null,
          phone: null,
          email_system: null,
          phone_system: null,
          managed_users: null,
          managed_devices: null,
          managed_network: null,
          archived_at: c.archived_at,
        })),
        query,
      );
    }
    if (path === '/api/contacts') {
      return this.page(
        archivedFilter(this.contacts.filter((c) => c.account === query.company)).map((c) => ({
          id: c.id,
          name: c.name,
          first_name: null,
          last_name: null,
          email: c.email,
          active: true,
          roles: [],
          job_title: null,
          mobile_phone: null,
          work_phone: null,
          vip: false,
          companies: [{ account_number: c.account, name: c.account }],
          archived_at: c.archived_at,
        })),
        query,
      );
    }
    if (path === '/api/assets') {
      return this.page(
        archivedFilter(this.assets.filter((a) => a.account === query.company)).map((a) => ({
          id: a.id,
          account_number: a.account,
          hostname: a.hostname,
          hardware_type: null,
          rmm_device_type: null,
          billing_type: 'workstation',
          billing_type_derived: 'workstation',
          billing_type_override: null,
          operating_system: a.operating_system,
          int_ip: null,
          ext_ip: null,
          online: true,
          patch_status: null,
          backup_usage_bytes: null,
          backup_usage_tb: null,
          antivirus_product: null,
          last_logged_in_user: null,
          domain: null,
          site_name: null,
          description: null,
          portal_url: null,
          remote_url: null,
          udfs: {},
          archived_at: a.archived_at,
        })),
        query,
      );
    }
    if (path === '/api/tickets') {
      return this.page(
        this.tickets.filter((t) => !t.archived && t.account === query.company).map((t) => this.ticketJson(t)),
        query,
      );
    }
    const match = /^\/api\/tickets\/(\d+)$/.exec(path);
    if (match !== null) {
      const ticket = this.tickets.find((t) => t.id === Number(match[1]) && !t.archived);
      if (ticket === undefined) throw new ServiceCallError('codex', 404, 'not_found');
      return {
        ticket: { ...this.ticketJson(ticket), description_text: ticket.description_text },
        conversations: ticket.conversations,
        time_entries: [],
      };
    }
    throw new ServiceCallError('codex', 404, 'not_found');
  }

  private ticketJson(t: FakeTicket) {
    return {
      id: t.id,
      provider: 'freshservice',
      external_id: String(t.id),
      ticket_number: t.ticket_number,
      subject: t.subject,
      status: t.status,
      priority: 'Low',
      priority_id: 1,
      ticket_type: 'Incident',
      account_number: t.account,
      company_name: t.account,
      compliance_level: 'standard',
      requester_name: 'Req',
      requester_email: 'req@acme.test',
      responder_external_id: null,
      agent_name: 'Agent',
      group_external_id: null,
      workspace_id: null,
      workspace_name: null,
      created_at: '2026-11-01T10:00:00.000Z',
      updated_at: t.updated_at,
      closed_at: null,
      due_by: null,
      fr_due_by: null,
      first_responded_at: null,
    };
  }
}
