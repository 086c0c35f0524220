/**
 * `/static/<file>.js`: the board's client script. The gateway's CSP is `script-src 'self'`, so
 * there is no inline script: pages load this file and read their settings from a JSON element.
 * Public in the registry: wall screens without a session load it too (it holds no data).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '@hivematrix/sdk';

const FILES = ['board.js'] as const;
const STATIC_DIR = path.resolve(import.meta.dirname, '../../../static');

export const assetRoutes: FastifyPluginAsync = async (app) => {
  const contents = new Map<string, string>();
  for (const file of FILES) contents.set(file, await readFile(path.join(STATIC_DIR, file), 'utf8'));
  app.get<{ Params: { file: string } }>('/static/:file', async (request, reply) => {
    const text = contents.get(request.params.file);
    if (text === undefined) throw new AppError('not_found', 'No such file');
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(text);
  });
};
