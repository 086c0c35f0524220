/**
 * What the codex job reads from codex, and how: codex's own list and detail routes (companies,
 * contacts, assets, tickets), every answer parsed by a zod schema of the fields used before it is
 * trusted (codex's response schemas: services/codex/src/routes/api-schemas*.ts). Lists are paged
 * 500 at a time until `total` is reached.
 */
import { z } from 'zod';
import { ServiceCallError, type ServiceClient } from '@hivematrix/sdk';

const nullableText = z.string().nullable();

export const codexCompany = z.object({
  account_number: z.string(),
  name: z.string(),
  description: nullableText,
  plan_name: nullableText,
  support_level: nullableText,
  domains: z.array(z.string()),
  main_location: nullableText,
  phone: nullableText,
  email_system: nullableText,
  phone_system: nullableText,
  archived_at: nullableText,
});

export const codexContact = z.object({
  id: z.number().int(),
  name: z.string(),
  email: nullableText,
  active: z.boolean(),
  roles: z.array(z.string()),
  job_title: nullableText,
  mobile_phone: nullableText,
  work_phone: nullableText,
  vip: z.boolean(),
  archived_at: nullableText,
});

export const codexAsset = z.object({
  id: z.number().int(),
  hostname: z.string(),
  hardware_type: nullableText,
  billing_type: z.string(),
  operating_system: nullableText,
  int_ip: nullableText,
  ext_ip: nullableText,
  online: z.boolean(),
  patch_status: nullableText,
  antivirus_product: nullableText,
  last_logged_in_user: nullableText,
  domain: nullableText,
  site_name: nullableText,
  description: nullableText,
  archived_at: nullableText,
});

export const codexTicketSummary = z.object({
  id: z.number().int(),
  ticket_number: z.string(),
  subject: z.string(),
  updated_at: z.string(),
});

export const codexTicketDetail = z.object({
  ticket: z.object({
    id: z.number().int(),
    ticket_number: z.string(),
    subject: z.string(),
    status: z.string(),
    priority: nullableText,
    ticket_type: nullableText,
    requester_name: nullableText,
    requester_email: nullableText,
    agent_name: nullableText,
    created_at: z.string(),
    updated_at: z.string(),
    closed_at: nullableText,
    description_text: nullableText,
  }),
  conversations: z.array(
    z.object({
      id: z.number().int(),
      body_text: z.string(),
      private: z.boolean(),
      incoming: z.boolean(),
      from_email: nullableText,
      created_at: z.string(),
    }),
  ),
});

export type CodexCompany = z.infer<typeof codexCompany>;
export type CodexContact = z.infer<typeof codexContact>;
export type CodexAsset = z.infer<typeof codexAsset>;
export type CodexTicketSummary = z.infer<typeof codexTicketSummary>;
export type CodexTicketDetail = z.infer<typeof codexTicketDetail>;

/** One GET against codex: path, query, the schema its answer must satisfy. */
export type CodexGet = <T>(path: string, query: Record<string, string>, schema: z.ZodType<T>) => Promise<T>;

/** What the job needs from codex. */
export interface CodexSource {
  /** Every company, archived ones included. */
  companies(): Promise<CodexCompany[]>;
  /** A company's contacts and assets, archived ones included (`archived_at` set). */
  contacts(account: string): Promise<CodexContact[]>;
  assets(account: string): Promise<CodexAsset[]>;
  /** A company's tickets codex still lists (open and closed; an archived ticket is no longer listed). */
  tickets(account: string): Promise<CodexTicketSummary[]>;
  /** One ticket with its conversation; undefined when codex no longer shows it (archived since it was listed). */
  ticket(id: number): Promise<CodexTicketDetail | undefined>;
}

const PER_PAGE = 500;

async function allPages<T>(
  get: CodexGet,
  path: string,
  query: Record<string, string>,
  item: z.ZodType<T>,
): Promise<T[]> {
  const page = z.object({ items: z.array(item), total: z.number().int() });
  const out: T[] = [];
  for (let n = 1; ; n += 1) {
    const answer = await get(path, { ...query, page: String(n), per_page: String(PER_PAGE) }, page);
    out.push(...answer.items);
    if (answer.items.length === 0 || out.length >= answer.total) return out;
  }
}

/** The source over any GET (the service client in production, a fake codex's routes in tests). */
export function codexSource(get: CodexGet): CodexSource {
  return {
    companies: () => allPages(get, '/api/companies', { archived: 'all' }, codexCompany),
    contacts: (account) =>
      allPages(get, '/api/contacts', { company: account, active: 'all', archived: 'all' }, codexContact),
    assets: (account) => allPages(get, '/api/assets', { company: account, archived: 'all' }, codexAsset),
    tickets: (account) => allPages(get, '/api/tickets', { company: account, state: 'all' }, codexTicketSummary),
    async ticket(id) {
      try {
        return await get(`/api/tickets/${id}`, {}, codexTicketDetail);
      } catch (error) {
        if (error instanceof ServiceCallError && error.upstreamStatus === 404) return undefined;
        throw error;
      }
    },
  };
}

/** Production: codex called with knowledgetree's service token. */
export function serviceCodexGet(client: ServiceClient): CodexGet {
  return (path, query, schema) => client.call('codex', path, { query, schema });
}
