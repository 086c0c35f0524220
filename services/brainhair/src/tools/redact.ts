/**
 * The redactor every tool result passes through before the model sees it (and before it is
 * stored: the transcript holds what the model saw). Always masked: card numbers that pass the
 * Luhn check, US SSNs and UK national insurance numbers, IBANs that pass the mod-97 check,
 * passport numbers, API keys and tokens, passwords, and any value under a key named like a
 * secret. For a company whose compliance level is hipaa or cjis, also people's names, e-mail
 * addresses, phone numbers, street addresses and dates of birth, with placeholders that are
 * stable within a chat (a keyed hash), so "[Person 3f2a]" is the same person in every answer
 * without brainhair storing who it is.
 *
 * Pattern rules, not a statistical recogniser: the original's NER mangled ids and hostnames and
 * needed a model download at start. Free-text names are caught in strict mode by replacing every
 * name that a name field of the same result holds wherever it appears.
 */
import { createHmac } from 'node:crypto';

export type Strictness = 'standard' | 'strict';

/** Keys whose values are secrets whatever they hold. */
const SECRET_KEY = /pass(word|wd|phrase)?$|^pwd$|secret|token|api[_-]?key|private[_-]?key|credential|^pin$/i;
/** Keys that name people, or contact them, in strict mode. */
const PERSON_KEY = /^(name|full_name|first_name|last_name|requester_name|last_logged_in_user|contact_name|user_name)$/i;
const EMAIL_KEY = /e-?mail/i;
const PHONE_KEY = /phone|mobile|fax/i;
const ADDRESS_KEY = /address|main_location|street/i;
const DOB_KEY = /^(dob|date_of_birth|birth_?date|birthday)$/i;

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function ibanValid(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of moved) {
    const value = /[0-9]/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

interface Rule {
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

/** Always-on rules, in order (keys and tokens first, so a card rule never splits a key). */
const ALWAYS: Rule[] = [
  // A password or secret written as "label: value" / "label=value" keeps its label.
  {
    pattern: /\b(pass(?:word|wd|phrase)?|pwd|secret|api[ _-]?key|token|pin)(\s*(?:is|:|=)\s*)("[^"]*"|'[^']*'|\S+)/gi,
    replace: (_m, label, sep) => `${label}${sep}[REDACTED SECRET]`,
  },
  { pattern: /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/g, replace: () => 'Bearer [REDACTED TOKEN]' },
  { pattern: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, replace: () => '[REDACTED TOKEN]' },
  {
    pattern:
      /\b(?:sk|pk|rk)-(?:[A-Za-z0-9_-]{2,}-)?[A-Za-z0-9_-]{16,}\b|\bgh[pousr]_[A-Za-z0-9]{20,}\b|\bxox[abposr]-[A-Za-z0-9-]{10,}\b|\bAKIA[0-9A-Z]{16}\b|\bAIza[0-9A-Za-z_-]{35}\b/g,
    replace: () => '[REDACTED API KEY]',
  },
  {
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
    replace: (m) => (ibanValid(m.replace(/ /g, '')) ? '[REDACTED IBAN]' : m),
  },
  { pattern: /\b\d(?:[ -]?\d){12,18}\b/g, replace: (m) => (luhnValid(m.replace(/[ -]/g, '')) ? '[REDACTED CARD]' : m) },
  { pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g, replace: () => '[REDACTED SSN]' },
  {
    pattern: /\b(ssn|social security(?: number)?)(\s*(?:#|no\.?|number)?\s*:?\s*)\d{9}\b/gi,
    replace: (_m, label, sep) => `${label}${sep}[REDACTED SSN]`,
  },
  {
    pattern: /\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
    replace: () => '[REDACTED NATIONAL ID]',
  },
  {
    pattern: /\b(passport)(\s*(?:#|no\.?|number)?\s*:?\s*)([A-Z0-9]{6,9})\b/gi,
    replace: (_m, label, sep) => `${label}${sep}[REDACTED PASSPORT]`,
  },
];

const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g;
const PHONE = /(?<![\w-])(?:\+\d{1,3}[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}(?![\w-])/g;
const DOB =
  /\b(dob|date of birth|born(?: on)?|birth ?date)(\s*:?\s*)(\d{4}-\d{2}-\d{2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})/gi;
const STREET =
  /\b\d{1,6}\s+(?:[A-Z][a-z]+\s){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl)\b\.?/g;

/** A redactor for one chat: `key` makes the strict placeholders stable within the chat only. */
export class Redactor {
  constructor(private readonly key: string) {}

  private placeholder(kind: string, value: string): string {
    const tag = createHmac('sha256', this.key)
      .update(`${kind}\u0000${value.trim().toLowerCase()}`)
      .digest('hex')
      .slice(0, 6);
    return `[${kind} ${tag}]`;
  }

  /** Masks one string under the given strictness; `names` are known names to replace (strict). */
  text(input: string, strictness: Strictness, names: readonly string[] = []): string {
    let out = input;
    for (const rule of ALWAYS) out = out.replace(rule.pattern, rule.replace);
    if (strictness === 'strict') {
      for (const name of [...names].sort((a, b) => b.length - a.length)) {
        if (name.trim().length < 3) continue;
        out = out.split(name).join(this.placeholder('Person', name));
      }
      out = out.replace(EMAIL, (m) => this.placeholder('Email', m));
      out = out.replace(
        DOB,
        (_m, label: string, sep: string, value: string) => `${label}${sep}${this.placeholder('Date', value)}`,
      );
      out = out.replace(STREET, (m) => this.placeholder('Address', m));
      out = out.replace(PHONE, (m) => (m.replace(/\D/g, '').length >= 10 ? this.placeholder('Phone', m) : m));
    }
    return out;
  }

  /**
   * Masks a JSON value. Any object carrying `compliance_level: hipaa|cjis` makes the whole value
   * strict, as does `strictness` (from the chat's client or the tool's company).
   */
  value(input: unknown, strictness: Strictness): unknown {
    // One hipaa/cjis record makes the whole result strict: its conversations, contacts or
    // assets often sit beside it, not under it, and over-masking is the safe side.
    const level: Strictness = strictness === 'strict' || hasStrictCompliance(input) ? 'strict' : 'standard';
    return this.walk(input, level, level === 'strict' ? collectNames(input) : []);
  }

  private walk(input: unknown, inherited: Strictness, names: string[]): unknown {
    if (typeof input === 'string') return this.text(input, inherited, names);
    if (Array.isArray(input)) return input.map((item) => this.walk(item, inherited, names));
    if (input === null || typeof input !== 'object') return input;
    const record = input as Record<string, unknown>;
    const level = record.compliance_level === 'hipaa' || record.compliance_level === 'cjis' ? 'strict' : inherited;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(record)) {
      if (SECRET_KEY.test(key) && value !== null && value !== '' && typeof value !== 'boolean') {
        out[key] = '[REDACTED SECRET]';
        continue;
      }
      if (level === 'strict' && typeof value === 'string' && value !== '') {
        if (PERSON_KEY.test(key) && !(key === 'name' && isCompanyRecord(record))) {
          out[key] = this.placeholder('Person', value);
          continue;
        }
        if (EMAIL_KEY.test(key)) {
          out[key] = this.placeholder('Email', value);
          continue;
        }
        if (PHONE_KEY.test(key)) {
          out[key] = this.placeholder('Phone', value);
          continue;
        }
        if (ADDRESS_KEY.test(key)) {
          out[key] = this.placeholder('Address', value);
          continue;
        }
        if (DOB_KEY.test(key)) {
          out[key] = this.placeholder('Date', value);
          continue;
        }
      }
      out[key] = this.walk(value, level, names);
    }
    return out;
  }
}

/** A company's own name is not a person's: a record with an account number and a compliance level keeps its `name`. */
function isCompanyRecord(record: Record<string, unknown>): boolean {
  return 'account_number' in record && 'compliance_level' in record;
}

function hasStrictCompliance(input: unknown): boolean {
  if (Array.isArray(input)) return input.some(hasStrictCompliance);
  if (input === null || typeof input !== 'object') return false;
  const record = input as Record<string, unknown>;
  if (record.compliance_level === 'hipaa' || record.compliance_level === 'cjis') return true;
  return Object.values(record).some(hasStrictCompliance);
}

/** Every person's name in a result (from name fields), to be replaced in free text too. */
function collectNames(input: unknown, out: string[] = []): string[] {
  if (Array.isArray(input)) for (const item of input) collectNames(item, out);
  else if (input !== null && typeof input === 'object') {
    const record = input as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (typeof value === 'string' && PERSON_KEY.test(key) && !(key === 'name' && isCompanyRecord(record))) {
        out.push(value);
      } else collectNames(value, out);
    }
  }
  return out;
}
