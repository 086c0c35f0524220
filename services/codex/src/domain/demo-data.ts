/**
 * The demo MSP: a small, fixed cast of clients, people, devices, plans and tickets, with dates
 * relative to the day it is loaded, so every codex page and a month of bills can be tried at once.
 * Plain data and a deterministic generator; `db/demo.ts` writes it.
 */

/** The marker of demo rows in link tables and provider columns; no real sync uses it. */
export const DEMO_PROVIDER = 'demo';
/** Demo account numbers start with this, so they are recognisable in every list and bill. */
export const DEMO_ACCOUNT_PREFIX = 'DEMO-';

export interface DemoPlan {
  name: string;
  supportLevel: 'Billed Hourly' | 'Unlimited';
  /** Per user per month, by term (Month to Month, 1 Year, 2 Year, 3 Year), in cents. */
  perUser: [number, number, number, number];
  perWorkstation: number;
  perServer: number;
  perVm: number;
  perSwitch: number;
  perFirewall: number;
  perHour: number;
}

export const DEMO_PLANS: readonly DemoPlan[] = [
  {
    name: 'Demo Essentials',
    supportLevel: 'Billed Hourly',
    perUser: [4500, 4300, 4100, 3900],
    perWorkstation: 3500,
    perServer: 12500,
    perVm: 7500,
    perSwitch: 2500,
    perFirewall: 5000,
    perHour: 12500,
  },
  {
    name: 'Demo Complete',
    supportLevel: 'Unlimited',
    perUser: [9500, 9000, 8500, 8000],
    perWorkstation: 0,
    perServer: 15000,
    perVm: 9000,
    perSwitch: 2500,
    perFirewall: 5000,
    perHour: 0,
  },
  {
    name: 'Demo Premier',
    supportLevel: 'Unlimited',
    perUser: [12500, 12000, 11500, 11000],
    perWorkstation: 0,
    perServer: 10000,
    perVm: 6000,
    perSwitch: 0,
    perFirewall: 0,
    perHour: 0,
  },
];

export const DEMO_TERMS = ['Month to Month', '1 Year', '2 Year', '3 Year'] as const;

export interface DemoCompany {
  account: string;
  name: string;
  domain: string;
  plan: string;
  term: (typeof DEMO_TERMS)[number];
  /** Months before the load date the contract started. */
  startedMonthsAgo: number;
  compliance: 'standard' | 'cjis' | 'hipaa';
  address: string;
  phone: string;
  users: number;
  workstations: number;
  servers: number;
  vms: number;
  switches: number;
  firewalls: number;
  printers: number;
}

export const DEMO_COMPANIES: readonly DemoCompany[] = [
  {
    account: 'DEMO-1001',
    name: 'Northwind Dental',
    domain: 'northwind-dental.example',
    plan: 'Demo Complete',
    term: '1 Year',
    startedMonthsAgo: 14,
    compliance: 'hipaa',
    address: '12 Harbour Road, Portland',
    phone: '+1 503 555 0101',
    users: 14,
    workstations: 12,
    servers: 1,
    vms: 1,
    switches: 1,
    firewalls: 1,
    printers: 2,
  },
  {
    account: 'DEMO-1002',
    name: 'Contoso Law Partners',
    domain: 'contoso-law.example',
    plan: 'Demo Premier',
    term: '3 Year',
    startedMonthsAgo: 26,
    compliance: 'standard',
    address: '400 Market Street, Suite 9, Denver',
    phone: '+1 303 555 0144',
    users: 22,
    workstations: 20,
    servers: 2,
    vms: 3,
    switches: 2,
    firewalls: 1,
    printers: 3,
  },
  {
    account: 'DEMO-1003',
    name: 'Fabrikam Logistics',
    domain: 'fabrikam-logistics.example',
    plan: 'Demo Essentials',
    term: 'Month to Month',
    startedMonthsAgo: 7,
    compliance: 'standard',
    address: '8 Depot Lane, Reno',
    phone: '+1 775 555 0170',
    users: 9,
    workstations: 8,
    servers: 1,
    vms: 0,
    switches: 1,
    firewalls: 1,
    printers: 1,
  },
  {
    account: 'DEMO-1004',
    name: 'Tailspin Accounting',
    domain: 'tailspin-cpa.example',
    plan: 'Demo Complete',
    term: '2 Year',
    startedMonthsAgo: 19,
    compliance: 'standard',
    address: '77 Ledger Avenue, Boise',
    phone: '+1 208 555 0112',
    users: 11,
    workstations: 10,
    servers: 1,
    vms: 2,
    switches: 1,
    firewalls: 1,
    printers: 1,
  },
  {
    account: 'DEMO-1005',
    name: 'Woodgrove Veterinary Clinic',
    domain: 'woodgrove-vet.example',
    plan: 'Demo Essentials',
    term: '1 Year',
    startedMonthsAgo: 4,
    compliance: 'standard',
    address: '3 Paddock Way, Eugene',
    phone: '+1 541 555 0188',
    users: 6,
    workstations: 6,
    servers: 0,
    vms: 1,
    switches: 1,
    firewalls: 1,
    printers: 1,
  },
  {
    account: 'DEMO-1006',
    name: 'Alpine County Sheriff',
    domain: 'alpine-sheriff.example',
    plan: 'Demo Premier',
    term: '3 Year',
    startedMonthsAgo: 30,
    compliance: 'cjis',
    address: '1 Courthouse Square, Alpine',
    phone: '+1 530 555 0199',
    users: 18,
    workstations: 16,
    servers: 2,
    vms: 2,
    switches: 2,
    firewalls: 2,
    printers: 2,
  },
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
  'Lena',
  'Omar',
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
const TITLES = [
  'Office Manager',
  'Owner',
  'Bookkeeper',
  'Receptionist',
  'Partner',
  'Operations Lead',
  'Assistant',
  'Analyst',
];

export const DEMO_AGENTS: readonly { id: string; name: string; email: string; title: string }[] = [
  { id: 'agent-1', name: 'Riley Demo', email: 'riley@msp-demo.example', title: 'Service Desk Lead' },
  { id: 'agent-2', name: 'Casey Demo', email: 'casey@msp-demo.example', title: 'Field Technician' },
  { id: 'agent-3', name: 'Morgan Demo', email: 'morgan@msp-demo.example', title: 'Systems Engineer' },
];

const SUBJECTS = [
  [
    'Outlook keeps asking for a password',
    'Since this morning Outlook prompts for my password every few minutes.',
    'Reset the cached credentials and re-registered the profile; no prompts since.',
  ],
  [
    'New starter on Monday',
    'Please set up a laptop and an account for our new hire.',
    'Laptop imaged, account created, MFA enrolled with the user on site.',
  ],
  [
    'Printer offline on the second floor',
    'The shared printer shows offline for everyone.',
    'The printer had picked up a new address; gave it a reservation.',
  ],
  [
    'VPN drops every hour',
    'Remote staff lose the VPN about once an hour.',
    'Raised the rekey interval on the firewall to match the client.',
  ],
  [
    'Backup job failed overnight',
    'The backup report shows a failed job on the file server.',
    'Cleared the snapshot chain and re-ran the job; it completed.',
  ],
  [
    'Slow computer at reception',
    'The reception PC takes ten minutes to start.',
    'Replaced the failing disk with an SSD and restored the profile.',
  ],
  [
    'Phishing e-mail reported',
    'A user received a suspicious invoice e-mail and clicked the link.',
    'Reset the password, revoked sessions and purged the message tenant-wide.',
  ],
  [
    'Firewall firmware update',
    'Scheduled maintenance: update the firewall firmware.',
    'Updated after hours; all tunnels came back.',
  ],
  [
    'Shared mailbox access',
    'Please give the new assistant access to the bookings mailbox.',
    'Granted full access and send-as.',
  ],
  [
    'Wi-Fi dead spot in the warehouse',
    'No Wi-Fi coverage at the loading dock.',
    'Installed an additional access point on the dock wall.',
  ],
] as const;

/** A deterministic pseudo-random source in [0, 1) (mulberry32), so every load is the same. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DemoContact {
  externalId: string;
  company: string;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
  jobTitle: string;
  roles: string[];
  vip: boolean;
  active: boolean;
}

export interface DemoAsset {
  externalId: string;
  company: string;
  hostname: string;
  deviceType: string;
  billingType: 'workstation' | 'server' | 'virtual_machine' | 'switch' | 'firewall' | 'not_billed';
  os: string | null;
  online: boolean;
  lastSeen: Date;
  backupBytes: number | null;
  intIp: string;
  patchStatus: string;
}

export interface DemoTicket {
  externalId: string;
  company: string;
  number: string;
  subject: string;
  description: string;
  status: string;
  priority: 'low' | 'medium' | 'high' | 'urgent';
  requester: DemoContact;
  agent: (typeof DEMO_AGENTS)[number];
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  dueBy: Date;
  conversations: {
    externalId: string;
    body: string;
    private: boolean;
    incoming: boolean;
    fromEmail: string | null;
    createdAt: Date;
  }[];
  timeEntries: { externalId: string; date: string; minutes: number; billable: boolean; note: string }[];
}

export interface DemoData {
  contacts: DemoContact[];
  assets: DemoAsset[];
  tickets: DemoTicket[];
}

const DAY = 86_400_000;
const GB = 1024 ** 3;

/** The calendar date (YYYY-MM-DD) of `at` in `timeZone`. */
function dateIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/**
 * Generates the people, devices and tickets of the demo MSP as of `now`: four months of tickets
 * per client, each with a conversation and dated time entries (the current month included, so
 * this month's bills have hours), some open and overdue.
 */
export function generateDemo(now: Date, timeZone: string): DemoData {
  const random = seeded(18);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const contacts: DemoContact[] = [];
  const assets: DemoAsset[] = [];
  const tickets: DemoTicket[] = [];
  let ticketNumber = 7000;
  for (const [index, company] of DEMO_COMPANIES.entries()) {
    const people: DemoContact[] = [];
    const count = Math.min(6, Math.max(3, Math.round(company.users / 4)));
    for (let i = 0; i < count; i += 1) {
      const firstName = FIRST[(index * 5 + i * 3) % FIRST.length] ?? 'Ana';
      const lastName = LAST[(index * 7 + i) % LAST.length] ?? 'Smith';
      people.push({
        externalId: `contact-${company.account}-${i + 1}`,
        company: company.account,
        name: `${firstName} ${lastName}`,
        firstName,
        lastName,
        email: `${firstName}.${lastName}@${company.domain}`.toLowerCase(),
        jobTitle: TITLES[(index + i) % TITLES.length] ?? 'Staff',
        roles: i === 0 ? ['primary', 'billing'] : i === 1 ? ['technical'] : [],
        vip: i === 0,
        active: i !== count - 1 || index % 2 === 0,
      });
    }
    contacts.push(...people);

    const prefix = company.account.replace(DEMO_ACCOUNT_PREFIX, 'D');
    const devices: [
      number,
      Omit<
        DemoAsset,
        'externalId' | 'company' | 'hostname' | 'online' | 'lastSeen' | 'intIp' | 'patchStatus' | 'backupBytes'
      > & { tag: string; backupGb: [number, number] | null },
    ][] = [
      [
        company.workstations,
        { tag: 'WS', deviceType: 'Desktop', billingType: 'workstation', os: 'Windows 11 Pro', backupGb: [40, 180] },
      ],
      [
        company.servers,
        { tag: 'SRV', deviceType: 'Server', billingType: 'server', os: 'Windows Server 2022', backupGb: [600, 2400] },
      ],
      [
        company.vms,
        {
          tag: 'VM',
          deviceType: 'Virtual Machine',
          billingType: 'virtual_machine',
          os: 'Ubuntu 24.04 LTS',
          backupGb: [80, 400],
        },
      ],
      [
        company.switches,
        { tag: 'SW', deviceType: 'Network Device / Switch', billingType: 'switch', os: null, backupGb: null },
      ],
      [
        company.firewalls,
        { tag: 'FW', deviceType: 'Network Device / Firewall', billingType: 'firewall', os: null, backupGb: null },
      ],
      [company.printers, { tag: 'PRN', deviceType: 'Printer', billingType: 'not_billed', os: null, backupGb: null }],
    ];
    let host = 0;
    for (const [amount, kind] of devices) {
      for (let i = 1; i <= amount; i += 1) {
        host += 1;
        const online = random() < 0.85;
        const backedUp = kind.backupGb !== null && (kind.billingType !== 'workstation' || random() < 0.6);
        assets.push({
          externalId: `asset-${company.account}-${kind.tag}-${i}`,
          company: company.account,
          hostname: `${prefix}-${kind.tag}${String(i).padStart(2, '0')}`,
          deviceType: kind.deviceType,
          billingType: kind.billingType,
          os: kind.os,
          online,
          lastSeen: new Date(
            now.getTime() - (online ? Math.floor(random() * 3_600_000) : Math.floor((1 + random() * 20) * DAY)),
          ),
          backupBytes:
            backedUp && kind.backupGb !== null
              ? Math.round((kind.backupGb[0] + random() * (kind.backupGb[1] - kind.backupGb[0])) * GB)
              : null,
          intIp: `10.${20 + index}.0.${host + 10}`,
          patchStatus: random() < 0.8 ? 'Fully patched' : 'Approved pending',
        });
      }
    }

    // About two tickets a month for four months, the newest ones still open.
    const perCompany = 8 + (index % 3);
    for (let i = 0; i < perCompany; i += 1) {
      ticketNumber += 1;
      const [subject, description, resolution] = pick(SUBJECTS);
      const ageDays = Math.floor((i / perCompany) * 118 + random() * 6);
      const createdAt = new Date(
        now.getTime() - Math.max(1, 120 - ageDays) * DAY - Math.floor(random() * 8) * 3_600_000,
      );
      const recent = now.getTime() - createdAt.getTime() < 12 * DAY;
      const status = recent ? pick(['open', 'pending', 'open']) : random() < 0.7 ? 'closed' : 'resolved';
      const closedAt =
        status === 'closed' || status === 'resolved'
          ? new Date(createdAt.getTime() + (1 + Math.floor(random() * 4)) * DAY)
          : null;
      const requester = people[i % people.length] ?? people[0];
      if (requester === undefined) continue;
      const agent = DEMO_AGENTS[(index + i) % DEMO_AGENTS.length] ?? DEMO_AGENTS[0];
      if (agent === undefined) continue;
      const externalId = `ticket-${ticketNumber}`;
      const entries = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, n) => {
        const at = new Date(Math.min(now.getTime() - 3_600_000, createdAt.getTime() + n * DAY + 2 * 3_600_000));
        return {
          externalId: `time-${ticketNumber}-${n + 1}`,
          date: dateIn(at, timeZone),
          minutes: 15 * (1 + Math.floor(random() * 8)),
          billable: random() < 0.85,
          note: n === 0 ? 'Diagnosis' : 'Follow-up',
        };
      });
      tickets.push({
        externalId,
        company: company.account,
        number: `INC-${ticketNumber}`,
        subject,
        description,
        status,
        priority: pick(['low', 'medium', 'medium', 'high', 'urgent'] as const),
        requester,
        agent,
        createdAt,
        updatedAt: closedAt ?? new Date(Math.min(now.getTime(), createdAt.getTime() + DAY)),
        closedAt,
        // Open tickets of the last days are partly overdue, so the overdue panels have something.
        dueBy: new Date(createdAt.getTime() + (recent && i % 2 === 0 ? 1 : 3) * DAY),
        conversations: [
          {
            externalId: `${externalId}-c1`,
            body: description,
            private: false,
            incoming: true,
            fromEmail: requester.email,
            createdAt,
          },
          {
            externalId: `${externalId}-c2`,
            body: `Thanks ${requester.firstName}, ${agent.name} is looking into it.`,
            private: false,
            incoming: false,
            fromEmail: agent.email,
            createdAt: new Date(createdAt.getTime() + 1_800_000),
          },
          ...(closedAt === null
            ? []
            : [
                {
                  externalId: `${externalId}-c3`,
                  body: resolution,
                  private: true,
                  incoming: false,
                  fromEmail: agent.email,
                  createdAt: closedAt,
                },
              ]),
        ],
        timeEntries: entries,
      });
    }
  }
  return { contacts, assets, tickets };
}
