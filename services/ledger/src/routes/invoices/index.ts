/**
 * Live invoices (not archived) per client and in bulk: the PDF, the QuickBooks variant CSV (the
 * standard CSV is `…/invoice.csv` in routes/clients) and a ZIP of a month's invoices. All dated by
 * the billing period. The ZIP holds one CSV and one PDF per billable client and `cannot-bill.txt`
 * naming every client left out and why.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '@hivematrix/sdk';
import { invoiceNumber } from '../../archive/csv.js';
import { billMonth } from '../../billing/month.js';
import { periodKey, type Period } from '../../engine/index.js';
import { billCsv, billPdf, billQuickBooksCsv, safeFileName } from '../../invoice/render.js';
import { createZip, type ZipEntry } from '../../invoice/zip.js';
import { billingOnly, monthQuery, periodOf } from '../access.js';
import { clientBill } from '../clients/index.js';
import type { LedgerRouteOptions } from './options.js';

const accountParams = z.object({ account: z.string().regex(/^[A-Za-z0-9._-]{1,50}$/) });
/** `qbo`: QuickBooks Online import CSV (standard); `quickbooks`: the QuickBooks variant (§3.6b). */
const format = z.enum(['qbo', 'quickbooks']).default('qbo');

function attachment(name: string): string {
  return `attachment; filename="${name}"`;
}

export const invoiceRoutes: FastifyPluginAsync<LedgerRouteOptions> = async (base, options) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  const billable = async (period: Period, account: string) => {
    const bill = await clientBill(options, period, account);
    if (!bill.result.billable) throw new AppError('unprocessable_entity', `Cannot invoice: ${bill.result.flags.join('; ')}`);
    return bill;
  };

  app.get('/api/billing/clients/:account/invoice.pdf', { preHandler: billingOnly(), schema: { params: accountParams, querystring: monthQuery } }, async (request, reply) => {
    const period = periodOf(request.query.month, options.now(), options.timeZone);
    const bill = await billable(period, request.params.account);
    const pdf = billPdf({ input: bill.input, result: bill.result, invoiceNumber: invoiceNumber(request.params.account, period, 1), issuer: options.issuer, notes: null });
    return reply.header('content-type', 'application/pdf').header('content-disposition', attachment(`${safeFileName(bill.client.company.name)}_${periodKey(period)}.pdf`)).send(pdf);
  });

  app.get('/api/billing/clients/:account/invoice-quickbooks.csv', { preHandler: billingOnly(), schema: { params: accountParams, querystring: monthQuery } }, async (request, reply) => {
    const period = periodOf(request.query.month, options.now(), options.timeZone);
    const bill = await billable(period, request.params.account);
    const csv = billQuickBooksCsv({ input: bill.input, result: bill.result, invoiceNumber: invoiceNumber(request.params.account, period, 1) });
    return reply.header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', attachment(`quickbooks_export_${request.params.account}_${periodKey(period)}.csv`)).send(csv);
  });

  app.get('/api/billing/invoices.zip', { preHandler: billingOnly(), schema: { querystring: monthQuery.extend({ format }) } }, async (request, reply) => {
    const period = periodOf(request.query.month, options.now(), options.timeZone);
    const key = periodKey(period);
    const bills = (await billMonth({ codex: options.codex, db: options.db }, period)).sort((a, b) => a.client.company.name.localeCompare(b.client.company.name));
    const entries: ZipEntry[] = [];
    const refused: string[] = [];
    for (const bill of bills) {
      const account = bill.client.company.account_number;
      if (!bill.result.billable) {
        refused.push(`${account}\t${bill.client.company.name}\t${bill.result.flags.join('; ')}`);
        continue;
      }
      const number = invoiceNumber(account, period, 1);
      const stem = `${safeFileName(bill.client.company.name)}_${account}_${key}`;
      const csv = request.query.format === 'quickbooks' ? billQuickBooksCsv({ input: bill.input, result: bill.result, invoiceNumber: number }) : billCsv({ input: bill.input, result: bill.result, invoiceNumber: number });
      entries.push({ name: `${stem}.csv`, data: csv });
      entries.push({ name: `${stem}.pdf`, data: billPdf({ input: bill.input, result: bill.result, invoiceNumber: number, issuer: options.issuer, notes: null }) });
    }
    const list = refused.length === 0 ? 'Every client of the month could be billed.\n' : `account\tname\treason\n${refused.join('\n')}\n`;
    entries.push({ name: 'cannot-bill.txt', data: `Clients that could not be billed for ${key}: ${refused.length}\n${list}` });
    const zip = createZip(entries, options.now());
    return reply.header('content-type', 'application/zip').header('content-disposition', attachment(`invoices_${key}.zip`)).send(zip);
  });
};
