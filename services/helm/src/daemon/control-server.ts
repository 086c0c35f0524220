/**
 * The control channel between the CLI and the daemon: HTTP over a Unix socket under
 * instance/run/ (mode 0600, in a 0700 folder), so only the operator's account can use it and no
 * TCP port or token is involved. JSON in and out; errors as problem details.
 */
import { chmod, rm } from 'node:fs/promises';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, installErrorHandling } from '@hivematrix/sdk';
import type { Daemon } from './daemon.js';

/** The control server. */
export interface ControlServer {
  close(): Promise<void>;
}

const nameParams = z.object({ name: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/) });

function failure(error: unknown): AppError {
  return error instanceof AppError
    ? error
    : new AppError('conflict', error instanceof Error ? error.message : String(error));
}

/** Listens on `socket`; `requestShutdown` is called (once the answer is sent) for POST /shutdown. */
export async function startControlServer(
  daemon: Daemon,
  socket: string,
  requestShutdown: () => void,
): Promise<ControlServer> {
  const app = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);

  app.get('/status', async () => daemon.status());

  app.post('/services/:name/start', { schema: { params: nameParams } }, async (request) => {
    try {
      return { outcome: await daemon.startService(request.params.name) };
    } catch (error) {
      throw failure(error);
    }
  });

  app.post('/services/:name/stop', { schema: { params: nameParams } }, async (request) => {
    try {
      await daemon.stopService(request.params.name);
      return { stopped: request.params.name };
    } catch (error) {
      throw failure(error);
    }
  });

  app.post('/services/:name/restart', { schema: { params: nameParams } }, async (request) => {
    try {
      await daemon.stopService(request.params.name);
      return { outcome: await daemon.startService(request.params.name) };
    } catch (error) {
      throw failure(error);
    }
  });

  app.post(
    '/services/:name/:change',
    { schema: { params: nameParams.extend({ change: z.enum(['enable', 'disable']) }) } },
    async (request) => {
      try {
        return await daemon.setEnabled(request.params.name, request.params.change === 'enable');
      } catch (error) {
        throw failure(error);
      }
    },
  );

  app.post(
    '/reload',
    { schema: { body: z.object({ start: z.boolean().default(false) }).default({ start: false }) } },
    async (request) => {
      try {
        return await daemon.reload(request.body.start);
      } catch (error) {
        throw failure(error);
      }
    },
  );

  app.post('/shutdown', async (_request, reply) => {
    reply.raw.once('finish', requestShutdown);
    return reply.code(202).send({ stopping: true });
  });

  // A socket file left by a daemon that died would make listen fail with EADDRINUSE.
  await rm(socket, { force: true });
  await app.listen({ path: socket });
  await chmod(socket, 0o600);
  return {
    async close() {
      await app.close();
      await rm(socket, { force: true });
    },
  };
}
