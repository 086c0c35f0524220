/**
 * ZIP export and import. Export streams the ZIP as it is built; import streams the upload to a
 * temporary file (yauzl reads a ZIP's central directory at its end, so it needs the whole file),
 * bounded by IMPORT_MAX_BYTES, and removes it afterwards.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import multipart from '@fastify/multipart';
import { z } from 'zod';
import { AppError, requireUser } from '@hivematrix/sdk';
import type { KnowledgetreeDb } from '../../db/index.js';
import { contentDisposition, exportZip, importZip, rootNode } from '../../domain/index.js';
import type { ImportLimits } from '../../domain/index.js';
import type { CompaniesOf } from '../../codex-companies.js';
import { viewerOf } from '../viewer.js';

const folderQuery = z.object({ folder_id: z.string().min(1).max(64).optional() });
const importQuery = z.object({ parent_id: z.string().min(1).max(64) });
export const importResultSchema = z.object({
  folders: z.number().int(),
  articles: z.number().int(),
  attachments: z.number().int(),
  skipped: z.array(z.string()),
});
type ImportResult = z.infer<typeof importResultSchema>;

export const zipRoutes: FastifyPluginAsync<{
  db: KnowledgetreeDb;
  now: () => Date;
  companiesOf: CompaniesOf;
  maxBytes: number;
  limits: ImportLimits;
}> = async (base, { db, now, companiesOf, maxBytes, limits }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();
  await app.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 5, fieldSize: 1024, parts: 6 } });

  app.get(
    '/api/export',
    {
      preHandler: requireUser(),
      schema: { querystring: folderQuery },
    },
    async (request, reply) => {
      const viewer = await viewerOf(request, companiesOf);
      const folderId = request.query.folder_id ?? (await rootNode(db, viewer)).id;
      const zip = await exportZip(db, viewer, folderId);
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', contentDisposition('attachment', zip.filename))
        .header('cache-control', 'no-store')
        .send(zip.stream);
    },
  );

  /** Streams the one `file` part to a temporary file and imports it under `parentId`. */
  async function receiveAndImport(request: FastifyRequest, parentId: string): Promise<ImportResult> {
    if (!request.isMultipart()) throw new AppError('unsupported_media_type', 'Send the ZIP as multipart/form-data');
    const viewer = await viewerOf(request, companiesOf);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kt-import-'));
    try {
      const file = path.join(dir, 'upload.zip');
      let received = false;
      for await (const part of request.files()) {
        if (received) {
          part.file.resume();
          continue;
        }
        await pipeline(part.file, createWriteStream(file));
        if (part.file.truncated) throw new AppError('payload_too_large', `Imports are limited to ${maxBytes} bytes`);
        received = true;
      }
      if (!received) throw new AppError('validation_failed', 'No file in the upload');
      return await importZip(db, viewer, parentId, file, limits, now(), (p) => request.urlFor(p));
    } catch (error) {
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
        throw new AppError('payload_too_large', `Imports are limited to ${maxBytes} bytes`);
      throw error;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  app.post(
    '/api/import',
    {
      preHandler: requireUser(),
      schema: { querystring: importQuery, response: { 201: importResultSchema } },
    },
    async (request, reply) => reply.code(201).send(await receiveAndImport(request, request.query.parent_id)),
  );

  // The folder page's "Import ZIP" form (multipart is registered in this plugin only, so the page
  // route lives here): the outcome goes back to the folder page as a message, never as JSON.
  app.post(
    '/view/:id/import',
    {
      preHandler: requireUser(),
      schema: { params: z.object({ id: z.string().min(1).max(64) }) },
    },
    async (request, reply) => {
      const id = request.params.id;
      const message = (m: { notice: string } | { error: string }) =>
        request.urlFor(`/view/${id}`, Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.slice(0, 300)])));
      try {
        const r = await receiveAndImport(request, id);
        const skipped = r.skipped.length > 0 ? `, ${r.skipped.length} skipped` : '';
        return await reply.redirect(
          message({
            notice: `Imported ${r.folders} folders, ${r.articles} articles and ${r.attachments} attachments${skipped}`,
          }),
          303,
        );
      } catch (error) {
        if (error instanceof AppError && error.status < 500 && error.status !== 401)
          return reply.redirect(message({ error: `Import failed: ${error.message}` }), 303);
        throw error;
      }
    },
  );
};
