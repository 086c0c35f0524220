/**
 * Archival rules for records that disappear from a vendor.
 *
 * The original deleted them, cascading through assets, locations and overrides, and a blanked
 * account number in the PSA wiped a client (reference §2.4.2). Here nothing synced is deleted:
 * a record the vendor no longer returns is archived (kept, hidden from active lists, restored if
 * it comes back), and only when we are sure it is gone: the fetch of that collection must have
 * completed, and an empty answer never archives everything at once.
 */

/** A record of one collection as the database holds it. */
export interface KnownRecord {
  id: number;
  externalId: string;
  archived: boolean;
}

export interface ArchivalInput {
  /** Every page of the collection was fetched without error. */
  complete: boolean;
  /** External ids the vendor returned in this run. */
  seen: ReadonlySet<string>;
  /** Records linked to this vendor, archived or not. */
  known: readonly KnownRecord[];
}

export interface ArchivalPlan {
  /** Active records the vendor did not return: archive them. */
  archive: number[];
  /** Archived records the vendor returned again: bring them back. */
  restore: number[];
  /** Why nothing is archived although records are missing, for the run's warnings. */
  skipped?: string;
}

/**
 * Decides what to archive and restore. Restoring is always safe (the record was seen); archiving
 * happens only after a complete fetch, and not when the vendor returned nothing while we hold
 * active records (an expired API scope or an empty tenant answer looks exactly like that).
 */
export function planArchival({ complete, seen, known }: ArchivalInput): ArchivalPlan {
  const restore = known.filter((record) => record.archived && seen.has(record.externalId)).map((record) => record.id);
  const missing = known.filter((record) => !record.archived && !seen.has(record.externalId)).map((record) => record.id);
  if (missing.length === 0) return { archive: [], restore };
  if (!complete) {
    return { archive: [], restore, skipped: `${missing.length} missing records kept: the fetch was partial or failed` };
  }
  if (seen.size === 0) {
    return {
      archive: [],
      restore,
      skipped: `${missing.length} records kept: the vendor returned none, which looks like an error`,
    };
  }
  return { archive: missing, restore };
}
