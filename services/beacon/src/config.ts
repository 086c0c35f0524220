/**
 * The beacon service's configuration: the shared service variables plus its own. Every board
 * setting (SLA thresholds, business calendar, views, count thresholds, columns) is here, with the
 * original's values as defaults. This is the only file of the service that reads the environment.
 */
import path from 'node:path';
import { z } from 'zod';
import { baseServiceEnv, loadConfig, servicePort } from '@hivematrix/sdk';
import { databaseEnv } from '@hivematrix/sdk/db';
import { BOARD_COLUMNS, DEFAULT_SLA_SETTINGS, parseClock, PRIORITIES } from './domain/index.js';
import type { BoardColumn, BusinessCalendar, Priority, SlaSettings, ViewDefinition } from './domain/index.js';

export const SERVICE_NAME = 'beacon';
export const DEFAULT_PORT = 5001;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const csv = (raw: string) =>
  raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const priorityMinutes = z.string().transform((raw, context) => {
  const result: Record<Priority, number> = { ...DEFAULT_SLA_SETTINGS.updateOverdueMinutes };
  for (const pair of csv(raw)) {
    const [name = '', value = ''] = pair.split('=').map((part) => part.trim());
    if (!(PRIORITIES as readonly string[]).includes(name) || !/^\d+$/.test(value) || Number(value) < 1) {
      context.addIssue({ code: 'custom', message: 'expected priority=minutes pairs, e.g. "urgent=30,high=2880"' });
      return z.NEVER;
    }
    result[name as Priority] = Number(value);
  }
  return result;
});

const viewSchema = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
  name: z.string().trim().min(1).max(60),
  /** Only tickets of these PSA groups (an empty list: none). */
  groups: z.array(z.string().max(40)).optional(),
  /** Every ticket except those of these PSA groups. */
  exclude_groups: z.array(z.string().max(40)).optional(),
});
const viewsJson = z.string().transform((raw, context) => {
  try {
    const parsed = z.array(viewSchema).min(1).max(20).safeParse(JSON.parse(raw));
    if (parsed.success && new Set(parsed.data.map((view) => view.slug)).size === parsed.data.length) return parsed.data;
  } catch {
    // reported below
  }
  context.addIssue({
    code: 'custom',
    message: 'expected a JSON array of {slug, name, groups?, exclude_groups?} with distinct slugs',
  });
  return z.NEVER;
});

/** The original's two views: professional services by PSA group, the help desk everything else. */
const DEFAULT_VIEWS = JSON.stringify([
  { slug: 'helpdesk', name: 'Helpdesk', exclude_groups: [] },
  { slug: 'professional-services', name: 'Professional Services', groups: [] },
]);

export const beaconEnvSchema = z.object({
  ...baseServiceEnv,
  PORT: servicePort(DEFAULT_PORT),
  ...databaseEnv,
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .default(500)
    .describe('Requests allowed per user or calling service per minute'),
  CODEX_SERVICE_URL: z
    .url()
    .default('http://127.0.0.1:5010')
    .describe('Base URL of codex (services.json wins when helm runs beacon)'),
  REFRESH_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30)
    .default(1)
    .describe(
      'How often the shared board asks codex whether the active tickets changed (a conditional GET: 304 while nothing did); at most 30 s',
    ),
  TICKET_LIMIT: z.coerce
    .number()
    .int()
    .min(1)
    .max(5000)
    .default(5000)
    .describe('Most active tickets read from codex per refresh'),
  STALE_SYNC_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(30)
    .describe("Show a banner when codex's last ticket sync is older than this"),
  SYNC_JOB: z
    .enum(['freshservice-tickets', 'superops-tickets'])
    .default('freshservice-tickets')
    .describe('The codex job "Sync now" starts'),
  SLA_UPDATE_OVERDUE_MINUTES: priorityMinutes
    .prefault('urgent=30,high=2880,medium=4320,low=5760')
    .describe('Time without an update after which a ticket is overdue, per priority'),
  SLA_FR_CRITICAL_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(240)
    .describe('First-response time left under which the SLA is critical'),
  SLA_FR_WARNING_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(720)
    .describe('First-response time left under which the SLA is a warning'),
  BUSINESS_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isTimeZone, { error: 'expected an IANA time zone such as Europe/Berlin' })
    .describe('Time zone of the business hours and holidays'),
  BUSINESS_HOURS: z
    .string()
    .default('')
    .refine((raw) => raw === '' || /^\d\d:\d\d-\d\d:\d\d$/.test(raw), {
      error: 'expected HH:MM-HH:MM, or empty for round the clock',
    })
    .describe('Open hours for SLA clocks, e.g. 08:00-18:00; empty: clocks run round the clock'),
  BUSINESS_DAYS: z
    .string()
    .default('1,2,3,4,5')
    .refine((raw) => csv(raw).every((day) => /^[0-6]$/.test(day)), {
      error: 'expected weekday numbers 0 (Sunday) to 6',
    })
    .describe('Open weekdays, 0 = Sunday'),
  HOLIDAYS: z
    .string()
    .default('')
    .refine((raw) => csv(raw).every((day) => /^\d{4}-\d\d-\d\d$/.test(day)), {
      error: 'expected YYYY-MM-DD dates, comma-separated',
    })
    .describe('Closed dates (SLA clocks pause)'),
  VIEWS: viewsJson
    .prefault(DEFAULT_VIEWS)
    .describe('JSON list of views: {slug, name, groups?: [PSA group ids], exclude_groups?: [...]}'),
  COUNT_THRESHOLDS: z
    .string()
    .default('90,100,110,120')
    .refine((raw) => csv(raw).length === 4 && csv(raw).every((n) => /^\d+$/.test(n)), {
      error: 'expected four counts: warning, danger, critical, emergency',
    })
    .describe('Totals at which the count turns warning, danger, critical (blinking) and emergency (siren)'),
  COLUMNS: z
    .string()
    .default('number,subject,requester,agent,priority,sla,updated,created')
    .refine((raw) => csv(raw).every((c) => (BOARD_COLUMNS as readonly string[]).includes(c)), {
      error: `expected columns among ${BOARD_COLUMNS.join(', ')}`,
    })
    .describe('Board columns, in order'),
  DISPLAY_CHECK_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30)
    .default(2)
    .describe('How often open wall screens re-check their display link (revocation reaches them within this)'),
});

export type BeaconConfig = z.infer<typeof beaconEnvSchema>;

/** The board settings derived from the configuration. */
export interface BoardSettings {
  sla: SlaSettings;
  views: ViewDefinition[];
  countThresholds: [number, number, number, number];
  columns: BoardColumn[];
  staleSyncMs: number;
  refreshMs: number;
}

/** The SLA settings, views, thresholds and columns the configuration describes. */
export function boardSettings(config: BeaconConfig): BoardSettings {
  let calendar: BusinessCalendar | null = null;
  if (config.BUSINESS_HOURS !== '') {
    const [start = '', end = ''] = config.BUSINESS_HOURS.split('-');
    const startMinute = parseClock(start);
    const endMinute = parseClock(end);
    if (startMinute !== undefined && endMinute !== undefined && endMinute > startMinute) {
      calendar = {
        timeZone: config.BUSINESS_TIMEZONE,
        days: csv(config.BUSINESS_DAYS).map(Number),
        startMinute,
        endMinute,
        holidays: csv(config.HOLIDAYS),
      };
    }
  }
  const counts = csv(config.COUNT_THRESHOLDS).map(Number);
  return {
    sla: {
      ...DEFAULT_SLA_SETTINGS,
      updateOverdueMinutes: config.SLA_UPDATE_OVERDUE_MINUTES,
      frCriticalMinutes: config.SLA_FR_CRITICAL_MINUTES,
      frWarningMinutes: config.SLA_FR_WARNING_MINUTES,
      calendar,
    },
    views: config.VIEWS.map((view) => ({
      slug: view.slug,
      name: view.name,
      groups: view.groups ?? null,
      excludeGroups: view.exclude_groups ?? [],
    })),
    countThresholds: [counts[0] ?? 90, counts[1] ?? 100, counts[2] ?? 110, counts[3] ?? 120],
    columns: csv(config.COLUMNS) as BoardColumn[],
    staleSyncMs: config.STALE_SYNC_MINUTES * 60_000,
    refreshMs: config.REFRESH_SECONDS * 1000,
  };
}

/** Where runtime state lives: `HIVEMATRIX_INSTANCE_DIR`, else `instance/` at the repository root. */
function instanceDirFrom(env: Record<string, string | undefined>): string {
  return env.HIVEMATRIX_INSTANCE_DIR ?? path.resolve(import.meta.dirname, '../../../instance');
}

/**
 * Reads the configuration from the environment and `instance/beacon/.env` (the environment
 * wins). Throws a ConfigError naming every bad variable at once.
 */
export function loadBeaconConfig(env: Record<string, string | undefined>): BeaconConfig {
  const instanceDir = instanceDirFrom(env);
  return loadConfig(beaconEnvSchema, {
    env: { SERVICE_NAME, ...env },
    envFile: path.join(instanceDir, SERVICE_NAME, '.env'),
  });
}
