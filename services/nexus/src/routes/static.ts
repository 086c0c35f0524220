/**
 * `/static/*`: the design system's stylesheet, scripts and icons, loaded into memory at boot.
 * Their URLs carry the asset version (`?v=`, a hash of every file), so a matching request is cached
 * for a year as `immutable`; any other is cached briefly and revalidated with its ETag.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '@hivematrix/sdk';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** One file ready to send. */
export interface StaticFile {
  body: Buffer;
  type: string;
  etag: string;
}

/** The static files and their common version. */
export interface StaticAssets {
  files: ReadonlyMap<string, StaticFile>;
  /** A hash of every file's path and content (12 hex digits), or `dev` when there are none. */
  version: string;
}

async function walk(dir: string, base = dir): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(full, base)));
    else if (entry.isFile()) found.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return found.sort();
}

/** Loads every file under `dir` whose type is known; a missing directory gives none. */
export async function loadStaticAssets(dir: string): Promise<StaticAssets> {
  const files = new Map<string, StaticFile>();
  const version = createHash('sha256');
  for (const relative of await walk(dir)) {
    const type = CONTENT_TYPES[path.extname(relative).toLowerCase()];
    if (type === undefined) continue;
    const body = await readFile(path.join(dir, relative));
    const digest = createHash('sha256').update(body).digest('base64url').slice(0, 16);
    files.set(relative, { body, type, etag: `"${digest}"` });
    version.update(relative).update('\0').update(body);
  }
  return { files, version: files.size === 0 ? 'dev' : version.digest('hex').slice(0, 12) };
}

/** Registers `GET /static/*` (and `/favicon.ico` when the static files hold one). */
export const staticRoutes: FastifyPluginAsync<{ assets: StaticAssets }> = async (app, { assets }) => {
  app.get('/static/*', { config: { rateLimit: false } }, async (request, reply) => {
    const wanted = (request.params as { '*': string })['*'];
    const file = assets.files.get(wanted);
    if (file === undefined) throw new AppError('not_found', 'No such static file.');
    const version = (request.query as Record<string, unknown>)['v'];
    const cache =
      version === assets.version ? 'public, max-age=31536000, immutable' : 'public, max-age=300, must-revalidate';
    void reply.header('Cache-Control', cache).header('ETag', file.etag).type(file.type);
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.send(file.body);
  });
  app.get('/favicon.ico', async (_request, reply) => {
    const file = assets.files.get('favicon.ico') ?? assets.files.get('img/favicon.ico');
    if (file === undefined) return reply.code(404).header('Cache-Control', 'public, max-age=3600').send();
    return reply.header('Cache-Control', 'public, max-age=86400').type(file.type).send(file.body);
  });
};
