/** `/`: the page a signed-in user sees. Users only: a service token gets 403. */
import type { FastifyPluginAsync } from 'fastify';
import { requireUser } from '@hivematrix/sdk';
import type { TemplateConfig } from '../../config.js';
import { listNotes, type TemplateDb } from '../../db/notes.js';
import { HomePage } from '../../views/home.js';

export const homeRoutes: FastifyPluginAsync<{ db: TemplateDb; config: TemplateConfig }> = async (app, { db }) => {
  app.get('/', { preHandler: requireUser({ page: true }) }, async (request, reply) => {
    const user = request.user;
    if (!user) throw new Error('requireUser let an anonymous request through');
    const notes = await listNotes(db, 20);
    return reply.html(
      <HomePage
        name={user.name}
        isAdmin={user.permission_level === 'admin'}
        notes={notes}
        urlFor={(p) => request.urlFor(p)}
      />,
    );
  });
};
