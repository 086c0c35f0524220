/**
 * The rule for account numbers, the business key every service names companies by (URLs, invoice
 * file and ZIP entry names, CSV rows). Account numbers arrive from the PSA and RMM as free text
 * (a Freshservice custom field, a Datto site variable), so codex checks each one before it stores
 * or matches it: a value such as `../x` would otherwise become a path in an invoice archive, and
 * one value the database refuses used to abort a whole directory sync.
 */

/** The longest account number codex accepts (vendors' numbers are short; 32 leaves room). */
export const ACCOUNT_NUMBER_MAX = 32;

/** Letters, digits, `.`, `_` and `-`; the first character a letter or digit; never `..`. */
export const ACCOUNT_NUMBER_PATTERN = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export type AccountNumberCheck = { ok: true; value: string } | { ok: false; reason: string };

/** Checks a trimmed account number; the reason says why it cannot be stored, in plain words. */
export function checkAccountNumber(raw: string): AccountNumberCheck {
  const value = raw.trim();
  if (value === '') return { ok: false, reason: 'the account number is empty' };
  if (value.length > ACCOUNT_NUMBER_MAX)
    return {
      ok: false,
      reason: `the account number is ${value.length} characters long (at most ${ACCOUNT_NUMBER_MAX})`,
    };
  if (/[/\\]/.test(value) || value.includes('..'))
    return { ok: false, reason: 'the account number contains a path ("/", "\\" or "..")' };
  if (!/^[A-Za-z0-9._-]+$/.test(value))
    return { ok: false, reason: 'the account number may hold only letters, digits, ".", "_" and "-"' };
  if (!/^[A-Za-z0-9]/.test(value))
    return { ok: false, reason: 'the account number must start with a letter or a digit' };
  return { ok: true, value };
}
