/** A note a technician adds from the ticket panel, validated as codex's `POST /api/tickets/:id/notes` does. */
import { z } from 'zod';

export const noteInput = z.object({
  /** Plain text, trimmed; codex writes it to the PSA as text (it escapes it). */
  body: z.string().trim().min(1).max(10_000),
  /** Private (agents only) unless the technician unticks it: a public note reaches the customer. */
  private: z.boolean().default(true),
});
export type NoteInput = z.infer<typeof noteInput>;
