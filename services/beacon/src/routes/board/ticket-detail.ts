/** A ticket for the board's panel: text only (never HTML), the PSA link, and the time since the last agent reply. */
import type { TicketDetail } from '../../codex/index.js';

export interface TicketPanel {
  id: number;
  number: string;
  subject: string;
  status: string;
  priority: string;
  company: string | null;
  requester: string | null;
  requester_email: string | null;
  agent: string | null;
  created_at: string;
  updated_at: string;
  description: string;
  psa_url: string | null;
  last_agent_reply_at: string | null;
  /** Minutes since the last public reply by an agent; null when the desk has not replied. */
  minutes_since_agent_reply: number | null;
  conversation: { id: number; from: string | null; incoming: boolean; private: boolean; at: string; text: string }[];
}

export function presentTicketDetail(detail: TicketDetail, psaUrl: string | null, now: Date): TicketPanel {
  const { ticket } = detail;
  const agentReplies = detail.conversations
    .filter((entry) => !entry.incoming && !entry.private)
    .map((entry) => entry.created_at)
    .sort();
  const last = agentReplies.at(-1) ?? null;
  return {
    id: ticket.id,
    number: ticket.ticket_number,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    company: ticket.company_name,
    requester: ticket.requester_name,
    requester_email: ticket.requester_email,
    agent: ticket.agent_name,
    created_at: ticket.created_at,
    updated_at: ticket.updated_at,
    description: ticket.description_text ?? '',
    psa_url: psaUrl,
    last_agent_reply_at: last,
    minutes_since_agent_reply:
      last === null ? null : Math.max(0, Math.floor((now.getTime() - new Date(last).getTime()) / 60_000)),
    conversation: detail.conversations.map((entry) => ({
      id: entry.id,
      from: entry.from_email,
      incoming: entry.incoming,
      private: entry.private,
      at: entry.created_at,
      text: entry.body_text,
    })),
  };
}
