/** The hash that binds an approval to its owner, chat and arguments (over canonical JSON). */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@hivematrix/sdk';

/** sha256 over the approval's id, owner, chat, tool, arguments and planned request. */
export function approvalHash(parts: {
  id: string;
  ownerSub: string;
  chatId: string | null;
  tool: string;
  args: unknown;
  request: unknown;
}): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}
