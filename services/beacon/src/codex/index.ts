/** What beacon asks codex: the shared board with its own token, a person's actions with theirs. */
export { httpCodexClient } from './client.js';
export type { AddedNote, CodexClient, PsaAgent, PsaConfig, TicketDetail } from './client.js';
