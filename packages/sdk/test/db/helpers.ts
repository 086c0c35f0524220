/** Small helpers shared by the database-tier tests. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DbLogger } from '../../src/db/open.js';

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

/** A logger that keeps what it is told, and can wake a test when a matching line arrives. */
export function recordingLogger(): DbLogger & {
  records: LogRecord[];
  next(level: LogRecord['level']): Promise<LogRecord>;
} {
  const records: LogRecord[] = [];
  const waiters: { level: LogRecord['level']; resolve: (record: LogRecord) => void }[] = [];
  const log = (level: LogRecord['level']) => (obj: object, msg?: string) => {
    const record = { level, obj, msg };
    records.push(record);
    for (const waiter of waiters.filter((w) => w.level === level)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(record);
    }
  };
  return {
    records,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    next: (level) => new Promise((resolve) => waiters.push({ level, resolve })),
  };
}

/** Writes `files` (name → SQL) into a fresh temporary directory and returns its path. */
export async function migrationFiles(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hivematrix-migrations-'));
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
  return dir;
}
