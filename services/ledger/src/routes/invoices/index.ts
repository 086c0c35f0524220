/**
 * Invoices per client and in bulk: the standard CSV (QuickBooks Online import columns), the
 * QuickBooks variant CSV, the PDF, and a ZIP of a month's invoices, all dated by the billing
 * period. Each comes from `invoicing/`: an accepted month serves its latest accepted version (even
 * for a client codex no longer lists), else a draft computed for that client alone;
 * `X-Invoice-Status` says which.
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { periodKey } from '../../engine/index.js';
import { accountDocuments, monthZip, safeFileName, type InvoiceDocuments } from '../../invoicing/index.js';
import { billingOnly, monthQuery, periodOf } from '../access.js';
import { accountParams } from '../clients/index.js';
import type { LedgerRouteOptions } from './options.js';

/** `qbo`: QuickBooks Online import CSV (standard); `quickbooks`: the QuickBooks variant (§3.6b). */
const format = z.enum(['qbo', 'quickbooks']).default('qbo');

function attachment(reply: FastifyReply, documents: InvoiceDocuments, type: string, name: string): FastifyReply {
  return reply
    .header('content-type', type)
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('x-invoice-status', documents.status);
}

export const invoiceRoutes: FastifyPluginAsync<LedgerRouteOptions> = async (base, options) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const schema = { params: accountParams, querystring: monthQuery };

  const documentsOf = async (month: string | undefined, account: string) => {
    const period = periodOf(month, options.now(), options.timeZone);
    return { key: periodKey(period), documents: await accountDocuments(options, account, period) };
  };

  app.get(
    '/api/billing/clients/:account/invoice.csv',
    { preHandler: billingOnly(), schema },
    async (request, reply) => {
      const { key, documents } = await documentsOf(request.query.month, request.params.account);
      return attachment(
        reply,
        documents,
        'text/csv; charset=utf-8',
        `${safeFileName(documents.companyName)}_${key}.csv`,
      ).send(documents.csv());
    },
  );

  app.get(
    '/api/billing/clients/:account/invoice.pdf',
    { preHandler: billingOnly(), schema },
    async (request, reply) => {
      const { key, documents } = await documentsOf(request.query.month, request.params.account);
      return attachment(reply, documents, 'application/pdf', `${safeFileName(documents.companyName)}_${key}.pdf`).send(
        await documents.pdf(),
      );
    },
  );

  app.get(
    '/api/billing/clients/:account/invoice-quickbooks.csv',
    { preHandler: billingOnly(), schema },
    async (request, reply) => {
      const { key, documents } = await documentsOf(request.query.month, request.params.account);
      return attachment(
        reply,
        documents,
        'text/csv; charset=utf-8',
        `quickbooks_export_${request.params.account}_${key}.csv`,
      ).send(documents.quickBooksCsv());
    },
  );

  app.get(
    '/api/billing/invoices.zip',
    { preHandler: billingOnly(), schema: { querystring: monthQuery.extend({ format }) } },
    async (request, reply) => {
      const period = periodOf(request.query.month, options.now(), options.timeZone);
      const { fileName, zip } = await monthZip(options, period, request.query.format);
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(zip);
    },
  );
};
