/**
 * Archive pages (search, one invoice with "Verify hash" and "Issue correction") and the client
 * page's "Accept bill" form (POST /clients/:account/accept → 303 back to the client page, which
 * shows the outcome).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, currentUser } from '@hivematrix/sdk';
import {
  acceptReviewed,
  creditNoteOf,
  verifyCreditNote,
  findSnapshot,
  findSnapshotById,
  latestSnapshot,
  searchSnapshots,
  verifySnapshot,
} from '../../archive/index.js';
import { parsePeriod } from '../../engine/index.js';
import { ArchiveDetailPage } from '../../views/archive-detail.js';
import { ArchivePage } from '../../views/archive.js';
import { billingOnly } from '../access.js';
import { clientBill } from '../../billing/index.js';
import type { LedgerRouteOptions } from '../invoices/options.js';
import type { AcceptOutcome } from '../../views/accept-section.js';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);
const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);
const searchQuery = z.object({
  client: z.preprocess(blankToUndefined, z.string().trim().max(200).optional()),
  invoice: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,80}$/)
      .optional(),
  ),
  period: z.preprocess(blankToUndefined, month.optional()),
});
const invoiceParams = z.object({ invoice: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/) });
const accountParams = z.object({ account: z.string().regex(/^[A-Za-z0-9._-]{1,50}$/) });
// Form fields arrive as strings; a checkbox is present only when ticked.
const acceptForm = z.object({
  month,
  notes: z.string().trim().max(2000).optional(),
  confirm_review: z.string().optional(),
});
const correctForm = z.object({
  notes: z.string().trim().min(1, 'Say why the bill is corrected').max(2000),
  confirm_review: z.string().optional(),
});
const CORRECTION_REFUSALS = ['review', 'conflict', 'cannot-bill'] as const;

export const archivePages: FastifyPluginAsync<LedgerRouteOptions> = async (base, options) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/archive',
    { preHandler: billingOnly(true), schema: { querystring: searchQuery } },
    async (request, reply) => {
      const rows = await searchSnapshots(options.db, { ...request.query, limit: 200 });
      return reply.html(<ArchivePage filters={request.query} rows={rows} urlFor={(p) => request.urlFor(p)} />);
    },
  );

  app.get(
    '/archive/:invoice',
    {
      preHandler: billingOnly(true),
      schema: {
        params: invoiceParams,
        querystring: z.object({
          verify: z.string().optional(),
          refused: z.enum(CORRECTION_REFUSALS).optional().catch(undefined),
        }),
      },
    },
    async (request, reply) => {
      const row = await findSnapshot(options.db, request.params.invoice);
      if (row === undefined) throw new AppError('not_found', 'No such invoice');
      const supersedes =
        row.supersedesId === null
          ? null
          : ((await findSnapshotById(options.db, row.supersedesId))?.invoiceNumber ?? null);
      const latest =
        (await latestSnapshot(options.db, row.accountNumber, row.period))?.invoiceNumber ?? row.invoiceNumber;
      const verify = request.query.verify !== undefined;
      const [creditNote, cancelledWith] = await Promise.all([
        creditNoteOf(options.db, row.id, 'credits'),
        creditNoteOf(options.db, row.id, 'reissue'),
      ]);
      const replacedBy =
        creditNote === undefined
          ? undefined
          : ((await findSnapshotById(options.db, creditNote.reissueId))?.invoiceNumber ?? '');
      const credited =
        creditNote === undefined || replacedBy === undefined
          ? null
          : {
              note: creditNote,
              replacedBy,
              verified: verify
                ? verifyCreditNote(creditNote, { credits: row.invoiceNumber, reissue: replacedBy })
                : null,
            };
      return reply.html(
        <ArchiveDetailPage
          row={row}
          supersedes={supersedes}
          cancelledWith={cancelledWith?.number ?? null}
          credited={credited}
          verified={verify ? verifySnapshot(row) : null}
          latest={latest}
          refused={request.query.refused ?? null}
          urlFor={(p) => request.urlFor(p)}
        />,
      );
    },
  );

  // A correction from the invoice page: the month's bill as computed now, as a new version.
  app.post(
    '/archive/:invoice/correct',
    { preHandler: billingOnly(true), schema: { params: invoiceParams, body: correctForm } },
    async (request, reply) => {
      const row = await findSnapshot(options.db, request.params.invoice);
      if (row === undefined) throw new AppError('not_found', 'No such invoice');
      const refuse = (refused: (typeof CORRECTION_REFUSALS)[number]) =>
        reply.redirectTo(`/archive/${encodeURIComponent(row.invoiceNumber)}`, { refused });
      const period = parsePeriod(row.period);
      const bill = await clientBill(options, period, row.accountNumber);
      if (!bill.result.billable) return refuse('cannot-bill');
      try {
        const issued = await acceptReviewed(options.db, options, {
          bill,
          period,
          acceptedBy: currentUser(request).email,
          now: options.now(),
          notes: request.body.notes,
          confirmReview: request.body.confirm_review !== undefined,
          supersedes: row.invoiceNumber,
        });
        return reply.redirectTo(`/archive/${encodeURIComponent(issued.invoiceNumber)}`);
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 409) throw error;
        return refuse(error.code === 'review_required' ? 'review' : 'conflict');
      }
    },
  );

  app.post(
    '/clients/:account/accept',
    { preHandler: billingOnly(true), schema: { params: accountParams, body: acceptForm } },
    async (request, reply) => {
      const { account } = request.params;
      const period = parsePeriod(request.body.month);
      const back = (accept: AcceptOutcome) =>
        reply.redirectTo(`/clients/${encodeURIComponent(account)}`, { month: request.body.month, accept });
      const bill = await clientBill(options, period, account);
      if (!bill.result.billable) return back('cannot-bill');
      try {
        await acceptReviewed(options.db, options, {
          bill,
          period,
          acceptedBy: currentUser(request).email,
          now: options.now(),
          notes: request.body.notes === undefined || request.body.notes === '' ? null : request.body.notes,
          confirmReview: request.body.confirm_review !== undefined,
        });
      } catch (error) {
        if (!(error instanceof AppError) || error.status !== 409) throw error;
        return back(error.code === 'review_required' ? 'review' : 'conflict');
      }
      return back('accepted');
    },
  );
};
