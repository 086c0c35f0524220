/**
 * Loading and removing the demo MSP. Demo rows are marked so removal is exact: companies,
 * contacts and assets by a link with provider `demo` (the link tables every sync uses; no vendor
 * is called that, and archival only touches a vendor's own links), tickets, time entries and
 * agents by their provider column, plans by their `demo` flag. Demo account numbers start with
 * `DEMO-`. Loading is idempotent (a re-load replaces the demo with a fresh one, dated from today);
 * removal never touches a row without the mark, and keeps a demo company or contact a real sync
 * has since linked to a vendor (or that holds real records), dropping only its demo link.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { AppError } from '@hivematrix/sdk';
import {
  DEMO_ACCOUNT_PREFIX,
  DEMO_AGENTS,
  DEMO_COMPANIES,
  DEMO_PLANS,
  DEMO_PROVIDER,
  DEMO_TERMS,
  generateDemo,
} from '../domain/index.js';
import {
  assetLinks,
  assets,
  billingPlans,
  companies,
  companyLinks,
  contactCompanies,
  contactLinks,
  contacts,
  locations,
  psaAgents,
  ticketConversations,
  tickets,
  timeEntries,
} from './schema.js';
import type { CodexDb } from './types.js';

export interface DemoCounts {
  companies: number;
  contacts: number;
  assets: number;
  tickets: number;
  timeEntries: number;
  plans: number;
}

export interface DemoRemoval extends DemoCounts {
  /** Demo companies kept because a real sync linked them or real records hang on them (their demo mark is dropped). */
  kept: string[];
}

/** How much demo data the database holds. */
export async function demoStatus(db: CodexDb): Promise<DemoCounts> {
  const count = async (query: Promise<{ n: number }[]>) => (await query)[0]?.n ?? 0;
  const n = sql<number>`count(*)::int`;
  return {
    companies: await count(db.select({ n }).from(companyLinks).where(eq(companyLinks.provider, DEMO_PROVIDER))),
    contacts: await count(db.select({ n }).from(contactLinks).where(eq(contactLinks.provider, DEMO_PROVIDER))),
    assets: await count(db.select({ n }).from(assetLinks).where(eq(assetLinks.provider, DEMO_PROVIDER))),
    tickets: await count(db.select({ n }).from(tickets).where(eq(tickets.provider, DEMO_PROVIDER))),
    timeEntries: await count(db.select({ n }).from(timeEntries).where(eq(timeEntries.provider, DEMO_PROVIDER))),
    plans: await count(db.select({ n }).from(billingPlans).where(eq(billingPlans.demo, true))),
  };
}

/** Removes the demo rows (see the file comment); one transaction. */
export async function removeDemo(db: CodexDb): Promise<DemoRemoval> {
  return db.transaction(async (tx) => removeDemoIn(tx));
}

async function removeDemoIn(tx: CodexDb): Promise<DemoRemoval> {
  const removed: DemoRemoval = { companies: 0, contacts: 0, assets: 0, tickets: 0, timeEntries: 0, plans: 0, kept: [] };
  removed.timeEntries = (
    await tx.delete(timeEntries).where(eq(timeEntries.provider, DEMO_PROVIDER)).returning({ id: timeEntries.id })
  ).length;
  removed.tickets = (
    await tx.delete(tickets).where(eq(tickets.provider, DEMO_PROVIDER)).returning({ id: tickets.id })
  ).length;
  await tx.delete(psaAgents).where(eq(psaAgents.provider, DEMO_PROVIDER));

  // Assets and contacts: deleted when the demo link is their only link; otherwise only unmarked.
  const otherAssetLink = sql`EXISTS (SELECT 1 FROM asset_links o WHERE o.asset_id = ${assets.id} AND o.provider <> ${DEMO_PROVIDER})`;
  const demoAssets = tx
    .select({ id: assetLinks.assetId })
    .from(assetLinks)
    .where(eq(assetLinks.provider, DEMO_PROVIDER));
  removed.assets = (
    await tx
      .delete(assets)
      .where(and(inArray(assets.id, demoAssets), sql`NOT ${otherAssetLink}`))
      .returning({ id: assets.id })
  ).length;
  await tx.delete(assetLinks).where(eq(assetLinks.provider, DEMO_PROVIDER));

  const otherContactLink = sql`EXISTS (SELECT 1 FROM contact_links o WHERE o.contact_id = ${contacts.id} AND o.provider <> ${DEMO_PROVIDER})`;
  const demoContacts = tx
    .select({ id: contactLinks.contactId })
    .from(contactLinks)
    .where(eq(contactLinks.provider, DEMO_PROVIDER));
  removed.contacts = (
    await tx
      .delete(contacts)
      .where(and(inArray(contacts.id, demoContacts), sql`NOT ${otherContactLink}`))
      .returning({ id: contacts.id })
  ).length;
  await tx.delete(contactLinks).where(eq(contactLinks.provider, DEMO_PROVIDER));

  // A demo company goes only when nothing real is attached to it any more.
  const demoCompanies = await tx
    .select({ id: companies.id, account: companies.accountNumber })
    .from(companies)
    .innerJoin(companyLinks, and(eq(companyLinks.companyId, companies.id), eq(companyLinks.provider, DEMO_PROVIDER)));
  for (const company of demoCompanies) {
    const [real] = await tx
      .execute<{ real: boolean }>(
        sql`
      SELECT EXISTS (SELECT 1 FROM company_links WHERE company_id = ${company.id} AND provider <> ${DEMO_PROVIDER})
          OR EXISTS (SELECT 1 FROM assets WHERE company_id = ${company.id})
          OR EXISTS (SELECT 1 FROM contact_companies WHERE company_id = ${company.id})
          OR EXISTS (SELECT 1 FROM tickets WHERE company_id = ${company.id}) AS real`,
      )
      .then((result) => result.rows);
    if (real?.real === true) {
      removed.kept.push(company.account);
      continue;
    }
    await tx.delete(companies).where(eq(companies.id, company.id));
    removed.companies += 1;
  }
  await tx.delete(companyLinks).where(eq(companyLinks.provider, DEMO_PROVIDER));
  // Demo plans no remaining company is on.
  removed.plans = (
    await tx
      .delete(billingPlans)
      .where(
        and(
          eq(billingPlans.demo, true),
          sql`NOT EXISTS (SELECT 1 FROM companies c WHERE c.plan_name = ${billingPlans.planName})`,
        ),
      )
      .returning({ id: billingPlans.id })
  ).length;
  return removed;
}

/**
 * Loads the demo MSP as of `now` (one transaction; a previous demo is replaced, so loading twice
 * leaves one demo). Refuses, changing nothing, when a company that is not demo data already uses
 * a demo account number.
 */
export async function loadDemo(db: CodexDb, now: Date, timeZone: string): Promise<DemoCounts> {
  return db.transaction(async (tx) => {
    await removeDemoIn(tx);
    const accounts = DEMO_COMPANIES.map((company) => company.account);
    const taken = await tx
      .select({ account: companies.accountNumber })
      .from(companies)
      .where(inArray(companies.accountNumber, accounts));
    if (taken.length > 0) {
      throw new AppError(
        'conflict',
        `Account numbers ${taken.map((row) => row.account).join(', ')} belong to companies that are not demo data; the demo was not loaded`,
      );
    }
    const data = generateDemo(now, timeZone);

    const plans = await tx
      .insert(billingPlans)
      .values(
        DEMO_PLANS.flatMap((plan) =>
          DEMO_TERMS.map((term, index) => ({
            planName: plan.name,
            term,
            supportLevel: plan.supportLevel,
            perUserCents: plan.perUser[index] ?? 0,
            perWorkstationCents: plan.perWorkstation,
            perServerCents: plan.perServer,
            perVmCents: plan.perVm,
            perSwitchCents: plan.perSwitch,
            perFirewallCents: plan.perFirewall,
            perHourCents: plan.perHour,
            backupBaseWorkstationCents: 500,
            backupBaseServerCents: 2500,
            backupIncludedTb: '1.00',
            backupPerTbCents: 4000,
            demo: true,
          })),
        ),
      )
      // A real plan of the same name and term is kept, and used by the demo companies.
      .onConflictDoNothing()
      .returning({ id: billingPlans.id });

    const companyIds = new Map<string, number>();
    for (const company of DEMO_COMPANIES) {
      const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - company.startedMonthsAgo, 1));
      const [row] = await tx
        .insert(companies)
        .values({
          accountNumber: company.account,
          name: company.name,
          description: `Demo client (${DEMO_ACCOUNT_PREFIX}… account numbers are demo data; npx hivematrix demo --remove takes them away).`,
          complianceLevel: company.compliance,
          planName: company.plan,
          contractTerm: company.term,
          contractStart: start.toISOString().slice(0, 10),
          domains: [company.domain],
          mainLocation: company.address,
          phone: company.phone,
          emailSystem: 'Microsoft 365',
          phoneSystem: 'Teams Phone',
          managedUsers: company.users,
          managedDevices: company.workstations + company.servers + company.vms,
          managedNetwork: company.switches + company.firewalls,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: companies.id });
      if (row === undefined) throw new Error('a demo company was not stored');
      companyIds.set(company.account, row.id);
      await tx.insert(companyLinks).values({
        companyId: row.id,
        provider: DEMO_PROVIDER,
        externalId: company.account,
        name: company.name,
        lastSeenAt: now,
      });
      await tx.insert(locations).values({
        companyId: row.id,
        name: 'Main office',
        address: company.address,
        phone: company.phone,
        createdAt: now,
      });
    }
    const companyOf = (account: string): number => {
      const id = companyIds.get(account);
      if (id === undefined) throw new Error(`demo company ${account} is missing`);
      return id;
    };

    for (const person of data.contacts) {
      const [row] = await tx
        .insert(contacts)
        .values({
          name: person.name,
          firstName: person.firstName,
          lastName: person.lastName,
          email: person.email,
          jobTitle: person.jobTitle,
          roles: person.roles,
          vip: person.vip,
          active: person.active,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: contacts.id });
      if (row === undefined) throw new Error('a demo contact was not stored');
      await tx
        .insert(contactLinks)
        .values({ contactId: row.id, provider: DEMO_PROVIDER, externalId: person.externalId });
      await tx
        .insert(contactCompanies)
        .values({ contactId: row.id, companyId: companyOf(person.company), source: 'sync' });
    }

    for (const device of data.assets) {
      const [row] = await tx
        .insert(assets)
        .values({
          companyId: companyOf(device.company),
          hostname: device.hostname,
          hardwareType: device.deviceType,
          rmmDeviceType: device.deviceType,
          billingTypeDerived: device.billingType,
          operatingSystem: device.os,
          intIp: device.intIp,
          lastSeen: device.lastSeen,
          online: device.online,
          patchStatus: device.patchStatus,
          backupUsageBytes: device.backupBytes,
          antivirusProduct: device.os === null ? null : 'Demo Defender',
          siteName: DEMO_COMPANIES.find((company) => company.account === device.company)?.name ?? null,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: assets.id });
      if (row === undefined) throw new Error('a demo asset was not stored');
      await tx.insert(assetLinks).values({ assetId: row.id, provider: DEMO_PROVIDER, externalId: device.externalId });
    }

    await tx.insert(psaAgents).values(
      DEMO_AGENTS.map((agent) => ({
        provider: DEMO_PROVIDER,
        externalId: agent.id,
        name: agent.name,
        email: agent.email,
        jobTitle: agent.title,
        updatedAt: now,
      })),
    );

    let entryCount = 0;
    for (const ticket of data.tickets) {
      const [row] = await tx
        .insert(tickets)
        .values({
          provider: DEMO_PROVIDER,
          externalId: ticket.externalId,
          companyId: companyOf(ticket.company),
          ticketNumber: ticket.number,
          subject: ticket.subject,
          descriptionText: ticket.description,
          status: ticket.status,
          priority: ticket.priority,
          ticketType: 'Incident',
          requesterName: ticket.requester.name,
          requesterEmail: ticket.requester.email,
          requesterExternalId: ticket.requester.externalId,
          responderExternalId: ticket.agent.id,
          createdAt: ticket.createdAt,
          updatedAt: ticket.updatedAt,
          closedAt: ticket.closedAt,
          dueBy: ticket.dueBy,
          firstRespondedAt: ticket.conversations[1]?.createdAt ?? null,
          syncedAt: now,
        })
        .returning({ id: tickets.id });
      if (row === undefined) throw new Error('a demo ticket was not stored');
      await tx.insert(ticketConversations).values(
        ticket.conversations.map((entry) => ({
          ticketId: row.id,
          externalId: entry.externalId,
          bodyText: entry.body,
          private: entry.private,
          incoming: entry.incoming,
          fromEmail: entry.fromEmail,
          createdAt: entry.createdAt,
        })),
      );
      await tx.insert(timeEntries).values(
        ticket.timeEntries.map((entry) => ({
          ticketId: row.id,
          provider: DEMO_PROVIDER,
          externalId: entry.externalId,
          entryDate: entry.date,
          minutes: entry.minutes,
          billable: entry.billable,
          agentExternalId: ticket.agent.id,
          agentName: ticket.agent.name,
          note: entry.note,
          updatedAt: now,
        })),
      );
      entryCount += ticket.timeEntries.length;
    }
    return {
      companies: DEMO_COMPANIES.length,
      contacts: data.contacts.length,
      assets: data.assets.length,
      tickets: data.tickets.length,
      timeEntries: entryCount,
      plans: plans.length,
    };
  });
}
