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
import escapeHtml from 'escape-html';
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
 * Ranking reads each candidate's whole tsvector (TOASTed, a few KB per article: EXPLAIN ANALYZE on
 * the bench data set showed ~90% of a frequent word's time there), so as few rows as possible are
 * ranked on it. Title matches come first (a title word weighs ten times a body word, so a body-only
 * match outranks a title match only for a body under a few words): up to TITLE_CANDIDATES of them
 * are ordered by their small title vector, and only the page's worth is ranked on the full vector.
 * The body index is read only when the titles do not fill the page (a one-time filter: a frequent
 * word's posting list of tens of thousands of rows is then not even scanned), and at most
 * BODY_CANDIDATES body matches are ranked: a very common word is ranked within a sample.
 */
const TITLE_CANDIDATES = 500;
const BODY_CANDIDATES = 100;
const WEIGHTS = sql.raw(`'{0.02, 0.05, 0.1, 1.0}'`);

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

/** Escapes a ts_headline result, then turns the markers into <mark> elements. */
export function markSnippet(raw: string): string {
  // The markers cannot come from an article: the plain-text rendering drops control characters.
  return escapeHtml(raw).replaceAll(START, '<mark>').replaceAll(STOP, '</mark>');
}

async function run(
  db: Executor,
  viewer: Viewer,
  tsquery: string,
  filters: SearchFilters,
  limit: number,
): Promise<SearchHit[]> {
  const conditions: SQL[] = [visibleTo(viewer), sql`n.search @@ q.query`, sql`NOT n.is_root`];
  if (filters.folderId !== undefined) conditions.push(sql`${filters.folderId}::uuid = ANY (n.ancestors)`);
  if (filters.tag !== undefined) conditions.push(sql`n.tags @> ARRAY[${filters.tag.toLowerCase()}]::text[]`);
  if (filters.company !== undefined)
    conditions.push(sql`(n.linked_company = ${filters.company} OR n.eff_company = ${filters.company})`);
  const where = sql.join(conditions, sql` AND `);
  const titleWhere = sql.join(
    [...conditions.slice(0, 1), sql`n.title_search @@ q.query`, ...conditions.slice(2)],
    sql` AND `,
  );
  // `titled` is referenced twice, so PostgreSQL materialises it once; the count gates `bodied`.
  return rows<SearchHit>(
    db,
    sql`WITH q AS (SELECT to_tsquery('english', ${tsquery}) AS query),
        titled AS (
          SELECT n.id, n.updated_at, ts_rank(n.title_search, q.query) AS title_rank
          FROM nodes n, q WHERE ${titleWhere} LIMIT ${TITLE_CANDIDATES}
        ),
        best_titled AS (
          SELECT t.id, t.updated_at, t.title_rank FROM titled t ORDER BY t.title_rank DESC, t.updated_at DESC LIMIT ${limit}
        ),
        bodied AS (
          SELECT n.id, n.updated_at, 0::real AS title_rank FROM nodes n, q
          WHERE ${where} AND NOT (n.title_search @@ q.query) AND (SELECT count(*) FROM titled) < ${limit}
          LIMIT ${BODY_CANDIDATES}
        ),
        hits AS (
          SELECT c.id, c.title_rank, ts_rank(${WEIGHTS}, n.search, q.query, 1) AS rank, c.updated_at
          FROM (SELECT * FROM best_titled UNION ALL SELECT * FROM bodied) c JOIN nodes n ON n.id = c.id, q
          ORDER BY c.title_rank DESC, rank DESC, c.updated_at DESC LIMIT ${limit}
        )
        SELECT h.id, n.type, n.title, h.rank,
          '/' || coalesce((SELECT string_agg(a.title, '/' ORDER BY o.ord) FROM unnest(n.ancestors) WITH ORDINALITY o(aid, ord)
                           JOIN nodes a ON a.id = o.aid WHERE NOT a.is_root) || '/', '') || n.title AS path,
          ts_headline('english', left(n.plain, 20000), q.query,
                      ${`StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12`}) AS snippet
        FROM hits h JOIN nodes n ON n.id = h.id, q ORDER BY h.title_rank DESC, h.rank DESC, h.updated_at DESC`,
  );
}

/** Searches what the viewer may read. An empty query finds nothing. */
export async function search(
  db: Executor,
  viewer: Viewer,
  q: string,
  filters: SearchFilters = {},
  limit = 20,
): Promise<SearchResult> {
  const words = queryWords(q);
  if (words.length === 0) return { hits: [] };
  const present = (hits: SearchHit[]) => hits.map((h) => ({ ...h, snippet: markSnippet(h.snippet) }));
  const hits = await run(db, viewer, prefixQuery(words), filters, limit);
  if (hits.length > 0) return { hits: present(hits) };
  // Typo fallback: nearest known word for each word (pg_trgm similarity over the lexicon index).
  const corrected: string[] = [];
  for (const word of words) {
    const near =
      word.length < 3
        ? undefined
        : await one<{ word: string }>(
            db,
            sql`SELECT word FROM lexicon WHERE word % ${word} ORDER BY similarity(word, ${word}) DESC, word LIMIT 1`,
          );
    corrected.push(near?.word ?? word);
  }
  if (corrected.join(' ') === words.join(' ')) return { hits: [] };
  const retry = await run(db, viewer, corrected.map((w) => `${w}:*`).join(' & '), filters, limit);
  return { hits: present(retry), corrected: corrected.join(' ') };
}
