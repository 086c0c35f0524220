/**
 * Contract terms in one spelling. The original produced "1 Year" in sync, offered "1-Year" in the
 * company form and looked plans up by exact text, so a client whose spelling differed from its
 * plan's silently dropped out of billing (reference §2.7 item 2). Every input goes through
 * `normaliseTerm`; the database accepts only the canonical four.
 */
import { TERMS } from '../db/schema-platform.js';

export type ContractTerm = (typeof TERMS)[number];
export { TERMS };

/** The canonical term for what a PSA or a person wrote, or null when it names none. */
export function normaliseTerm(raw: string | null | undefined): ContractTerm | null {
  const text =
    raw
      ?.trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, ' ') ?? '';
  if (text === '') return null;
  if (/^(month to month|monthly|m2m|mtm|1 month|month)$/.test(text)) return 'Month to Month';
  const years = /^(\d)\s*(years?|yrs?|y)$/.exec(text) ?? /^(12|24|36) months?$/.exec(text);
  if (years?.[1] === undefined) return null;
  const count = Number(years[1]) >= 12 ? Number(years[1]) / 12 : Number(years[1]);
  return count === 1 ? '1 Year' : count === 2 ? '2 Year' : count === 3 ? '3 Year' : null;
}

/** The term used to find a company's plan price: month-to-month when the company has none. */
export function pricingTerm(term: ContractTerm | null): ContractTerm {
  return term ?? 'Month to Month';
}
