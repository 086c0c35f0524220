/** The terminal the CLI talks to, injectable so tests capture what it prints. */
import type { HelmPaths } from '../paths.js';

/** Output streams and the environment of one CLI run. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stdout is a terminal (progress lines are rewritten in place). */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  /** Reads standard input to its end (passwords given with --password-stdin). */
  readStdin?: () => Promise<string>;
  /** Outgoing HTTP (tests point it at fakes). */
  fetch?: typeof globalThis.fetch;
}

/** What every command receives. */
export interface CliContext {
  io: CliIo;
  paths: HelmPaths;
}

/** A failure the CLI reports as a message (no stack) with exit status `code`. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

/** Formats a duration in seconds for people: 42 s, 3 min, 5 h 02 min, 2 d 03 h. */
export function humanDuration(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400)
    return `${Math.floor(seconds / 3600)} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} min`;
  return `${Math.floor(seconds / 86_400)} d ${String(Math.floor((seconds % 86_400) / 3600)).padStart(2, '0')} h`;
}

/** Renders rows as left-aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A path shown relative to the current folder when that is shorter. */
export function shortPath(file: string, cwd = process.cwd()): string {
  const relative = file.startsWith(`${cwd}/`) ? file.slice(cwd.length + 1) : file;
  return relative.length < file.length ? relative : file;
}
