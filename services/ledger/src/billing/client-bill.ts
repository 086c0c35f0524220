/** One client's bill for a month: what every client route (page, accept, correct, forms) starts from. */
import { AppError } from '@hivematrix/sdk';
import type { CodexSource } from '../codex/index.js';
import type { LedgerDb } from '../db/index.js';
import type { Period } from '../engine/index.js';
import { billMonth, type ClientBill } from './month.js';

/** The bill of one client, or 404 when codex has no such active company. */
export async function clientBill(
  deps: { codex: CodexSource; db: LedgerDb },
  period: Period,
  account: string,
): Promise<ClientBill> {
  const [bill] = await billMonth(deps, period, account);
  if (bill === undefined) throw new AppError('not_found', `No active client ${account} in codex`);
  return bill;
}
