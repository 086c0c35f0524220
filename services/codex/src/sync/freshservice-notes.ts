/**
 * Adding a note to a Freshservice ticket (API v2 "Create a Note": `POST /api/v2/tickets/{id}/notes`
 * with `{body, private}`, `body` in HTML; 201 `{conversation: {...}}`). The answer is the ticket
 * conversation the sync later lists, mapped the same way, so codex stores it under the id the
 * next sync's upsert finds.
 */
import { mapConversation, conversationSchema } from './freshservice-map.js';
import { freshserviceAuthorization } from './freshservice.js';
import { apiRoot, sameOrigin, vendorJson, VendorError, type RetryPolicy, type VendorHttpDeps } from './http.js';
import type { ExtConversation } from './provider.js';

export interface FreshserviceNoteOptions {
  baseUrl: string;
  apiKey: string;
  http: VendorHttpDeps;
  retry: RetryPolicy;
}

/** Writes one note (already HTML) to ticket `ticketId`; the conversation Freshservice created. */
export async function createFreshserviceNote(
  options: FreshserviceNoteOptions,
  ticketId: string,
  note: { html: string; private: boolean },
): Promise<ExtConversation> {
  const base = apiRoot(options.baseUrl);
  const { body } = await vendorJson(
    options.http,
    options.retry,
    sameOrigin(`${base}/api/v2/tickets/${encodeURIComponent(ticketId)}/notes`, base),
    () => ({
      method: 'POST',
      headers: {
        authorization: freshserviceAuthorization(options.apiKey),
        accept: 'application/json',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ body: note.html, private: note.private }),
    }),
  );
  const parsed = conversationSchema.safeParse((body as Record<string, unknown> | null)?.conversation);
  if (!parsed.success)
    throw new VendorError('Freshservice answered the new note without the documented conversation', 201);
  return mapConversation(parsed.data);
}
