/**
 * The provider interface every vendor adapter implements, and the vendor-neutral records they
 * produce. An adapter only fetches and maps; the engine (`engine.ts`) owns every database write,
 * so idempotence, archival and counting are the same for every vendor.
 *
 * A fetch is a stream of events: batches of records (a page at a time, so memory stays flat)
 * and, once a collection has been fetched in full, a `complete` event for it. The engine archives
 * only collections that completed: if the stream throws half-way, what arrived is kept and
 * nothing is archived.
 */
import type { ContractTerm, ProviderName, SyncJobName } from '../domain/index.js';

export interface ExtCompany {
  externalId: string;
  /** The company's account number in the vendor; records without one cannot be placed. */
  accountNumber: string | null;
  name: string;
  description?: string | null;
  domains?: string[];
  mainLocation?: string | null;
  phone?: string | null;
  planName?: string | null;
  contractTerm?: ContractTerm | null;
  contractStart?: string | null;
  emailSystem?: string | null;
  phoneSystem?: string | null;
  managedUsers?: number | null;
  managedDevices?: number | null;
  managedNetwork?: number | null;
}

export interface ExtContact {
  externalId: string;
  name: string;
  firstName?: string | null;
  lastName?: string | null;
  email: string | null;
  active: boolean;
  jobTitle?: string | null;
  mobilePhone?: string | null;
  workPhone?: string | null;
  vip?: boolean;
  /** External ids of the companies (in the same vendor) the contact belongs to. */
  companyExternalIds: string[];
}

export interface ExtAgent {
  externalId: string;
  name: string;
  email: string | null;
  jobTitle?: string | null;
  active: boolean;
}

/** An RMM site and the account number it is tagged with (Datto: a site variable). */
export interface ExtSiteLink {
  externalId: string;
  name: string;
  accountNumber: string | null;
}

export interface ExtAsset {
  externalId: string;
  /** The vendor id of what places the asset: a Datto site, a SuperOps client. */
  companyExternalId: string;
  hostname: string;
  category?: string | null;
  subtype?: string | null;
  declaredType?: string | null;
  operatingSystem?: string | null;
  intIp?: string | null;
  extIp?: string | null;
  online: boolean;
  lastSeen?: Date | null;
  lastReboot?: Date | null;
  lastAudit?: Date | null;
  patchStatus?: string | null;
  backupUsageBytes?: number | null;
  antivirusProduct?: string | null;
  lastLoggedInUser?: string | null;
  domain?: string | null;
  siteName?: string | null;
  description?: string | null;
  portalUrl?: string | null;
  remoteUrl?: string | null;
  /** Non-secret user-defined fields, shown as they are. */
  udfs?: Record<string, string>;
  /** Secret values by kind (`bitlocker_key`), stored encrypted. */
  secrets?: Record<string, string>;
}

export interface ExtConversation {
  externalId: string;
  bodyText: string;
  private: boolean;
  incoming: boolean;
  fromEmail: string | null;
  createdAt: Date;
}

export interface ExtTimeEntry {
  externalId: string;
  /** The calendar date the work was done, in the business time zone. */
  entryDate: string;
  minutes: number;
  billable: boolean;
  agentExternalId: string | null;
  note: string | null;
}

export interface ExtTicket {
  externalId: string;
  ticketNumber: string;
  subject: string;
  descriptionText?: string | null;
  status: string;
  statusId?: number | null;
  priority: 'low' | 'medium' | 'high' | 'urgent';
  priorityId?: number | null;
  ticketType?: string | null;
  companyExternalId: string | null;
  requesterExternalId?: string | null;
  requesterName?: string | null;
  requesterEmail?: string | null;
  responderExternalId?: string | null;
  groupExternalId?: string | null;
  /** The PSA workspace the ticket belongs to (Freshservice workspaces), when the vendor has them. */
  workspaceId?: string | null;
  workspaceName?: string | null;
  /** Set when the PSA deleted the ticket or marked it spam: it is archived and its time stops billing. */
  discardedAs?: 'deleted' | 'spam' | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt?: Date | null;
  dueBy?: Date | null;
  frDueBy?: Date | null;
  firstRespondedAt?: Date | null;
  /** Present when the adapter fetched them: the ticket's complete conversation and time-entry lists. */
  conversations?: ExtConversation[];
  timeEntries?: ExtTimeEntry[];
}

/** Collections a job may fetch, in the order the engine expects them. */
export type Collection = 'companies' | 'contacts' | 'agents' | 'sites' | 'assets' | 'tickets';

export type SyncEvent =
  | { kind: 'companies'; items: ExtCompany[] }
  | { kind: 'contacts'; items: ExtContact[] }
  | { kind: 'agents'; items: ExtAgent[] }
  | { kind: 'sites'; items: ExtSiteLink[] }
  | { kind: 'assets'; items: ExtAsset[] }
  | { kind: 'tickets'; items: ExtTicket[] }
  /** Every page of `collection` was fetched: records not seen are gone. */
  | { kind: 'complete'; collection: Collection }
  /** A record the adapter skipped, for the run's warnings. */
  | { kind: 'warning'; message: string };

/** What a job run gets from the engine. */
export interface FetchContext {
  /** Tickets updated since then (the last successful run, less an overlap); null for a full fetch. */
  since: Date | null;
  /** Aborted when the service shuts down. */
  signal: AbortSignal;
  /**
   * Vendor ids of tickets codex holds as deleted or spam, so an adapter can notice one that left
   * the vendor's deleted/spam lists (restored, or purged) without waiting for it to be updated.
   */
  discardedTickets?: () => Promise<string[]>;
}

/** A vendor adapter. */
export interface SyncProvider {
  readonly name: ProviderName;
  /** The jobs this adapter serves. */
  readonly jobs: readonly SyncJobName[];
  /** Streams the records of one job. */
  fetch(job: SyncJobName, context: FetchContext): AsyncIterable<SyncEvent>;
}
