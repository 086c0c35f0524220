/**
 * The platform home at `/`: panels read from fake helm, codex, ledger and beacon (real HTTP, each
 * applying its own role rule to the user's token as the real services do), shown per role, and a
 * page that still stands with a service down.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { ADMIN, TECH, closedPort, startNexus, type NexusHarness } from './harness.js';
import type { IdentityUser } from './helpers/fake-identity.js';

const NAVIGATE = { accept: 'text/html', 'sec-fetch-mode': 'navigate' };
const BILLING: IdentityUser = {
  sub: 'u-bill',
  name: 'Bea Billing',
  username: 'bea',
  email: 'bea@example.test',
  groups: ['billing'],
};

type Route = { levels: readonly string[]; body: unknown };

/** A service answering JSON at fixed paths, 401 without a bearer token and 403 for other levels. */
async function startFake(routes: Record<string, Route>) {
  const calls: string[] = [];
  /** The Cache-Control header of each call. */
  const cacheControl: (string | undefined)[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    calls.push(String(request.url));
    cacheControl.push(request.headers['cache-control']);
    const route = routes[String(request.url)];
    if (route === undefined) return void response.writeHead(404).end();
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) return void response.writeHead(401).end();
    if (!route.levels.includes(String(decodeJwt(token)['permission_level'])))
      return void response.writeHead(403, { 'content-type': 'application/problem+json' }).end('{}');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    cacheControl,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const helmRoutes: Record<string, Route> = {
  '/api/setup': {
    levels: ['admin'],
    body: {
      steps: [
        { step: 'password', state: 'done' },
        { step: 'hostname', state: 'skipped' },
        { step: 'integrations', state: 'open' },
        { step: 'users', state: 'open' },
      ],
      pending: 2,
    },
  },
  '/api/alerts': {
    levels: ['admin'],
    body: {
      open: [
        {
          key: 'disk',
          severity: 'critical',
          title: 'Disk <almost> full',
          detail: null,
          opened_at: '2026-12-06T00:00:00.000Z',
        },
      ],
      resolved: [],
    },
  },
  '/api/services': {
    levels: ['admin'],
    body: {
      daemon: {},
      services: [
        { name: 'codex', state: 'running', health: 'healthy', message: null },
        { name: 'knowledgetree', state: 'running', health: 'degraded', message: 'search index behind' },
        { name: 'template', state: 'disabled', health: 'unknown', message: null },
      ],
    },
  },
};
const codexRoutes: Record<string, Route> = {
  // Codex lets technicians and admins read sync runs; this fake refuses billing, to show that the
  // service's own rule (not the gateway's guess) decides.
  '/api/sync/runs?limit=100': {
    levels: ['admin', 'technician'],
    body: [
      {
        id: 3,
        job: 'freshservice',
        status: 'failed',
        started_at: '2026-12-06T01:00:00.000Z',
        finished_at: '2026-12-06T01:00:05.000Z',
        errors: ['401 from the vendor: wrong API key'],
      },
      {
        id: 2,
        job: 'datto',
        status: 'succeeded',
        started_at: '2026-12-06T00:30:00.000Z',
        finished_at: '2026-12-06T00:31:00.000Z',
        errors: [],
      },
      {
        id: 1,
        job: 'freshservice',
        status: 'succeeded',
        started_at: '2026-12-05T00:00:00.000Z',
        finished_at: '2026-12-05T00:01:00.000Z',
        errors: [],
      },
    ],
  },
};
const ledgerRoutes: Record<string, Route> = {
  '/api/review': {
    levels: ['admin', 'billing'],
    body: {
      period: '2026-12',
      threshold_percent: 10,
      flagged: [
        {
          account_number: 'A-1',
          name: 'Acme Corp',
          total_cents: 100,
          previous_total_cents: 50,
          billable: true,
          accepted_invoice: null,
          flags: [{ code: 'total_moved', message: 'Total moved 100%' }],
        },
        {
          account_number: 'B-2',
          name: 'Beta LLC',
          total_cents: 100,
          previous_total_cents: 50,
          billable: true,
          accepted_invoice: 'INV-9',
          flags: [{ code: 'total_moved', message: 'Total moved 100%' }],
        },
      ],
    },
  },
};
const beaconRoutes: Record<string, Route> = {
  '/api/board': {
    levels: ['admin', 'technician'],
    body: {
      version: 1,
      rows: [
        {
          id: 1,
          number: 'T-101',
          subject: 'Printer on fire',
          company: 'Acme Corp',
          sla: 'overdue',
          reason: 'First response overdue by 2 h',
        },
        { id: 2, number: 'T-102', subject: 'New laptop', company: null, sla: 'normal', reason: 'FR due in 3 h' },
      ],
    },
  },
};

describe('nexus: the platform home', () => {
  let h: NexusHarness;
  let fakes: Awaited<ReturnType<typeof startFake>>[];
  before(async () => {
    fakes = await Promise.all([
      startFake(helmRoutes),
      startFake(codexRoutes),
      startFake(ledgerRoutes),
      startFake(beaconRoutes),
    ]);
    const [helm, codex, ledger, beacon] = fakes.map((fake) => fake.url);
    h = await startNexus({ extraServices: { helm: helm!, codex: codex!, ledger: ledger!, beacon: beacon! } });
  });
  after(async () => {
    await h.close();
    await Promise.all(fakes.map((fake) => fake.close()));
  });

  async function home(user: IdentityUser): Promise<string> {
    const { cookie } = await h.login(user);
    const res = await h.fetch('/', { headers: { cookie, ...NAVIGATE } });
    assert.equal(res.statusCode, 200);
    return res.body.text();
  }

  it('shows an admin every panel, filled from the services, with text escaped', async () => {
    const html = await home(ADMIN);
    assert.match(html, /id="home-alerts"[\s\S]*Disk &lt;almost> full/);
    assert.match(html, /id="home-health"[\s\S]*knowledgetree[\s\S]*degraded/);
    assert.doesNotMatch(html, /template/, 'a disabled service is not "not healthy"');
    assert.match(html, /id="home-syncs"[\s\S]*freshservice[\s\S]*failed[\s\S]*wrong API key/);
    assert.equal((html.match(/>freshservice</g) ?? []).length, 1, 'only the newest run of each job');
    assert.match(html, /id="home-review"[\s\S]*<strong>1<\/strong> bill\(s\) of 2026-12[\s\S]*Acme Corp/);
    assert.doesNotMatch(html, /Beta LLC/, 'an accepted bill is not waiting');
    assert.match(html, /id="home-overdue"[\s\S]*T-101[\s\S]*Printer on fire/);
    assert.doesNotMatch(html, /T-102/);
    assert.match(
      html,
      /id="home-setup"[\s\S]*Finish setting up: 2 step\(s\) left[\s\S]*connect your PSA and RMM; create the first users/,
    );
    assert.match(html, /href="\/helm\/setup"/);
    assert.match(html, /href="\/codex\/admin\/integrations"/);
    // A page view revalidates: beacon reads codex again rather than answer from its shared board.
    const beacon = fakes[3];
    assert.ok(beacon !== undefined && beacon.calls.includes('/api/board'));
    assert.deepEqual(
      beacon.cacheControl.filter((_, index) => beacon.calls[index] === '/api/board'),
      beacon.calls.filter((call) => call === '/api/board').map(() => 'no-cache'),
    );
  });

  it('shows a technician the syncs and the overdue tickets, never asking for what is not theirs', async () => {
    const [helm, , ledger] = fakes;
    const before = { helm: helm!.calls.length, ledger: ledger!.calls.length };
    const html = await home(TECH);
    assert.doesNotMatch(html, /id="home-setup"|id="home-alerts"|id="home-health"|id="home-review"/);
    assert.match(html, /id="home-syncs"/);
    assert.match(html, /id="home-overdue"[\s\S]*T-101/);
    assert.match(html, /Ticket board/);
    assert.doesNotMatch(html, /class="dashboard-card" href="\/helm\//, 'no admin shortcut');
    assert.deepEqual({ helm: helm!.calls.length, ledger: ledger!.calls.length }, before);
  });

  it('shows a billing user the review queue, and leaves out a panel the service refuses', async () => {
    const html = await home(BILLING);
    assert.match(html, /id="home-review"[\s\S]*Acme Corp/);
    assert.doesNotMatch(html, /id="home-syncs"/, 'codex answered 403 to this user');
    assert.doesNotMatch(html, /id="home-alerts"|id="home-overdue"/);
    assert.match(html, /Review bills/);
  });
});

describe('nexus: the platform home with a service down', () => {
  let h: NexusHarness;
  let helm: Awaited<ReturnType<typeof startFake>>;
  before(async () => {
    helm = await startFake(helmRoutes);
    const down = `http://127.0.0.1:${await closedPort()}`;
    h = await startNexus({ extraServices: { helm: helm.url, ledger: down } });
  });
  after(async () => {
    await h.close();
    await helm.close();
  });

  it('says which panel is unavailable and still shows the others', async () => {
    const { cookie } = await h.login(ADMIN);
    const res = await h.fetch('/', { headers: { cookie, ...NAVIGATE } });
    assert.equal(res.statusCode, 200);
    const html = await res.body.text();
    assert.match(
      html,
      /id="home-review"[\s\S]*data-unavailable="ledger"[^>]*>ledger is not available right now \(could not be reached\)/,
    );
    assert.match(html, /id="home-alerts"[\s\S]*Disk &lt;almost> full/);
    assert.match(html, /href="\/helm\/logs"/);
  });
});

describe('nexus: the platform home in development mode (the demo offer)', () => {
  let h: NexusHarness;
  let helm: Awaited<ReturnType<typeof startFake>>;
  let codex: Awaited<ReturnType<typeof startFake>>;
  const counts = { companies: 0, contacts: 0, assets: 0, tickets: 0, timeEntries: 0, plans: 0 };
  before(async () => {
    const setup = helmRoutes['/api/setup'];
    helm = await startFake({
      ...helmRoutes,
      '/api/setup': { levels: ['admin'], body: { ...(setup?.body as object), environment: 'development' } },
    });
    // Codex's demo counts are for those who may load it (integration:manage, admins).
    codex = await startFake({ ...codexRoutes, '/api/demo': { levels: ['admin'], body: counts } });
    h = await startNexus({ extraServices: { helm: helm.url, codex: codex.url } });
  });
  after(async () => {
    await h.close();
    await helm.close();
    await codex.close();
  });

  async function home(user: IdentityUser): Promise<string> {
    const { cookie } = await h.login(user);
    const res = await h.fetch('/', { headers: { cookie, ...NAVIGATE } });
    assert.equal(res.statusCode, 200);
    return res.body.text();
  }

  it("offers an admin to load the demo into an empty codex, through codex's own admin form, back to the home", async () => {
    counts.companies = 0;
    const html = await home(ADMIN);
    assert.match(
      html,
      /id="home-demo"[\s\S]*<form method="post" action="\/codex\/admin\/demo">[\s\S]*name="return" value="home"[\s\S]*Load the demo data/,
    );
    assert.doesNotMatch(html, /Remove the demo data/);
  });

  it('offers removing it once loaded, with the counts', async () => {
    Object.assign(counts, { companies: 6, contacts: 40, assets: 1234, tickets: 300 });
    const html = await home(ADMIN);
    assert.match(
      html,
      /id="home-demo"[\s\S]*The demo MSP is loaded: 6 companies, 40 contacts, 1,234 assets, 300 tickets[\s\S]*action="\/codex\/admin\/demo\/remove"[\s\S]*Remove the demo data/,
    );
  });

  it('never asks codex for the demo on behalf of a technician', async () => {
    const before = codex.calls.filter((call) => call === '/api/demo').length;
    const html = await home(TECH);
    assert.doesNotMatch(html, /id="home-demo"/);
    assert.equal(codex.calls.filter((call) => call === '/api/demo').length, before);
  });
});

describe('nexus: the platform home in production mode', () => {
  let h: NexusHarness;
  let helm: Awaited<ReturnType<typeof startFake>>;
  let codex: Awaited<ReturnType<typeof startFake>>;
  before(async () => {
    const setup = helmRoutes['/api/setup'];
    helm = await startFake({
      ...helmRoutes,
      '/api/setup': { levels: ['admin'], body: { ...(setup?.body as object), environment: 'production' } },
    });
    codex = await startFake({
      ...codexRoutes,
      '/api/demo': {
        levels: ['admin'],
        body: { companies: 0, contacts: 0, assets: 0, tickets: 0, timeEntries: 0, plans: 0 },
      },
    });
    h = await startNexus({ extraServices: { helm: helm.url, codex: codex.url } });
  });
  after(async () => {
    await h.close();
    await helm.close();
    await codex.close();
  });

  it('offers no demo data to an admin, and does not ask codex for it', async () => {
    const { cookie } = await h.login(ADMIN);
    const res = await h.fetch('/', { headers: { cookie, ...NAVIGATE } });
    const html = await res.body.text();
    assert.match(html, /id="home-syncs"/);
    assert.doesNotMatch(html, /id="home-demo"|Load the demo data/);
    assert.deepEqual(
      codex.calls.filter((call) => call === '/api/demo'),
      [],
    );
  });
});
