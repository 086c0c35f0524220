/**
 * Generated data for benchmarks and demos: a plan catalogue, companies, contacts and assets with
 * realistic names, plans, billing types and online states. Rows go in with multi-row
 * `INSERT … SELECT FROM unnest($1::text[], …)` batches (one round trip per few thousand rows) and
 * explicit ids (`OVERRIDING SYSTEM VALUE`), so links need no lookups; the identity sequences are
 * moved past them at the end. Refuses a database that already holds companies.
 */
import type pg from 'pg';

export interface SeedCounts {
  companies: number;
  contacts: number;
  assets: number;
}

/** A deterministic pseudo-random source in [0, 1) (mulberry32), so a seed is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Litware',
  'Adatum',
  'Proseware',
  'Wingtip',
  'Woodgrove',
  'Alpine',
  'Blue Yonder',
  'Coho',
  'Lucerne',
  'Margie',
  'Trey',
  'Humongous',
  'Wide World',
  'Fourth Coffee',
  'Southridge',
  'Graphic Design',
];
const TRADES = [
  'Dental',
  'Law',
  'Accounting',
  'Clinic',
  'Logistics',
  'Realty',
  'Engineering',
  'Insurance',
  'Bakery',
  'Motors',
  'Architects',
  'Veterinary',
  'Credit Union',
  'Schools',
  'Brewing',
];
const FIRST = [
  'Ana',
  'Sam',
  'Priya',
  'Jordan',
  'Maria',
  'Tom',
  'Wei',
  'Olu',
  'Eva',
  'Luis',
  'Kim',
  'Noah',
  'Zoe',
  'Ravi',
  'Ines',
  'Max',
];
const LAST = [
  'Trujillo',
  'Okafor',
  'Natarajan',
  'Reyes',
  'Anders',
  'Law',
  'Chen',
  'Adeyemi',
  'Novak',
  'Garcia',
  'Park',
  'Smith',
  'Moreau',
  'Iyer',
  'Costa',
  'Berg',
];
const PLANS = [
  { name: 'MSP Basic', perUser: [5000, 4800, 4600, 4400], perWorkstation: 7500, perServer: 15000, perHour: 10000 },
  { name: 'MSP Advanced', perUser: [8500, 8200, 7900, 7600], perWorkstation: 6000, perServer: 14000, perHour: 9000 },
  { name: 'MSP Premium', perUser: [10500, 10000, 9500, 9000], perWorkstation: 0, perServer: 12500, perHour: 0 },
  { name: 'MSP Platinum', perUser: [12500, 12000, 11500, 11000], perWorkstation: 0, perServer: 10000, perHour: 0 },
];
const TERMS = ['Month to Month', '1 Year', '2 Year', '3 Year'];
const DEVICE_KINDS = [
  { weight: 70, type: 'Desktop', billing: 'workstation', os: 'Windows 11 Pro', prefix: 'WS' },
  { weight: 12, type: 'Laptop', billing: 'workstation', os: 'Windows 11 Pro', prefix: 'LT' },
  { weight: 7, type: 'Server', billing: 'server', os: 'Windows Server 2022', prefix: 'SRV' },
  { weight: 5, type: 'Virtual Machine', billing: 'virtual_machine', os: 'Ubuntu 24.04', prefix: 'VM' },
  { weight: 2, type: 'Network Device / Switch', billing: 'switch', os: null, prefix: 'SW' },
  { weight: 2, type: 'Network Device / Firewall', billing: 'firewall', os: null, prefix: 'FW' },
  { weight: 2, type: 'Printer', billing: 'not_billed', os: null, prefix: 'PRN' },
] as const;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

async function inBatches(
  total: number,
  size: number,
  write: (from: number, to: number) => Promise<void>,
): Promise<void> {
  for (let from = 0; from < total; from += size) await write(from, Math.min(total, from + size));
}

/** Fills an empty codex database; `progress` hears about each table as it is done. */
export async function seedDatabase(
  pool: pg.Pool,
  counts: SeedCounts,
  random: () => number,
  progress: (message: string) => void = () => undefined,
): Promise<void> {
  const existing = await pool.query<{ count: string }>('SELECT count(*) FROM companies');
  if (Number(existing.rows[0]?.count ?? 0) > 0)
    throw new Error('the database already holds companies; seed a fresh one');
  const now = Date.UTC(2026, 10, 25);

  for (const plan of PLANS) {
    for (const [index, term] of TERMS.entries()) {
      await pool.query(
        `INSERT INTO billing_plans (plan_name, term, support_level, per_user_cents, per_workstation_cents, per_server_cents, per_vm_cents, per_switch_cents,
           per_firewall_cents, per_hour_cents, backup_base_workstation_cents, backup_base_server_cents, backup_included_tb, backup_per_tb_cents)
         VALUES ($1, $2, $3, $4, $5, $6, 10000, 2500, 5000, $7, 2000, 4000, 1.00, 1500) ON CONFLICT DO NOTHING`,
        [
          plan.name,
          term,
          plan.perHour === 0 ? 'Unlimited' : 'Billed Hourly',
          plan.perUser[index],
          plan.perWorkstation,
          plan.perServer,
          plan.perHour,
        ],
      );
    }
  }
  progress(`${PLANS.length * TERMS.length} plan rows`);

  const domains: string[] = [];
  const prefixes: string[] = [];
  await inBatches(counts.companies, 5000, async (from, to) => {
    const columns: unknown[][] = [[], [], [], [], [], [], [], []];
    for (let i = from; i < to; i += 1) {
      const word = pick(random, WORDS);
      const trade = pick(random, TRADES);
      const domain = `${word}-${trade}-${i}.example`.toLowerCase().replace(/\s+/g, '');
      domains.push(domain);
      prefixes.push(`${word.replace(/\s+/g, '').slice(0, 4).toUpperCase()}${i}`);
      const year = 2021 + Math.floor(random() * 5);
      columns[0]?.push(i + 1);
      columns[1]?.push(String(100000 + i));
      columns[2]?.push(`${word} ${trade} ${i}`);
      columns[3]?.push(random() < 0.9 ? pick(random, PLANS).name : null);
      columns[4]?.push(pick(random, TERMS));
      columns[5]?.push(`${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-01`);
      columns[6]?.push(random() < 0.9 ? 'standard' : pick(random, ['cjis', 'hipaa']));
      columns[7]?.push(domain);
    }
    await pool.query(
      `INSERT INTO companies (id, account_number, name, plan_name, contract_term, contract_start, compliance_level, domains) OVERRIDING SYSTEM VALUE
       SELECT id, account, name, plan, term, start, compliance, ARRAY[domain]
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::text[]) AS u(id, account, name, plan, term, start, compliance, domain)`,
      columns,
    );
  });
  progress(`${counts.companies} companies`);

  await inBatches(counts.contacts, 5000, async (from, to) => {
    const columns: unknown[][] = [[], [], [], [], [], []];
    const links: [number[], number[]] = [[], []];
    for (let i = from; i < to; i += 1) {
      const company = i % counts.companies;
      const first = pick(random, FIRST);
      const last = pick(random, LAST);
      columns[0]?.push(i + 1);
      columns[1]?.push(`${first} ${last}`);
      columns[2]?.push(first);
      columns[3]?.push(last);
      columns[4]?.push(`${first}.${last}.${i}@${domains[company] ?? 'example.test'}`.toLowerCase());
      columns[5]?.push(random() < 0.93);
      links[0].push(i + 1);
      links[1].push(company + 1);
    }
    await pool.query(
      `INSERT INTO contacts (id, name, first_name, last_name, email, active) OVERRIDING SYSTEM VALUE
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[])`,
      columns,
    );
    await pool.query(
      `INSERT INTO contact_companies (contact_id, company_id, source) SELECT c, k, 'sync' FROM unnest($1::bigint[], $2::bigint[]) AS u(c, k)`,
      links,
    );
  });
  progress(`${counts.contacts} contacts`);

  const totalWeight = DEVICE_KINDS.reduce((sum, kind) => sum + kind.weight, 0);
  await inBatches(counts.assets, 5000, async (from, to) => {
    const columns: unknown[][] = [[], [], [], [], [], [], [], [], []];
    for (let i = from; i < to; i += 1) {
      const company = Math.floor(random() * counts.companies);
      let roll = random() * totalWeight;
      const kind = DEVICE_KINDS.find((entry) => (roll -= entry.weight) < 0) ?? DEVICE_KINDS[0];
      columns[0]?.push(i + 1);
      columns[1]?.push(company + 1);
      columns[2]?.push(`${prefixes[company] ?? 'X'}-${kind.prefix}${String(i).padStart(6, '0')}`);
      columns[3]?.push(kind.type);
      columns[4]?.push(kind.billing);
      columns[5]?.push(kind.os);
      columns[6]?.push(random() < 0.8);
      columns[7]?.push(new Date(now - Math.floor(random() * 30 * 86_400_000)).toISOString());
      columns[8]?.push(`10.${Math.floor(i / 65536) % 256}.${Math.floor(i / 256) % 256}.${i % 256}`);
    }
    await pool.query(
      `INSERT INTO assets (id, company_id, hostname, rmm_device_type, billing_type_derived, operating_system, online, last_seen, int_ip) OVERRIDING SYSTEM VALUE
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::timestamptz[], $9::inet[])`,
      columns,
    );
  });
  progress(`${counts.assets} assets`);

  for (const table of ['companies', 'contacts', 'assets']) {
    await pool.query(
      `SELECT setval(pg_get_serial_sequence('${table}', 'id'), greatest((SELECT max(id) FROM ${table}), 1))`,
    );
  }
  // VACUUM folds the GIN indexes' pending lists into the trees (the planner prices a long pending
  // list as expensive and would fall back to sequential scans) and ANALYZE refreshes statistics.
  await pool.query('VACUUM ANALYZE companies, contacts, contact_companies, assets, billing_plans');
  progress('indexes vacuumed, statistics updated');
}
