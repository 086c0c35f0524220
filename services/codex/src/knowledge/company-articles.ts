/**
 * The knowledgetree articles linked to or shared with a company, for its page's "Knowledge" card.
 * Asked with the viewing user's own token, so knowledgetree's visibility rules decide what is
 * listed (a client user sees only what is shared with their company). Knowledgetree is optional:
 * down, slow, not installed or answering nonsense, the card says so and the page still renders.
 */
import { z } from 'zod';

const answerSchema = z.object({
  articles: z
    .array(
      z.object({
        id: z.string().min(1).max(64),
        title: z.string().max(500),
        path: z.string().max(4000),
        updated_at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'a date'),
      }),
    )
    .max(1000),
});

export type KnowledgeArticle = z.infer<typeof answerSchema>['articles'][number];

/** The card's content: the articles, or why there are none to show. */
export type CompanyKnowledge =
  { status: 'ok'; articles: KnowledgeArticle[] } | { status: 'unavailable'; reason: string };

export interface KnowledgeClientOptions {
  baseUrl: string;
  /** How long the company page waits for knowledgetree, in milliseconds. */
  timeoutMs: number;
  fetch?: typeof globalThis.fetch;
}

export type CompanyKnowledgeOf = (
  authorization: string | undefined,
  accountNumber: string,
) => Promise<CompanyKnowledge>;

export function companyKnowledgeClient(options: KnowledgeClientOptions): CompanyKnowledgeOf {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  return async (authorization, accountNumber) => {
    if (authorization === undefined) return { status: 'unavailable', reason: 'no user token to forward' };
    try {
      const response = await fetchImpl(`${base}/api/companies/${encodeURIComponent(accountNumber)}/articles`, {
        headers: { authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        return { status: 'unavailable', reason: `knowledgetree answered ${response.status}` };
      }
      const parsed = answerSchema.safeParse(await response.json());
      return parsed.success
        ? { status: 'ok', articles: parsed.data.articles }
        : { status: 'unavailable', reason: 'knowledgetree answered an unexpected document' };
    } catch (error) {
      // Refused, timed out or not JSON: knowledgetree is optional, so the page goes on without it.
      return { status: 'unavailable', reason: error instanceof Error ? error.message : 'request failed' };
    }
  };
}
