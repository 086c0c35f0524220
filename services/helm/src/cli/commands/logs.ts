/** `hivematrix logs [service] [-f] [--level] [--since] [--grep] [-n] [--json]`: the services' log files. */
import { CliError, type CliContext } from '../io.js';
import {
  followLogs,
  formatLine,
  loggedServices,
  matches,
  mergeByTime,
  parseSince,
  readServiceLog,
  severityOf,
  type LogFilter,
  type LogLine,
} from '../log-reader.js';

/** Options of the logs command. */
export interface LogsOptions {
  follow?: boolean;
  level?: string;
  since?: string;
  grep?: string;
  lines?: string;
  json?: boolean;
  /** Ends `--follow` (tests); the CLI follows until interrupted. */
  signal?: AbortSignal;
  now?: number;
}

/** Runs `logs`. */
export async function logsCommand(
  context: CliContext,
  service: string | undefined,
  options: LogsOptions,
): Promise<number> {
  const filter: LogFilter = {};
  if (options.level !== undefined) {
    const severity = severityOf(options.level);
    if (severity === undefined)
      throw new CliError(`unknown level "${options.level}"; use trace, debug, info, warn, error or fatal`);
    filter.minSeverity = severity;
  }
  if (options.since !== undefined) {
    const since = parseSince(options.since, options.now ?? Date.now());
    if (since === undefined)
      throw new CliError(`--since takes a duration (30s, 10m, 2h, 1d) or a date, not "${options.since}"`);
    filter.since = since;
  }
  if (options.grep !== undefined) filter.grep = options.grep;
  const count =
    options.lines === undefined
      ? options.since === undefined
        ? 100
        : Number.POSITIVE_INFINITY
      : Number(options.lines);
  if (!(count > 0)) throw new CliError('--lines takes a positive number');

  const { logsDir } = context.paths;
  const services = service === undefined ? await loggedServices(logsDir) : [service];
  if (services.length === 0) throw new CliError(`no logs in ${logsDir} yet`);
  const groups = await Promise.all(services.map((name) => readServiceLog(logsDir, name, options.since !== undefined)));
  if (service !== undefined && (groups[0]?.length ?? 0) === 0 && options.follow !== true)
    throw new CliError(`no log for "${service}" in ${logsDir}`);
  const print = (line: LogLine): void => context.io.out(`${options.json === true ? line.raw : formatLine(line)}\n`);
  const selected = mergeByTime(groups).filter((line) => matches(line, filter));
  for (const line of selected.slice(Math.max(0, selected.length - count))) print(line);

  if (options.follow === true) {
    const controller = new AbortController();
    const signal = options.signal ?? controller.signal;
    const { since: _since, ...followFilter } = filter;
    await followLogs(
      logsDir,
      service === undefined ? [] : [service],
      (line) => {
        if (matches(line, followFilter)) print(line);
      },
      signal,
    );
  }
  return 0;
}
