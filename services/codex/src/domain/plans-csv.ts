/**
 * The billing-plan catalogue as CSV: one row per plan and term, prices as decimal amounts,
 * features as `feature:<key>` columns. Import validates every row first and names each bad cell
 * with its row and column; nothing is written unless the whole file is valid. Unlike the
 * original's JSON import, rows for plans that exist update them instead of being skipped.
 */
import { AppError, type FieldError } from '@hivematrix/sdk';
import { SUPPORT_LEVELS } from '../db/schema-platform.js';
import { csvRecords, formatCsv } from './csv.js';
import { normaliseTerm, type ContractTerm } from './contract.js';
import { formatCents, parseDecimal2, parseMoney } from './money.js';

/** Price fields in cents, in the column order of the file. */
export const PRICE_FIELDS = [
  'per_user',
  'per_workstation',
  'per_server',
  'per_vm',
  'per_switch',
  'per_firewall',
  'per_hour',
  'backup_base_workstation',
  'backup_base_server',
  'backup_per_tb',
] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

export type SupportLevel = (typeof SUPPORT_LEVELS)[number];

/** One plan and term as import and export see it. */
export interface PlanRow {
  planName: string;
  term: ContractTerm;
  supportLevel: SupportLevel;
  prices: Record<PriceField, number>;
  /** Terabytes with two decimals, as text ("1.00"). */
  backupIncludedTb: string;
  features: Record<string, string>;
}

const FIXED_COLUMNS = ['plan_name', 'term', 'support_level', ...PRICE_FIELDS, 'backup_included_tb'] as const;

/** The catalogue as a CSV document; feature columns are the union of the rows' features, sorted. */
export function plansToCsv(rows: readonly PlanRow[]): string {
  const featureKeys = [...new Set(rows.flatMap((row) => Object.keys(row.features)))].sort();
  const header = [...FIXED_COLUMNS, ...featureKeys.map((key) => `feature:${key}`)];
  const body = rows.map((row) => [
    row.planName,
    row.term,
    row.supportLevel,
    ...PRICE_FIELDS.map((field) => formatCents(row.prices[field])),
    row.backupIncludedTb,
    ...featureKeys.map((key) => row.features[key] ?? ''),
  ]);
  return formatCsv(header, body);
}

/**
 * Parses an import file. Throws `validation_failed` listing every bad cell (`row 3, per_user: …`);
 * `knownFeatures` are the feature categories that exist (others are refused, not created by accident).
 */
export function plansFromCsv(text: string, knownFeatures: ReadonlySet<string>): PlanRow[] {
  const records = csvRecords(text);
  const errors: FieldError[] = [];
  const fail = (line: number, column: string, message: string): void => {
    errors.push({ path: `row ${line}.${column}`, message });
  };
  const first = records[0]?.values ?? {};
  for (const column of ['plan_name', 'term']) {
    if (records.length > 0 && !(column in first)) fail(1, column, 'the header lacks this column');
  }
  for (const column of Object.keys(first).filter((name) => name.startsWith('feature:'))) {
    if (!knownFeatures.has(column.slice('feature:'.length))) fail(1, column, 'unknown feature category');
  }
  const seen = new Set<string>();
  const rows: PlanRow[] = [];
  for (const { line, values } of records) {
    const planName = (values.plan_name ?? '').trim();
    if (planName === '' || planName.length > 100) fail(line, 'plan_name', 'required, at most 100 characters');
    const term = normaliseTerm(values.term);
    if (term === null) fail(line, 'term', 'one of Month to Month, 1 Year, 2 Year, 3 Year');
    const supportText = (values.support_level ?? '').trim() || 'Billed Hourly';
    const supportLevel = SUPPORT_LEVELS.find((level) => level.toLowerCase() === supportText.toLowerCase());
    if (supportLevel === undefined) fail(line, 'support_level', 'Billed Hourly or Unlimited');
    const prices = {} as Record<PriceField, number>;
    for (const field of PRICE_FIELDS) {
      const raw = (values[field] ?? '').trim();
      const cents = raw === '' ? 0 : parseMoney(raw);
      if (cents === undefined) fail(line, field, 'an amount such as 75 or 75.50');
      prices[field] = cents ?? 0;
    }
    const tbRaw = (values.backup_included_tb ?? '').trim();
    const backupIncludedTb = tbRaw === '' ? '1.00' : parseDecimal2(tbRaw);
    if (backupIncludedTb === undefined) fail(line, 'backup_included_tb', 'a number of terabytes such as 1 or 1.5');
    const features: Record<string, string> = {};
    for (const [column, value] of Object.entries(values)) {
      if (!column.startsWith('feature:') || value.trim() === '') continue;
      if (value.trim().length > 100) fail(line, column, 'at most 100 characters');
      features[column.slice('feature:'.length)] = value.trim();
    }
    const key = `${planName.toLowerCase()}|${term ?? ''}`;
    if (seen.has(key)) fail(line, 'plan_name', 'this plan and term appear twice in the file');
    seen.add(key);
    if (term !== null && supportLevel !== undefined && backupIncludedTb !== undefined) {
      rows.push({ planName, term, supportLevel, prices, backupIncludedTb, features });
    }
  }
  if (errors.length > 0)
    throw new AppError('validation_failed', `The file has ${errors.length} problem(s); nothing was imported.`, {
      errors,
    });
  return rows;
}
