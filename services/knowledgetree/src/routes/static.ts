/**
 * The service's own browser scripts, served from `static/` (the gateway's CSP allows same-origin
 * scripts only, so nothing comes from a CDN). A fixed list: no path from the request reaches the disk.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '@hivematrix/sdk';

const FILES = ['kt-page.js', 'kt-article.js', 'kt-editor.js', 'kt-markdown.js', 'kt-tree.js'] as const;
const DIR = path.resolve(import.meta.dirname, '../../static');

export const staticRoutes: FastifyPluginAsync = async (app) => {
  const cache = new Map<string, Buffer>();
  app.get('/static/:file', async (request, reply) => {
    const name = (request.params as { file: string }).file;
    if (!(FILES as readonly string[]).includes(name)) throw new AppError('not_found', 'No such file');
    let body = cache.get(name);
    if (body === undefined) {
      body = await readFile(path.join(DIR, name));
      cache.set(name, body);
    }
    return reply
      .header('content-type', 'text/javascript; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(body);
  });
};
