/**
 * `/api/data`: the JSON API. Users read and write notes; the services named here (and only
 * they) may read with a service token, and are answered differently.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, requireAuth, requireUser } from '@hivematrix/sdk';
import { addNote, listNotes, type BrainhairDb } from '../../db/notes.js';
import type { Note } from '../../db/schema.js';

/** Services allowed to read /api/data with a service token. */
export const DATA_READERS = ['codex', 'helm'] as const;

const noteSchema = z.object({ id: z.number(), author: z.string(), body: z.string(), created_at: z.string() });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });
const dataResponse = z.discriminatedUnion('for', [
  z.object({ for: z.literal('user'), user: z.string(), notes: z.array(noteSchema) }),
  z.object({ for: z.literal('service'), caller: z.string(), notes: z.array(noteSchema) }),
]);
const createBody = z.object({ body: z.string().trim().min(1).max(2000) });

function present(note: Note): z.infer<typeof noteSchema> {
  return { id: note.id, author: note.authorName, body: note.body, created_at: note.createdAt.toISOString() };
}

export const dataRoutes: FastifyPluginAsync<{ db: BrainhairDb; now: () => Date }> = async (base, { db, now }) => {
  const app = base.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/data',
    {
      preHandler: requireAuth({ services: [...DATA_READERS] }),
      schema: { querystring: listQuery, response: { 200: dataResponse } },
    },
    async (request) => {
      const notes = (await listNotes(db, request.query.limit)).map(present);
      if (request.user) return { for: 'user' as const, user: request.user.preferred_username, notes };
      if (request.service) return { for: 'service' as const, caller: request.service, notes };
      throw new AppError('unauthorized');
    },
  );

  app.post(
    '/api/data',
    { preHandler: requireUser(), schema: { body: createBody, response: { 201: noteSchema } } },
    async (request, reply) => {
      const user = request.user;
      if (!user) throw new AppError('unauthorized');
      const note = await addNote(db, { sub: user.sub, name: user.name }, request.body.body, now());
      return reply.code(201).send(present(note));
    },
  );
};
