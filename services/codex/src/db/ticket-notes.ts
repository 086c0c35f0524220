/** Notes added in codex, stored as ticket conversations (and audited) like the ones a sync brings. */
import { ticketConversations } from './schema.js';
import { recordAudit, type Actor } from './audit.js';
import type { CodexDb } from './types.js';

export interface NewTicketNote {
  ticketId: number;
  /** The PSA's conversation id; null for a note kept in codex only. */
  externalId: string | null;
  bodyText: string;
  private: boolean;
  fromEmail: string | null;
  createdAt: Date;
}

/**
 * Stores a note with its audit event in one transaction. The upsert is the sync's own (on ticket
 * and vendor id): a sync that fetched the note between the PSA's answer and this write leaves one
 * row, and so does every later sync.
 */
export async function storeTicketNote(
  db: CodexDb,
  note: NewTicketNote,
  audit: { actor: Actor; pushedTo: string | null },
  now: Date,
) {
  return db.transaction(async (tx) => {
    const fields = {
      bodyText: note.bodyText,
      private: note.private,
      incoming: false,
      fromEmail: note.fromEmail,
      createdAt: note.createdAt,
    };
    const [row] = await tx
      .insert(ticketConversations)
      .values({ ticketId: note.ticketId, externalId: note.externalId, ...fields })
      .onConflictDoUpdate({ target: [ticketConversations.ticketId, ticketConversations.externalId], set: fields })
      .returning();
    if (row === undefined) throw new Error('inserting a ticket note returned no row');
    await recordAudit(
      tx,
      {
        actor: audit.actor,
        action: 'ticket.note',
        entity: 'ticket',
        entityId: note.ticketId,
        // The note itself is on the ticket; the trail says who added which one, and where it went.
        detail: {
          conversation_id: row.id,
          external_id: note.externalId,
          pushed_to: audit.pushedTo,
          private: note.private,
        },
      },
      now,
    );
    return row;
  });
}
