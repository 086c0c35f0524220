/**
 * A client user's companies, as codex decides them: codex's company list called with the user's
 * own token answers only the companies the user is a contact of. Cached per session for a
 * minute so browsing does not call codex on every request; a codex failure fails closed (no
 * companies: the client sees nothing shared).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';

/** The company account numbers a client user belongs to (codex decides; see app deps). */
export type CompaniesOf = (request: FastifyRequest) => Promise<string[]>;

const companyList = z.object({ items: z.array(z.object({ account_number: z.string() })) });
const TTL_MS = 60_000;

export function codexCompanies(codexUrl: string, fetchImpl: typeof fetch = fetch): CompaniesOf {
  const cache = new Map<string, { at: number; companies: string[] }>();
  return async (request: FastifyRequest) => {
    const user = request.user;
    const authorization = request.headers.authorization;
    if (user === null || authorization === undefined) return [];
    const cached = cache.get(user.jti);
    if (cached !== undefined && Date.now() - cached.at < TTL_MS) return cached.companies;
    try {
      const response = await fetchImpl(`${codexUrl}/api/companies?per_page=500`, {
        headers: { authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) return [];
      const companies = companyList.parse(await response.json()).items.map((c) => c.account_number);
      if (cache.size > 10_000) cache.clear();
      cache.set(user.jti, { at: Date.now(), companies });
      return companies;
    } catch (error) {
      request.log.warn({ err: error }, "codex did not answer the client user's companies");
      return [];
    }
  };
}
