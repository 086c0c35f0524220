/**
 * The Viewer of a request, computed once: a user (with, for a client user, the companies codex
 * says they are a contact of) or a calling service.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '@hivematrix/sdk';
import type { CompaniesOf } from '../codex-companies.js';
import type { Viewer } from '../domain/index.js';

const viewers = new WeakMap<FastifyRequest, Promise<Viewer>>();

export function viewerOf(request: FastifyRequest, companiesOf: CompaniesOf): Promise<Viewer> {
  let viewer = viewers.get(request);
  if (viewer === undefined) {
    viewer = resolve(request, companiesOf);
    viewers.set(request, viewer);
  }
  return viewer;
}

async function resolve(request: FastifyRequest, companiesOf: CompaniesOf): Promise<Viewer> {
  const user = request.user;
  if (user !== null) {
    const companies = user.permission_level === 'client' ? await companiesOf(request) : [];
    return {
      kind: 'user',
      sub: user.sub,
      name: user.name || user.preferred_username,
      level: user.permission_level,
      companies,
    };
  }
  if (request.service !== null) return { kind: 'service', service: request.service };
  throw new AppError('unauthorized');
}
