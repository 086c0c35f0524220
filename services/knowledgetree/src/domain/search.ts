/**
 * Full-text search over articles and folders (reference §2.6, §2.11 item 11 fixed).
 *
 * The index is a stored tsvector of the title (weight A) and a plain-text rendering of the
 * Markdown (weight B), so markup never matches. Every word typed is a prefix (`serv` finds
 * `server` while typing). When nothing matches, each word is replaced by its nearest word in
 * the lexicon by trigram similarity (typo tolerance) and the search runs once more. Visibility and
 * the filters are conditions of the same query. Title words weigh ten times body words (ts_rank), and rank is
 * divided by document length, so a long page that mentions a word often does not bury its title. Snippets come from ts_headline on the plain text
 * with control-character markers, then the text is HTML-escaped and the markers become <mark>.
 */
import { sql, type SQL } from 'drizzle-orm';
import { one, rows, type Executor } from './sql.js';
import { visibleTo, type Viewer } from './viewer.js';

export interface SearchFilters {
  folderId?: string;
  tag?: string;
  company?: string;
}

export interface SearchHit {
  id: string;
  type: 'folder' | 'article';
  title: string;
  path: string;
  /** HTML: escaped text with <mark> around matches. */
  snippet: string;
  rank: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Set when the typo fallback rewrote the query. */
  corrected?: string;
}

/**
 * Ranking reads every candidate's tsvector, so candidates are bounded: every title match (up to
 * TITLE_CANDIDATES) plus the first BODY_CANDIDATES body matches. A word that occurs in more
 * articles than that is ranked within a sample of its body matches; titles are never missed.
 */
const TITLE_CANDIDATES = 500;
const BODY_CANDIDATES = 500;

const START = '\u0002';
const STOP = '\u0003';

/** Words of a query, reduced to letters and digits (the rest could be tsquery syntax). */
export function queryWords(q: string): string[] {
  return q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '')
    .slice(0, 8);
}

function prefixQuery(words: readonly string[]): string {
  return words.map((w) => `${w}:*`).join(' & ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Escapes a ts_headline result, then turns the markers into <mark> elements. */
export function markSnippet(raw: string): string {
  // The markers cannot come from an article: the plain-text rendering drops control characters.
  return escapeHtml(raw).replaceAll(START, '<mark>').replaceAll(STOP, '</mark>');
}

async function run(db: Executor, viewer: Viewer, tsquery: string, filters: SearchFilters, limit: number): Promise<SearchHit[]> {
  const conditions: SQL[] = [visibleTo(viewer), sql`n.search @@ q.query`, sql`NOT n.is_root`];
  if (filters.folderId !== undefined) conditions.push(sql`${filters.folderId}::uuid = ANY (n.ancestors)`);
  if (filters.tag !== undefined) conditions.push(sql`n.tags @> ARRAY[${filters.tag.toLowerCase()}]::text[]`);
  if (filters.company !== undefined) conditions.push(sql`(n.linked_company = ${filters.company} OR n.eff_company = ${filters.company})`);
  const where = sql.join(conditions, sql` AND `);
  const titleWhere = sql.join([...conditions.slice(0, 1), sql`n.title_search @@ q.query`, ...conditions.slice(2)], sql` AND `);
  return rows<SearchHit>(
    db,
    sql`WITH q AS (SELECT to_tsquery('english', ${tsquery}) AS query),
        candidates AS (
          (SELECT n.id FROM nodes n, q WHERE ${titleWhere} LIMIT ${TITLE_CANDIDATES})
          UNION
          (SELECT n.id FROM nodes n, q WHERE ${where} LIMIT ${BODY_CANDIDATES})
        ),
        hits AS (
          SELECT n.id, n.type, n.title, n.ancestors, n.plain, ts_rank('{0.02, 0.05, 0.1, 1.0}', n.search, q.query, 1) AS rank
          FROM nodes n JOIN candidates c ON c.id = n.id, q
          ORDER BY rank DESC, n.updated_at DESC LIMIT ${limit}
        )
        SELECT h.id, h.type, h.title, h.rank,
          '/' || coalesce((SELECT string_agg(a.title, '/' ORDER BY o.ord) FROM unnest(h.ancestors) WITH ORDINALITY o(aid, ord)
                           JOIN nodes a ON a.id = o.aid WHERE NOT a.is_root) || '/', '') || h.title AS path,
          ts_headline('english', left(h.plain, 20000), q.query,
                      ${`StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12`}) AS snippet
        FROM hits h, q ORDER BY h.rank DESC`,
  );
}

/** Searches what the viewer may read. An empty query finds nothing. */
export async function search(db: Executor, viewer: Viewer, q: string, filters: SearchFilters = {}, limit = 20): Promise<SearchResult> {
  const words = queryWords(q);
  if (words.length === 0) return { hits: [] };
  const present = (hits: SearchHit[]) => hits.map((h) => ({ ...h, snippet: markSnippet(h.snippet) }));
  const hits = await run(db, viewer, prefixQuery(words), filters, limit);
  if (hits.length > 0) return { hits: present(hits) };
  // Typo fallback: nearest known word for each word (pg_trgm similarity over the lexicon index).
  const corrected: string[] = [];
  for (const word of words) {
    const near = word.length < 3 ? undefined : await one<{ word: string }>(
      db,
      sql`SELECT word FROM lexicon WHERE word % ${word} ORDER BY similarity(word, ${word}) DESC, word LIMIT 1`,
    );
    corrected.push(near?.word ?? word);
  }
  if (corrected.join(' ') === words.join(' ')) return { hits: [] };
  const retry = await run(db, viewer, corrected.map((w) => `${w}:*`).join(' & '), filters, limit);
  return { hits: present(retry), corrected: corrected.join(' ') };
}
