/**
 * KnowledgeTree at volume (issue 13): 10,000 folders, 100,000 articles of realistic length (a
 * few hundred words from an IT vocabulary), one article with 1,000 revisions and one folder with
 * 1,000 children; then, through the service over HTTP with a technician's token:
 *   - search (`GET /api/search`, varied one- and two-word queries, some prefixes) — target p95 < 50 ms
 *   - browse of the 1,000-child folder (`GET /api/nodes/:id`) — target p95 < 30 ms
 *   - history of the 1,000-revision article (`GET /api/nodes/:id/revisions`), for information.
 *
 * Usage: tsx bench/knowledgetree.ts [--folders N] [--articles N] [--words N] [--requests N]
 *        [--keep] [--reuse DATABASE_URL]
 * Uses TEST_DATABASE_URL's server when set, else an embedded PostgreSQL started for the run.
 * `--keep` leaves the loaded database in place and prints its URL; `--reuse` measures against such
 * a database without loading again (profiling a query change, e.g. with psql's EXPLAIN ANALYZE on
 * the kept database, takes seconds, not minutes; the migrations of the code measured are applied).
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { createLocalKeySet, createLogger, createTokenVerifier } from '@hivematrix/sdk';
import { migrate, migrationsDir, openDatabase } from '@hivematrix/sdk/db';
import { createTestDatabase, createTestKeys } from '@hivematrix/sdk/testing';
import { buildApp } from '../services/knowledgetree/src/app.js';
import { knowledgetreeEnvSchema } from '../services/knowledgetree/src/config.js';
import { schema } from '../services/knowledgetree/src/db/schema.js';

const { values } = parseArgs({
  options: {
    folders: { type: 'string', default: '10000' },
    articles: { type: 'string', default: '100000' },
    words: { type: 'string', default: '350' },
    requests: { type: 'string', default: '300' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
  },
});
const FOLDERS = Number(values.folders);
const ARTICLES = Number(values.articles);
const WORDS = Number(values.words);
const REQUESTS = Number(values.requests);
const TOP = Math.max(1, Math.round(Math.sqrt(FOLDERS)));

const VOCABULARY = `server network firewall router switch printer backup restore domain controller active directory
user account password reset mailbox exchange outlook license office teams sharepoint onedrive vpn tunnel wifi access point
dns dhcp gateway subnet vlan port patch update windows linux macos laptop desktop monitor dock keyboard mouse ticket
escalation vendor warranty contract invoice hardware software antivirus endpoint encryption bitlocker certificate expiry
renewal storage disk volume snapshot replica cloud azure tenant policy group conditional mfa authenticator phone voip
extension queue voicemail fax scanner toner cartridge tray spooler driver firmware bios uefi raid controller battery ups
rack cabinet cable patchpanel fiber isp circuit bandwidth latency outage monitoring alert threshold script scheduled task
service account permission share folder drive mapping onboarding offboarding checklist procedure runbook escalate`.split(
  /\s+/,
);

const ms = (value: number) => `${value.toFixed(1)} ms`;
const p = (list: number[], q: number) =>
  [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(list.length * q))] ?? NaN;

const testDb = values.reuse === undefined ? await createTestDatabase('knowledgetree-bench') : undefined;
const databaseUrl = values.reuse ?? testDb?.url ?? '';
// Loading is done in large statements; the service's 15 s statement timeout is for requests.
const database = openDatabase({
  url: databaseUrl,
  applicationName: 'knowledgetree-bench',
  schema,
  statementTimeoutMs: 1_800_000,
});
type Db = typeof database.db;

/** Loads the data set; returns the 1,000-child folder and the 1,000-revision article. */
async function load(db: Db): Promise<{ big: { id: string }; versioned: { id: string } }> {
  const started = performance.now();
  const now = new Date();
  // Folders: TOP top-level folders, the rest spread beneath them; ancestors and visibility as the domain keeps them.
  await db.execute(sql`
    INSERT INTO nodes (parent_id, type, title, ancestors, created_by, created_at, updated_at)
    SELECT r.id, 'folder', 'Client ' || g, ARRAY[r.id], 'bench', ${now}, ${now}
    FROM generate_series(1, ${TOP}::int) g, (SELECT id FROM nodes WHERE is_root) r`);
  await db.execute(sql`
    INSERT INTO nodes (parent_id, type, title, ancestors, created_by, created_at, updated_at)
    SELECT t.id, 'folder', 'Area ' || g, t.ancestors || t.id, 'bench', ${now}, ${now}
    FROM (SELECT id, ancestors, row_number() OVER (ORDER BY id) AS k FROM nodes WHERE type = 'folder' AND NOT is_root) t,
         generate_series(1, ${Math.ceil((FOLDERS - TOP) / TOP)}::int) g
    WHERE (t.k - 1) * ${Math.ceil((FOLDERS - TOP) / TOP)}::int + g <= ${FOLDERS - TOP}::int`);
  console.log(`folders: ${FOLDERS} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // Articles: spread over the folders, each WORDS words drawn with a Zipf-like law over 20,000
  // terms (rank r has frequency ∝ 1/r, as in natural text); the IT vocabulary sits at ranks 20 to
  // ~9,000, so a query word occurs in anything from about half of the articles to a few hundred.
  // The text is made here (fast) and inserted in multi-row statements.
  const TERMS = 20_000;
  const terms = Array.from({ length: TERMS }, (_, i) => `term${i + 1}`);
  VOCABULARY.forEach((word, i) => {
    terms[19 + i * 60] = word;
  });
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const text = () =>
    Array.from(
      { length: WORDS },
      () => terms[Math.min(TERMS, Math.floor(Math.exp(random() * Math.log(TERMS)))) - 1] ?? 'term',
    ).join(' ');
  const folders = (
    await db.execute(
      sql`SELECT id, (ancestors || id)::text AS path FROM nodes WHERE type = 'folder' AND NOT is_root ORDER BY id`,
    )
  ).rows as { id: string; path: string }[];
  // Bulk load as PostgreSQL advises: the GIN indexes are built once after the load, not row by row.
  const GIN = ['nodes_search', 'nodes_title_search', 'nodes_title_trgm', 'nodes_ancestors', 'nodes_tags'];
  const definitions = (
    await db.execute(
      sql`SELECT indexdef FROM pg_indexes WHERE indexname IN (${sql.join(
        GIN.map((g) => sql`${g}`),
        sql`, `,
      )})`,
    )
  ).rows as { indexdef: string }[];
  for (const name of GIN) await db.execute(sql.raw(`DROP INDEX ${name}`));
  const batch = 500;
  for (let offset = 0; offset < ARTICLES; offset += batch) {
    const values = [];
    for (let n = offset + 1; n <= Math.min(ARTICLES, offset + batch); n += 1) {
      const folder = folders[n % folders.length];
      if (folder === undefined) throw new Error('no folders');
      const body = text();
      values.push(
        sql`(${folder.id}::uuid, 'article', ${`Article ${n} ${VOCABULARY[n % VOCABULARY.length] ?? ''}`}, ${folder.path}::uuid[], ${body}, ${body}, 'bench', ${now}, ${now})`,
      );
    }
    await db.execute(
      sql`INSERT INTO nodes (parent_id, type, title, ancestors, markdown, plain, created_by, created_at, updated_at) VALUES ${sql.join(values, sql`, `)}`,
    );
    if (offset % 10_000 === 0) process.stdout.write(`\rarticles: ${Math.min(ARTICLES, offset + batch)}`);
  }
  console.log(`\rarticles: ${ARTICLES} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const { indexdef } of definitions) await db.execute(sql.raw(indexdef));
  await db.execute(
    sql`INSERT INTO lexicon (word) SELECT DISTINCT w FROM unnest(${`{${terms.join(',')}}`}::text[]) w ON CONFLICT DO NOTHING`,
  );

  // The 1,000-child folder and the 1,000-revision article.
  const big = (
    await db.execute(sql`INSERT INTO nodes (parent_id, type, title, ancestors, created_by, created_at, updated_at)
      SELECT id, 'folder', 'Big folder', ARRAY[id], 'bench', ${now}, ${now} FROM nodes WHERE is_root RETURNING id`)
  ).rows[0] as { id: string };
  await db.execute(sql`INSERT INTO nodes (parent_id, type, title, ancestors, markdown, plain, created_by, created_at, updated_at)
      SELECT ${big.id}, CASE WHEN g % 10 = 0 THEN 'folder' ELSE 'article' END, 'Child ' || g, (SELECT ancestors || id FROM nodes WHERE id = ${big.id}), 'text', 'text', 'bench', ${now}, ${now}
      FROM generate_series(1, 1000) g`);
  const versioned = (
    await db.execute(sql`SELECT id FROM nodes WHERE parent_id = ${big.id} AND type = 'article' LIMIT 1`)
  ).rows[0] as { id: string };
  await db.execute(sql`INSERT INTO revisions (node_id, number, title, markdown, message, author_sub, author_name, created_at, html, toc, render_version)
      SELECT ${versioned.id}, g, 'Child', 'revision ' || g, 'edit ' || g, 'bench', 'Bench', ${now}, '<p>revision ' || g || '</p>', '[]', 1 FROM generate_series(1, 1000) g`);
  await db.execute(
    sql`UPDATE nodes SET revision_id = (SELECT max(id) FROM revisions WHERE node_id = ${versioned.id}) WHERE id = ${versioned.id}`,
  );
  await db.execute(sql`VACUUM ANALYZE nodes`);
  await db.execute(sql`VACUUM ANALYZE revisions`);
  console.log(`data ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { big, versioned };
}

/** A kept database's 1,000-child folder and 1,000-revision article, found by what `load` made. */
async function find(db: Db): Promise<{ big: { id: string }; versioned: { id: string } }> {
  const big = (
    await db.execute(
      sql`SELECT id FROM nodes WHERE title = 'Big folder' AND parent_id = (SELECT id FROM nodes WHERE is_root)`,
    )
  ).rows[0] as { id: string } | undefined;
  const versioned = (
    await db.execute(sql`SELECT node_id AS id FROM revisions GROUP BY node_id ORDER BY count(*) DESC LIMIT 1`)
  ).rows[0] as { id: string } | undefined;
  if (big === undefined || versioned === undefined)
    throw new Error(`${databaseUrl} holds no bench data (made with --keep?)`);
  return { big, versioned };
}

try {
  await migrate(database.pool, { dir: migrationsDir(import.meta.url, '../services/knowledgetree/src/db/migrations') });
  const db = database.db;
  const { big, versioned } = values.reuse === undefined ? await load(db) : await find(db);
  if (values.reuse !== undefined) await db.execute(sql`ANALYZE nodes`);

  const keys = await createTestKeys();
  const config = knowledgetreeEnvSchema.parse({
    SERVICE_NAME: 'knowledgetree',
    DATABASE_URL: databaseUrl,
    RATE_LIMIT_PER_MINUTE: '1000000',
    LOG_LEVEL: 'warn',
  });
  const app = await buildApp({
    config,
    logger: createLogger({ service: 'knowledgetree', level: 'silent' }),
    db,
    ping: database.ping,
    verifier: createTokenVerifier({ keySet: createLocalKeySet(keys.jwks), serviceName: 'knowledgetree' }),
    now: () => new Date(),
    companiesOf: () => Promise.resolve([]),
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const token = await keys.mintUserToken({ permission_level: 'technician' }, { expiresInSec: 3600 });
  const time = async (url: string): Promise<number> => {
    const t0 = performance.now();
    const res = await fetch(base + url, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url}: ${res.status}`);
    return performance.now() - t0;
  };
  const queries = Array.from({ length: REQUESTS }, (_, i) => {
    const a = VOCABULARY[(i * 7) % VOCABULARY.length] ?? 'server';
    const b = VOCABULARY[(i * 13 + 5) % VOCABULARY.length] ?? 'backup';
    return i % 3 === 0 ? a : i % 3 === 1 ? `${a} ${b}` : a.slice(0, Math.max(3, a.length - 3));
  });
  for (const q of queries.slice(0, 10)) await time(`/api/search?q=${encodeURIComponent(q)}`);
  const searches: number[] = [];
  for (const q of queries) searches.push(await time(`/api/search?q=${encodeURIComponent(q)}&limit=20`));
  const browses: number[] = [];
  for (let i = 0; i < REQUESTS; i += 1) browses.push(await time(`/api/nodes/${big.id}`));
  const histories: number[] = [];
  for (let i = 0; i < Math.min(100, REQUESTS); i += 1)
    histories.push(await time(`/api/nodes/${versioned.id}/revisions`));
  await app.close();

  const report = (name: string, list: number[], target?: number) =>
    console.log(
      `${name.padEnd(34)} p50 ${ms(p(list, 0.5)).padStart(9)}  p95 ${ms(p(list, 0.95)).padStart(9)}  max ${ms(Math.max(...list)).padStart(9)}` +
        (target === undefined
          ? ''
          : `  target ${target} ms: ${p(list, 0.95) < target ? 'met' : 'MISSED'} (p95/target ${(p(list, 0.95) / target).toFixed(2)})`),
    );
  console.log(
    `\n${FOLDERS} folders, ${ARTICLES} articles of ${WORDS} words, ${REQUESTS} requests each, one at a time over HTTP`,
  );
  report('search (GET /api/search)', searches, 50);
  report('browse 1,000 children (GET /api/nodes/:id)', browses, 30);
  report('history of 1,000 revisions', histories);
} finally {
  await database.close();
  if (values.keep) console.log(`kept: --reuse ${databaseUrl}`);
  else await testDb?.drop();
}
