/**
 * Which scheduled backups to keep: the newest of each of the last `daily` days, `weekly` ISO
 * weeks and `monthly` months that have one (grandfather-father-son), as the original's cron
 * script meant to. Manual backups are the operator's and are never pruned.
 */

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface DatedBackup {
  file: string;
  createdAt: Date;
}

/** The ISO 8601 week of `date` (UTC), as `2026-W48`. */
export function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Keeps the newest backup in each of the newest `count` buckets. */
function newestPerBucket(sorted: readonly DatedBackup[], bucket: (date: Date) => string, count: number): Set<string> {
  const kept = new Set<string>();
  const buckets = new Set<string>();
  for (const backup of sorted) {
    if (buckets.size >= count) break;
    const key = bucket(backup.createdAt);
    if (buckets.has(key)) continue;
    buckets.add(key);
    kept.add(backup.file);
  }
  return kept;
}

/** Splits `backups` into those to keep and those to delete (both newest first). */
export function chooseRetained(
  backups: readonly DatedBackup[],
  policy: RetentionPolicy,
): { keep: DatedBackup[]; remove: DatedBackup[] } {
  const sorted = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const kept = new Set<string>([
    ...newestPerBucket(sorted, (date) => date.toISOString().slice(0, 10), policy.daily),
    ...newestPerBucket(sorted, isoWeek, policy.weekly),
    ...newestPerBucket(sorted, (date) => date.toISOString().slice(0, 7), policy.monthly),
  ]);
  return {
    keep: sorted.filter((backup) => kept.has(backup.file)),
    remove: sorted.filter((backup) => !kept.has(backup.file)),
  };
}
