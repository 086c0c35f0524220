/**
 * Attachments: several files per multipart upload, streamed into the database; downloads under
 * the original name with a safe Content-Disposition (images inline, everything else as a download).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { AppError, requireAuth, requireUser } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../../db/index.js';
import {
  attachmentStream,
  contentDisposition,
  deleteAttachment,
  findAttachment,
  listAttachments,
  storeAttachment,
  TooLarge,
} from '../../domain/index.js';
import type { AttachmentInfo } from '../../domain/index.js';
import type { CompaniesOf } from '../../codex-companies.js';
import { viewerOf } from '../viewer.js';
import { TREE_READERS } from './nodes.js';

const idParams = z.object({ id: z.string().min(1).max(64) });
export const attachmentSchema = z.object({
  id: z.string(),
  filename: z.string(),
  content_type: z.string(),
  size: z.number(),
  sha256: z.string(),
  url: z.string(),
  created_at: z.string(),
});

/** `url` is the gateway path of the download, so it can go into an article's Markdown as is. */
function present(a: AttachmentInfo, urlFor: (path: string) => string): z.infer<typeof attachmentSchema> {
  return {
    id: a.id,
    filename: a.filename,
    content_type: a.content_type,
    size: a.size,
    sha256: a.sha256,
    url: urlFor(`/attachments/${a.id}`),
    created_at: a.created_at.toISOString(),
  };
}

export const attachmentRoutes: FastifyPluginAsync<{
  db: KnowledgetreeDb;
  now: () => Date;
  companiesOf: CompaniesOf;
  maxBytes: number;
}> = async (base, { db, now, companiesOf, maxBytes }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 20, fields: 10, fieldSize: 1024, parts: 40 } });

  app.post(
    '/api/nodes/:id/attachments',
    {
      preHandler: requireUser(),
      schema: { params: idParams, response: { 201: z.object({ attachments: z.array(attachmentSchema) }) } },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Send the files as multipart/form-data');
      const viewer = await viewerOf(request, companiesOf);
      const stored: AttachmentInfo[] = [];
      try {
        for await (const part of request.files()) {
          const file = part.file;
          // The multipart parser ends the stream at the limit and flags it; turn that into a 413.
          const guarded = (async function* guard() {
            for await (const chunk of file) {
              if (file.truncated) throw new TooLarge(maxBytes);
              yield chunk as Buffer;
            }
            if (file.truncated) throw new TooLarge(maxBytes);
          })();
          stored.push(
            await storeAttachment(db, viewer, request.params.id, { filename: part.filename, stream: guarded }, now()),
          );
        }
      } catch (error) {
        if (error instanceof Error && error.name === 'FastifyError' && /too large|limit/i.test(error.message))
          throw new TooLarge(maxBytes);
        if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new TooLarge(maxBytes);
        throw error;
      }
      if (stored.length === 0) throw new AppError('validation_failed', 'No file in the upload');
      return reply.code(201).send({ attachments: stored.map((a) => present(a, (p) => request.urlFor(p))) });
    },
  );

  app.get(
    '/api/nodes/:id/attachments',
    {
      preHandler: requireAuth({ services: [...TREE_READERS] }),
      schema: { params: idParams, response: { 200: z.object({ attachments: z.array(attachmentSchema) }) } },
    },
    async (request) => ({
      attachments: (await listAttachments(db, await viewerOf(request, companiesOf), request.params.id)).map((a) =>
        present(a, (p) => request.urlFor(p)),
      ),
    }),
  );

  app.get(
    '/attachments/:id',
    { preHandler: requireAuth({ services: [...TREE_READERS], page: true }), schema: { params: idParams } },
    async (request, reply) => {
      const attachment = await findAttachment(db, await viewerOf(request, companiesOf), request.params.id);
      const inline = attachment.content_type.startsWith('image/');
      return (
        reply
          .header('content-type', attachment.content_type)
          .header('content-length', String(attachment.size))
          .header('content-disposition', contentDisposition(inline ? 'inline' : 'attachment', attachment.filename))
          // Even a mislabelled file cannot run script or load anything when opened directly.
          .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
          .header('cache-control', 'private, max-age=3600')
          .header('etag', `"${attachment.sha256}"`)
          .send(attachmentStream(db, attachment.id))
      );
    },
  );

  app.delete(
    '/api/attachments/:id',
    { preHandler: requireUser(), schema: { params: idParams } },
    async (request, reply) => {
      await deleteAttachment(db, await viewerOf(request, companiesOf), request.params.id);
      return reply.code(204).send();
    },
  );
};
