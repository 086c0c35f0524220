/** Small pieces every list query shares: LIKE patterns, paging, scope conditions. */
import { inArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { CompanyScope } from '../domain/index.js';

/** A page of results and the number of results over all pages. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
}

/** Paging a caller asked for (1-based page). */
export interface PageRequest {
  page: number;
  perPage: number;
}

/** `%text%` for ILIKE, with the pattern characters of the text escaped so "50%" means 50%. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The OFFSET of a page. */
export function offsetOf(request: PageRequest): number {
  return (request.page - 1) * request.perPage;
}

/** A condition restricting `companyColumn` to the scope; undefined means no restriction. */
export function scopeCondition(scope: CompanyScope, companyColumn: AnyColumn): SQL | undefined {
  if (scope.kind === 'all') return undefined;
  // A client with no company sees nothing: an empty IN list is always false.
  if (scope.companyIds.length === 0) return sql`false`;
  return inArray(companyColumn, [...scope.companyIds]);
}

/** The value of a `count(*)` row (PostgreSQL returns bigint counts as strings). */
export function countOf(rows: readonly { count: number | string }[]): number {
  return Number(rows[0]?.count ?? 0);
}

/** Groups rows by a numeric key, keeping their order (one pass, for pages joined in memory). */
export function groupBy<T>(rows: readonly T[], key: (row: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const id = key(row);
    const group = groups.get(id);
    if (group === undefined) groups.set(id, [row]);
    else group.push(row);
  }
  return groups;
}
