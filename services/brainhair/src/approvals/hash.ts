/** Canonical JSON (sorted keys) and the hash that binds an approval to its owner, chat and arguments. */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level, so equal values hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 over the approval's id, owner, chat, tool, arguments and planned request. */
export function approvalHash(parts: { id: string; ownerSub: string; chatId: string | null; tool: string; args: unknown; request: unknown }): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}
