/**
 * The Markdown of the codex-generated articles: a contact, an asset, a ticket (with its
 * conversation and notes). Every value from codex is text and is escaped for Markdown here, so
 * nothing codex holds becomes markup (the renderer accepts HTML in hand-written articles; a
 * ticket body containing `<img onerror>` must stay text). Pure functions: same data, same text,
 * which is what lets the job skip unchanged records.
 */
import type { CodexAsset, CodexContact, CodexTicketDetail } from './source.js';

/** Backslash-escapes Markdown and HTML syntax in a line of text (CommonMark: any ASCII punctuation may be escaped). */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_{}[\]<>()#+!|~&]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-=]|\d+\.)/, (_m, space: string, mark: string) => `${space}\\${mark}`);
}

/** A block of plain text (a ticket body): lines escaped, blank lines kept as paragraph breaks, line breaks kept. */
export function textBlock(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return paragraphs
    .map((p) =>
      p
        .split('\n')
        .map((line) => escapeMarkdown(line.trim()))
        .join('\\\n'),
    )
    .join('\n\n');
}

/** A title made safe as one path segment (no slash, no control characters, trimmed, at most 200). */
export function segmentTitle(text: string, fallback: string): string {
  const clean = text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a title may not hold
    .replace(/[/\u0000-\u001f\u007f]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200)
    .trim();
  return clean === '' ? fallback : clean;
}

type Field = [label: string, value: string | number | boolean | null | undefined | readonly string[]];

function fieldList(fields: Field[]): string {
  const lines: string[] = [];
  for (const [label, value] of fields) {
    if (value === null || value === undefined || value === '') continue;
    const shown = Array.isArray(value)
      ? value.join(', ')
      : typeof value === 'boolean'
        ? value
          ? 'yes'
          : 'no'
        : String(value);
    if (shown === '') continue;
    lines.push(`- **${label}:** ${escapeMarkdown(shown)}`);
  }
  return lines.join('\n');
}

const NOTICE = '_Generated from codex; read-only here. Edits belong in codex; notes belong beside this folder._';

export function contactMarkdown(contact: CodexContact, account: string): string {
  return (
    [
      `# ${escapeMarkdown(contact.name)}`,
      fieldList([
        ['Job title', contact.job_title],
        ['E-mail', contact.email],
        ['Work phone', contact.work_phone],
        ['Mobile phone', contact.mobile_phone],
        ['Roles', contact.roles],
        ['VIP', contact.vip],
        ['Active', contact.active],
        ['Company', account],
        ['Codex contact id', contact.id],
        ['Archived in codex', contact.archived_at],
      ]),
      NOTICE,
    ].join('\n\n') + '\n'
  );
}

export function assetMarkdown(asset: CodexAsset, account: string): string {
  return (
    [
      `# ${escapeMarkdown(asset.hostname)}`,
      fieldList([
        ['Type', asset.hardware_type],
        ['Billing type', asset.billing_type],
        ['Operating system', asset.operating_system],
        ['Internal IP', asset.int_ip],
        ['External IP', asset.ext_ip],
        ['Domain', asset.domain],
        ['Site', asset.site_name],
        ['Last logged-in user', asset.last_logged_in_user],
        ['Antivirus', asset.antivirus_product],
        ['Patch status', asset.patch_status],
        ['Description', asset.description],
        ['Company', account],
        ['Codex asset id', asset.id],
        ['Archived in codex', asset.archived_at],
      ]),
      NOTICE,
    ].join('\n\n') + '\n'
  );
}

export function ticketTitle(ticket: { ticket_number: string; subject: string }): string {
  return segmentTitle(`#${ticket.ticket_number} ${ticket.subject}`, `#${ticket.ticket_number}`);
}

export function ticketMarkdown(detail: CodexTicketDetail, account: string): string {
  const t = detail.ticket;
  const parts = [
    `# ${escapeMarkdown(`#${t.ticket_number} ${t.subject}`)}`,
    fieldList([
      ['Status', t.status],
      ['Priority', t.priority],
      ['Type', t.ticket_type],
      ['Requester', t.requester_name],
      ['Requester e-mail', t.requester_email],
      ['Agent', t.agent_name],
      ['Created', t.created_at],
      ['Updated', t.updated_at],
      ['Closed', t.closed_at],
      ['Company', account],
      ['Codex ticket id', t.id],
    ]),
    '## Description',
    t.description_text === null || t.description_text.trim() === ''
      ? '_No description._'
      : textBlock(t.description_text),
  ];
  if (detail.conversations.length > 0) {
    parts.push('## Conversation');
    const ordered = [...detail.conversations].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
    for (const entry of ordered) {
      const kind = entry.private ? 'Private note' : entry.incoming ? 'Reply from the requester' : 'Reply';
      const from = entry.from_email === null ? '' : ` from ${entry.from_email}`;
      parts.push(`### ${escapeMarkdown(`${kind}${from}, ${entry.created_at}`)}`);
      parts.push(entry.body_text.trim() === '' ? '_Empty._' : textBlock(entry.body_text));
    }
  }
  parts.push(NOTICE);
  return parts.join('\n\n') + '\n';
}
