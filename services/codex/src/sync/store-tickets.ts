/**
 * Writing fetched tickets with their conversations and dated time entries. Tickets are fetched
 * incrementally, so a ticket missing from a run is not gone; only a ticket the PSA deleted or
 * marked spam (`discardedAs`, or a discarded status of another vendor) is archived, and with it
 * its time stops counting (the time-entry queries skip archived tickets). A time entry missing from its ticket's complete list was removed in the PSA
 * and is archived, so it stops counting towards billing.
 */
import { and, eq, inArray, isNull, notInArray, sql } from 'drizzle-orm';
import {
  companyLinks,
  contactLinks,
  contacts,
  psaAgents,
  ticketConversations,
  tickets,
  timeEntries,
} from '../db/index.js';
import type { CodexDb } from '../db/index.js';
import { DISCARDED_STATUSES } from '../domain/index.js';
import type { ExtTicket } from './provider.js';
import { differs, emptyBatch, storeEach, type BatchResult } from './store-directory.js';

async function companyIdOf(db: CodexDb, provider: string, externalId: string | null): Promise<number | null> {
  if (externalId === null) return null;
  const [link] = await db
    .select({ id: companyLinks.companyId })
    .from(companyLinks)
    .where(and(eq(companyLinks.provider, provider), eq(companyLinks.externalId, externalId)));
  return link?.id ?? null;
}

/** The requester's name and e-mail from the contact the PSA id links to, when the ticket lacks them. */
async function requesterOf(
  db: CodexDb,
  provider: string,
  ticket: ExtTicket,
): Promise<{ name: string | null; email: string | null }> {
  if ((ticket.requesterName ?? null) !== null || ticket.requesterExternalId == null)
    return { name: ticket.requesterName ?? null, email: ticket.requesterEmail ?? null };
  const [row] = await db
    .select({ name: contacts.name, email: contacts.email })
    .from(contactLinks)
    .innerJoin(contacts, eq(contacts.id, contactLinks.contactId))
    .where(and(eq(contactLinks.provider, provider), eq(contactLinks.externalId, ticket.requesterExternalId)));
  return { name: row?.name ?? null, email: ticket.requesterEmail ?? row?.email ?? null };
}

/** Upserts one page of tickets. */
export async function storeTickets(
  db: CodexDb,
  provider: string,
  items: readonly ExtTicket[],
  now: Date,
): Promise<BatchResult> {
  const result = emptyBatch();
  const agentNames = new Map<string, string>();
  // Each ticket in its own savepoint: one the database refuses is skipped and named, the page goes on.
  await storeEach(
    db,
    items,
    result,
    (item) => ({
      collection: 'tickets',
      externalId: item.externalId,
      name: `#${item.ticketNumber} ${item.subject}`.trim(),
    }),
    async (db, item) => {
      const requester = await requesterOf(db, provider, item);
      const values = {
        companyId: await companyIdOf(db, provider, item.companyExternalId),
        ticketNumber: item.ticketNumber,
        subject: item.subject,
        descriptionText: item.descriptionText ?? null,
        status: item.status,
        statusId: item.statusId ?? null,
        priority: item.priority,
        priorityId: item.priorityId ?? null,
        ticketType: item.ticketType ?? null,
        requesterName: requester.name,
        requesterEmail: requester.email,
        requesterExternalId: item.requesterExternalId ?? null,
        responderExternalId: item.responderExternalId ?? null,
        groupExternalId: item.groupExternalId ?? null,
        workspaceId: item.workspaceId ?? null,
        workspaceName: item.workspaceName ?? null,
        discardedAs: item.discardedAs ?? null,
        createdAt: item.createdAt,
        updatedAt: item.updatedAt,
        closedAt: item.closedAt ?? null,
        dueBy: item.dueBy ?? null,
        frDueBy: item.frDueBy ?? null,
        firstRespondedAt: item.firstRespondedAt ?? null,
        archivedAt: (item.discardedAs ?? null) !== null || DISCARDED_STATUSES.includes(item.status) ? now : null,
      };
      const rows = await db
        .insert(tickets)
        .values({ provider, externalId: item.externalId, ...values, syncedAt: now })
        .onConflictDoUpdate({
          target: [tickets.provider, tickets.externalId],
          set: {
            ...values,
            archivedAt: sql`CASE WHEN ${values.archivedAt === null} THEN NULL ELSE coalesce(${tickets.archivedAt}, ${now}) END`,
            syncedAt: now,
          },
          setWhere: sql`${differs(tickets.updatedAt, item.updatedAt.toISOString(), 'timestamptz')} OR ${differs(tickets.status, item.status, 'text')}
          OR ${differs(tickets.companyId, values.companyId, 'bigint')} OR ${differs(tickets.subject, item.subject, 'text')}
          OR ${differs(tickets.discardedAs, values.discardedAs, 'text')} OR ${differs(tickets.workspaceId, values.workspaceId, 'text')}
          OR (${tickets.archivedAt} IS NULL) <> ${values.archivedAt === null}`,
        })
        .returning({ id: tickets.id, inserted: sql<boolean>`(xmax = 0)` });
      result.seen.push(item.externalId);
      if (rows[0]?.inserted === true) result.created += 1;
      else if (rows[0] !== undefined) result.updated += 1;
      const ticketId =
        rows[0]?.id ??
        (
          await db
            .select({ id: tickets.id })
            .from(tickets)
            .where(and(eq(tickets.provider, provider), eq(tickets.externalId, item.externalId)))
        )[0]?.id;
      if (ticketId === undefined) return;
      for (const conversation of item.conversations ?? []) {
        const { externalId, ...fields } = conversation;
        await db
          .insert(ticketConversations)
          .values({ ticketId, externalId, ...fields })
          .onConflictDoUpdate({ target: [ticketConversations.ticketId, ticketConversations.externalId], set: fields });
      }
      if (item.timeEntries !== undefined)
        await storeTimeEntries(db, provider, ticketId, item.timeEntries, agentNames, now);
    },
  );
  return result;
}

async function storeTimeEntries(
  db: CodexDb,
  provider: string,
  ticketId: number,
  entries: NonNullable<ExtTicket['timeEntries']>,
  agentNames: Map<string, string>,
  now: Date,
): Promise<void> {
  const wanted = [
    ...new Set(
      entries.map((entry) => entry.agentExternalId).filter((id): id is string => id !== null && !agentNames.has(id)),
    ),
  ];
  if (wanted.length > 0) {
    const rows = await db
      .select({ externalId: psaAgents.externalId, name: psaAgents.name })
      .from(psaAgents)
      .where(and(eq(psaAgents.provider, provider), inArray(psaAgents.externalId, wanted)));
    for (const row of rows) agentNames.set(row.externalId, row.name);
  }
  for (const entry of entries) {
    const values = {
      ticketId,
      entryDate: entry.entryDate,
      minutes: entry.minutes,
      billable: entry.billable,
      agentExternalId: entry.agentExternalId,
      agentName: entry.agentExternalId === null ? null : (agentNames.get(entry.agentExternalId) ?? null),
      note: entry.note,
    };
    await db
      .insert(timeEntries)
      .values({ provider, externalId: entry.externalId, ...values, updatedAt: now })
      .onConflictDoUpdate({
        target: [timeEntries.provider, timeEntries.externalId],
        set: { ...values, archivedAt: null, updatedAt: now },
      });
  }
  await db
    .update(timeEntries)
    .set({ archivedAt: now })
    .where(
      and(
        eq(timeEntries.ticketId, ticketId),
        isNull(timeEntries.archivedAt),
        entries.length === 0
          ? undefined
          : notInArray(
              timeEntries.externalId,
              entries.map((entry) => entry.externalId),
            ),
      ),
    );
}
