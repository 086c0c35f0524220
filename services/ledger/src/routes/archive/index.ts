/**
 * Accepting bills and reading the archive. Accept and correct are for billing and admin users;
 * the user's e-mail is recorded as who accepted.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, currentUser } from '@hivematrix/sdk';
import {
  acceptReviewed,
  creditNoteOf,
  findCreditNote,
  verifyCreditNote,
  findSnapshot,
  findSnapshotById,
  searchSnapshots,
  verifySnapshot,
} from '../../archive/index.js';
import type { CreditNote, Snapshot } from '../../db/index.js';
import { parsePeriod } from '../../engine/index.js';
import { safeFileName } from '../../invoicing/index.js';
import { clientBill } from '../../billing/index.js';
import type { LedgerRouteOptions } from '../invoices/options.js';
import { billingOnly } from '../access.js';

const accountParams = z.object({ account: z.string().regex(/^[A-Za-z0-9._-]{1,50}$/) });
const invoiceParams = z.object({ invoice: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/) });
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
/** `confirm_review`: accept although the bill is flagged in the review queue (else 409). */
const acceptBody = z.object({
  month,
  notes: z.string().trim().max(2000).optional(),
  confirm_review: z.boolean().default(false),
});
const correctBody = z.object({
  month,
  supersedes: z.string().min(1).max(80),
  notes: z.string().trim().min(1).max(2000),
  confirm_review: z.boolean().default(false),
});

function summary(row: Snapshot) {
  return {
    invoice_number: row.invoiceNumber,
    account_number: row.accountNumber,
    company_name: row.companyName,
    period: row.period,
    version: row.version,
    supersedes_id: row.supersedesId,
    total_cents: row.totalCents,
    sha256: row.sha256,
    accepted_by: row.acceptedBy,
    accepted_at: row.acceptedAt.toISOString(),
    notes: row.notes,
    has_pdf: row.pdf !== null,
  };
}

/** The credit note as the API shows it, with the numbers of the invoices it links. */
function creditNoteSummary(row: CreditNote, links: { credits: string; reissue: string }) {
  return {
    number: row.number,
    credits_invoice: links.credits,
    reissue_invoice: links.reissue,
    account_number: row.accountNumber,
    company_name: row.companyName,
    period: row.period,
    total_cents: row.totalCents,
    issued_on: row.issuedOn,
    reason: row.reason,
    issued_by: row.issuedBy,
    issued_at: row.issuedAt.toISOString(),
    sha256: row.sha256,
    hash_verified: verifyCreditNote(row, links),
  };
}

/** The download name of an archived document. */
export function snapshotFileName(row: Snapshot, extension: 'csv' | 'pdf'): string {
  return `${safeFileName(row.companyName)}_${row.period}${row.version === 1 ? '' : `_v${row.version}`}.${extension}`;
}

export const archiveRoutes: FastifyPluginAsync<LedgerRouteOptions> = async (base, options) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, now } = options;

  app.post(
    '/api/bills/:account/accept',
    { preHandler: billingOnly(), schema: { params: accountParams, body: acceptBody } },
    async (request, reply) => {
      const period = parsePeriod(request.body.month);
      const bill = await clientBill(options, period, request.params.account);
      const row = await acceptReviewed(db, options, {
        bill,
        period,
        acceptedBy: currentUser(request).email,
        now: now(),
        notes: request.body.notes ?? null,
        confirmReview: request.body.confirm_review,
      });
      return reply.code(201).send(summary(row));
    },
  );

  app.post(
    '/api/bills/:account/correct',
    { preHandler: billingOnly(), schema: { params: accountParams, body: correctBody } },
    async (request, reply) => {
      const period = parsePeriod(request.body.month);
      const bill = await clientBill(options, period, request.params.account);
      const row = await acceptReviewed(db, options, {
        bill,
        period,
        acceptedBy: currentUser(request).email,
        now: now(),
        notes: request.body.notes,
        confirmReview: request.body.confirm_review,
        supersedes: request.body.supersedes,
      });
      const note = await creditNoteOf(db, row.id, 'reissue');
      return reply.code(201).send({ ...summary(row), credit_note: note?.number ?? null });
    },
  );

  app.get(
    '/api/archive',
    {
      preHandler: billingOnly(),
      schema: {
        querystring: z.object({
          account: accountParams.shape.account.optional(),
          client: z.string().trim().min(1).max(200).optional(),
          period: month.optional(),
          invoice: invoiceParams.shape.invoice.optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
        }),
      },
    },
    async (request) => {
      const rows = await searchSnapshots(db, request.query);
      return { results: rows.map(summary) };
    },
  );

  app.get(
    '/api/archive/:invoice',
    { preHandler: billingOnly(), schema: { params: invoiceParams } },
    async (request) => {
      const row = await findSnapshot(db, request.params.invoice);
      if (row === undefined) throw new AppError('not_found', 'No such invoice');
      const [creditedBy, cancels] = await Promise.all([
        creditNoteOf(db, row.id, 'credits'),
        creditNoteOf(db, row.id, 'reissue'),
      ]);
      return {
        ...summary(row),
        hash_verified: verifySnapshot(row),
        credited_by: creditedBy?.number ?? null,
        credit_note: cancels?.number ?? null,
        inputs: row.inputs,
        result: row.result,
      };
    },
  );

  app.get(
    '/api/archive/:invoice/csv',
    { preHandler: billingOnly(), schema: { params: invoiceParams } },
    async (request, reply) => {
      const row = await findSnapshot(db, request.params.invoice);
      if (row === undefined) throw new AppError('not_found', 'No such invoice');
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${snapshotFileName(row, 'csv')}"`)
        .send(row.csv);
    },
  );

  // The PDF frozen at acceptance (byte for byte); snapshots accepted before PDFs existed have none.
  app.get(
    '/api/archive/:invoice/pdf',
    { preHandler: billingOnly(), schema: { params: invoiceParams } },
    async (request, reply) => {
      const row = await findSnapshot(db, request.params.invoice);
      if (row === undefined) throw new AppError('not_found', 'No such invoice');
      if (row.pdf === null)
        throw new AppError('not_found', `Invoice ${row.invoiceNumber} was archived before PDFs were stored`);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${snapshotFileName(row, 'pdf')}"`)
        .send(row.pdf);
    },
  );

  // Credit notes: issued with a correction, cancelling the version it replaces.
  async function creditNote(number: string): Promise<{ row: CreditNote; links: { credits: string; reissue: string } }> {
    const row = await findCreditNote(db, number);
    if (row === undefined) throw new AppError('not_found', 'No such credit note');
    const [credited, reissue] = await Promise.all([
      findSnapshotById(db, row.creditsId),
      findSnapshotById(db, row.reissueId),
    ]);
    return { row, links: { credits: credited?.invoiceNumber ?? '', reissue: reissue?.invoiceNumber ?? '' } };
  }

  app.get(
    '/api/credit-notes/:invoice',
    { preHandler: billingOnly(), schema: { params: invoiceParams } },
    async (request) => {
      const { row, links } = await creditNote(request.params.invoice);
      return creditNoteSummary(row, links);
    },
  );

  app.get(
    '/api/credit-notes/:invoice/:format',
    { preHandler: billingOnly(), schema: { params: invoiceParams.extend({ format: z.enum(['csv', 'pdf']) }) } },
    async (request, reply) => {
      const { row } = await creditNote(request.params.invoice);
      const { format } = request.params;
      const name = `${safeFileName(row.companyName)}_${row.period}_${row.number}.${format}`;
      return reply
        .header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(format === 'csv' ? row.csv : row.pdf);
    },
  );
};
