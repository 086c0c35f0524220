/**
 * Invoices per client and in bulk: the standard CSV (QuickBooks Online import columns), the
 * QuickBooks variant CSV, the PDF, and a ZIP of a month's invoices, all dated by the billing
 * period. An accepted month serves its latest accepted version, else a draft computed now (see
 * invoice/month-documents.ts); `X-Invoice-Status` says which. The ZIP holds one CSV and one PDF
 * per invoiced client, `index.csv` listing each invoice with its status and total, and
 * `cannot-bill.txt` naming every client left out and why.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { formatCsv } from '@hivematrix/sdk';
import { billMonth } from '../../billing/month.js';
import { formatCents, periodKey } from '../../engine/index.js';
import { acceptedDocuments, draftDocuments, latestSnapshotsOf, monthDocuments, type InvoiceDocuments } from '../../invoice/month-documents.js';
import { safeFileName } from '../../invoice/render.js';
import { invoiceDates } from '../../invoice/dates.js';
import { createZip, fileNamePart, zipDay, type ZipEntry } from '../../invoice/zip.js';
import { billingOnly, monthQuery, periodOf } from '../access.js';
import { accountParams, clientBill } from '../clients/index.js';
import type { LedgerRouteOptions } from './options.js';

/** `qbo`: QuickBooks Online import CSV (standard); `quickbooks`: the QuickBooks variant (§3.6b). */
const format = z.enum(['qbo', 'quickbooks']).default('qbo');

function attachment(reply: FastifyReply, documents: InvoiceDocuments, type: string, name: string): FastifyReply {
  return reply.header('content-type', type).header('content-disposition', `attachment; filename="${name}"`).header('x-invoice-status', documents.status);
}

export const invoiceRoutes: FastifyPluginAsync<LedgerRouteOptions> = async (base, options) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const schema = { params: accountParams, querystring: monthQuery };

  const documentsOf = async (month: string | undefined, account: string) => {
    const period = periodOf(month, options.now(), options.timeZone);
    const bill = await clientBill(options, period, account);
    return { key: periodKey(period), documents: await monthDocuments(options.db, bill, period, options.issuer) };
  };

  app.get('/api/billing/clients/:account/invoice.csv', { preHandler: billingOnly(), schema }, async (request, reply) => {
    const { key, documents } = await documentsOf(request.query.month, request.params.account);
    return attachment(reply, documents, 'text/csv; charset=utf-8', `${safeFileName(documents.companyName)}_${key}.csv`).send(documents.csv());
  });

  app.get('/api/billing/clients/:account/invoice.pdf', { preHandler: billingOnly(), schema }, async (request, reply) => {
    const { key, documents } = await documentsOf(request.query.month, request.params.account);
    return attachment(reply, documents, 'application/pdf', `${safeFileName(documents.companyName)}_${key}.pdf`).send(await documents.pdf());
  });

  app.get('/api/billing/clients/:account/invoice-quickbooks.csv', { preHandler: billingOnly(), schema }, async (request, reply) => {
    const { key, documents } = await documentsOf(request.query.month, request.params.account);
    return attachment(reply, documents, 'text/csv; charset=utf-8', `quickbooks_export_${request.params.account}_${key}.csv`).send(documents.quickBooksCsv());
  });

  app.get('/api/billing/invoices.zip', { preHandler: billingOnly(), schema: { querystring: monthQuery.extend({ format }) } }, async (request, reply) => {
    const period = periodOf(request.query.month, options.now(), options.timeZone);
    const key = periodKey(period);
    const [bills, accepted] = await Promise.all([billMonth({ codex: options.codex, db: options.db }, period), latestSnapshotsOf(options.db, key)]);
    const invoiced: { account: string; documents: InvoiceDocuments }[] = [];
    const refused: string[] = [];
    for (const bill of bills) {
      const account = bill.client.company.account_number;
      const snapshot = accepted.get(account);
      accepted.delete(account);
      if (snapshot !== undefined) invoiced.push({ account, documents: acceptedDocuments(snapshot, options.issuer) });
      else if (bill.result.billable) invoiced.push({ account, documents: draftDocuments(bill, period, options.issuer) });
      else refused.push(`${account}\t${bill.client.company.name}\t${bill.result.flags.join('; ')}`);
    }
    // A month accepted for a client that codex no longer lists still has its invoice.
    for (const [account, snapshot] of accepted) invoiced.push({ account, documents: acceptedDocuments(snapshot, options.issuer) });

    const entries: ZipEntry[] = [];
    const index: string[][] = [];
    for (const { account, documents } of invoiced.sort((a, b) => a.documents.companyName.localeCompare(b.documents.companyName))) {
      // The account number comes from the PSA/RMM as it is: sanitised like the name (`../x` → `x`).
      const stem = `${fileNamePart(documents.companyName, 'client')}_${fileNamePart(account, 'account')}_${key}`;
      entries.push({ name: `${stem}.csv`, data: request.query.format === 'quickbooks' ? documents.quickBooksCsv() : documents.csv() });
      entries.push({ name: `${stem}.pdf`, data: await documents.pdf() });
      index.push([account, documents.companyName, documents.number, documents.status, formatCents(documents.totalCents)]);
    }
    entries.push({ name: 'index.csv', data: formatCsv(['account', 'client', 'invoice', 'status', 'total'], index) });
    const list = refused.length === 0 ? 'Every client of the month could be billed.\n' : `account\tname\treason\n${refused.join('\n')}\n`;
    entries.push({ name: 'cannot-bill.txt', data: `Clients that could not be billed for ${key}: ${refused.length}\n${list}` });
    // Stamped with the month's invoice date, not now: the same month's documents give the same bytes.
    const zip = await createZip(entries, zipDay(invoiceDates(period).invoiceDate));
    return reply.header('content-type', 'application/zip').header('content-disposition', `attachment; filename="invoices_${key}.zip"`).send(zip);
  });
};
