/**
 * Starts the month-end job on schedule: checked every minute against an injected clock; due from
 * MONTH_END_DAY at MONTH_END_HOUR (business time zone) onwards, so a ledger that was down at that
 * hour catches up later in the month. The job itself refuses a second run for a month (the
 * database decides, so several ledger instances are safe); the scheduler only avoids asking twice.
 */
import { parsePeriod, periodKey, addMonths, type Period } from '../engine/index.js';

export interface MonthEndSchedule {
  day: number; // 1–28
  hour: number; // 0–23
  timeZone: string;
}

/** The month to close at `now`, or null when this month's run is not due yet. */
export function dueMonth(now: Date, schedule: MonthEndSchedule): Period | null {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: schedule.timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
  }).formatToParts(now);
  const get = (type: string): string => parts.find((part) => part.type === type)?.value ?? '';
  const day = Number(get('day'));
  const hour = Number(get('hour'));
  if (day < schedule.day || (day === schedule.day && hour < schedule.hour)) return null;
  return addMonths(parsePeriod(`${get('year')}-${get('month')}`), -1);
}

export interface MonthEndScheduler {
  /** One check; resolves when any run it started has finished. */
  tick(): Promise<void>;
  stop(): void;
}

/** Checks every `intervalMs` (default one minute) and runs `run(period)` once per due month. */
export function startMonthEndScheduler(options: {
  schedule: MonthEndSchedule;
  now: () => Date;
  run: (period: Period) => Promise<unknown>;
  onError: (error: unknown) => void;
  intervalMs?: number;
}): MonthEndScheduler {
  let handled: string | null = null;
  let running: Promise<void> | null = null;
  const tick = async (): Promise<void> => {
    if (running !== null) return running;
    const period = dueMonth(options.now(), options.schedule);
    if (period === null || periodKey(period) === handled) return;
    running = options
      .run(period)
      .then(
        () => {
          handled = periodKey(period);
        },
        (error: unknown) => options.onError(error), // retried at the next tick
      )
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => {
    void tick();
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
