// Layers that the linter keeps (`npm run lint` and ./test.sh run `depcruise`).
// ARCHITECTURE.md ("Layers kept by a tool") explains the rule; this file is its only source.
//
// In every service under services/<name>/src:
//   entry   main.ts, app.ts, cli/ (and helm's daemon/): composition roots, imported by no layer below them
//   routes  routes/: thin handlers, registered by app.ts
//   views   views/: JSX pages, imported only by routes (and other views; identity's oidc/pages.tsx is
//           the OpenID provider's interaction handler, a route in all but name)
//   domain  every other folder or file (domain/, engine/, billing/, sync/, backup/, …): no HTTP, no pages
//   schema  db/schema*.ts: the tables; the bottom, imports nothing of its service above it
// Queries in db/ sit below the domain (identity, ledger, …: domain → db) except in codex, whose
// domain/ is a pure model (value types, constants, pure functions) that its queries use:
// routes → sync → db → domain → db/schema.

/** A path under some service's src/ (the service captured as $1). */
const SRC = '^services/([^/]+)/src/';
const ENTRY = `${SRC}(main\\.tsx?|app\\.tsx?|cli/|daemon/)`;
const ROUTES = `${SRC}routes/`;
const VIEWS = `${SRC}views/`;
const SCHEMA = `${SRC}db/schema[^/]*\\.ts$`;

// Modules with one entry point (module-entry-point): a folder listed here has an index.ts that exports
// its public surface, and a file outside the folder imports only that index (inside, files import each
// other by their own path: a file importing its own module's index would be a circle).
// Every top-level folder of a service's src/ is meant to be listed, except:
// - the entry (cli/, daemon/): composition roots that nothing imports, so they have no surface;
// - routes/: its only importer is app.ts (routes-only-from-entry), whose import list already is the
//   table of route plugins; an index.ts would repeat that list and hide nothing from anyone;
// - views/: pages are imported by the route that renders each one (views-only-from-routes); the pages
//   and their shared layout are all the folder holds, so a barrel would re-export every file;
// - identity's types/: declarations for an untyped package (.d.ts, not cruised);
const INDEXED_MODULES = [
  'ledger/src/(archive|billing|codex|db|engine|invoicing)',
  'helm/src/(alerts|backup|db|deploy|external|generate|identity|metrics|registry|security|settings|setup|supervisor)',
  'nexus/src/(auth|compose|home|http|prefs|proxy|registry|session)',
  'knowledgetree/src/(codex|db|domain)',
  'beacon/src/(codex|db|domain|live)',
  'brainhair/src/(approvals|chat|db|platform|tools)',
  'identity/src/(db|domain|oidc|platform)',
  'core/src/(db|domain)',
  'codex/src/(db|domain|knowledge|sync)',
];

// codex's domain/ is the model between its queries and its tables (routes → sync → db → domain →
// db/schema): it reads the enum values it shares with the tables from db/schema*.ts by name, since
// db/index.ts is the queries' entry and re-exports queries that import the model (a circle).
// codex-model-below-queries keeps it to the schema files.
const ENTRY_POINT_EXEMPT = ['^services/codex/src/domain/'];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle of imports has no layer order; move the shared part down to a module both can import.',
      from: { path: '^(services|packages)/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'no-other-service-source',
      severity: 'error',
      // Tests may start another service's harness (integration tests run the real service).
      comment: 'Services talk over HTTP (the service client); shared code lives in the SDK (packages/sdk).',
      from: { path: '^services/([^/]+)/src/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'sdk-imports-no-service',
      severity: 'error',
      comment: 'The SDK is below every service.',
      from: { path: '^packages/' },
      to: { path: '^services/' },
    },
    {
      name: 'module-entry-point',
      severity: 'error',
      comment: 'A folder with an index.ts is a module entered only through it; what else it holds is its own business.',
      from: { path: `${SRC}([^/]+)`, pathNot: ENTRY_POINT_EXEMPT },
      to: { path: `^services/(${INDEXED_MODULES.join('|')})/(?!index\\.tsx?$)`, pathNot: '^services/$1/src/$2/' },
    },
    {
      name: 'entry-is-top',
      severity: 'error',
      comment: 'main.ts, app.ts, cli/ and daemon/ compose the service; nothing below imports them.',
      from: { path: SRC, pathNot: ENTRY },
      to: { path: ENTRY },
    },
    {
      name: 'routes-only-from-entry',
      severity: 'error',
      comment:
        'Route handlers are registered by app.ts; what a view or the domain needs from a route belongs below it.',
      from: { path: SRC, pathNot: [ENTRY, ROUTES] },
      to: { path: ROUTES },
    },
    {
      name: 'views-only-from-routes',
      severity: 'error',
      comment: 'Pages are rendered by route handlers; the domain and the database know nothing of HTML.',
      from: { path: SRC, pathNot: [ENTRY, ROUTES, VIEWS, '^services/identity/src/oidc/pages\\.tsx$'] },
      to: { path: VIEWS },
    },
    {
      name: 'schema-is-bottom',
      severity: 'error',
      comment: 'The table definitions import nothing of their service but other schema files.',
      from: { path: SCHEMA },
      to: { path: SRC, pathNot: SCHEMA },
    },
    {
      name: 'db-below-domain',
      severity: 'error',
      comment: 'Queries (db/) import only db/ and config; the domain calls them, never the reverse.',
      from: { path: `${SRC}db/`, pathNot: '^services/codex/' },
      to: { path: SRC, pathNot: [`${SRC}db/`, `${SRC}config\\.ts$`] },
    },
    {
      name: 'codex-model-below-queries',
      severity: 'error',
      comment: "codex's domain/ is the pure model its queries use: it imports only the schema, never queries.",
      from: { path: '^services/codex/src/domain/' },
      to: {
        path: '^services/codex/src/',
        pathNot: ['^services/codex/src/domain/', '^services/codex/src/db/schema[^/]*\\.ts$'],
      },
    },
    {
      name: 'codex-queries-below-sync',
      severity: 'error',
      comment: 'codex: routes → sync → db → domain.',
      from: { path: '^services/codex/src/db/' },
      to: {
        path: '^services/codex/src/',
        pathNot: ['^services/codex/src/(db|domain)/', '^services/codex/src/config\\.ts$'],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.tools|instance)/|\\.d\\.ts$' },
    // Type-only imports count: a type is as much a dependency of a layer as a value.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    skipAnalysisNotInRules: true,
  },
};
