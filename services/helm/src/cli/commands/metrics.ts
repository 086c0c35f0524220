/**
 * `hivematrix metrics [service]`: the newest metrics sample of every service (or the recent
 * samples of one: the last 20, or all since `--since <hours>h`), read from helm's database with
 * helm's own generated credentials.
 */
import { latestSamples, serviceSamples } from '../../db/index.js';
import type { MetricSample } from '../../db/index.js';
import { withHelmDatabase } from '../helm-database.js';
import { CliError, table, type CliContext } from '../io.js';

const number = (value: number | null, unit: string): string => (value === null ? '-' : `${value.toFixed(1)}${unit}`);

function row(sample: MetricSample): string[] {
  return [
    sample.serviceName,
    sample.at.toISOString(),
    sample.state,
    sample.health,
    number(sample.cpuPercent, ' %'),
    number(sample.memoryMb, ' MB'),
    String(sample.restarts),
  ];
}

/** Prints the samples; `--json` for machines. */
export async function metricsCommand(
  context: CliContext,
  service: string | undefined,
  options: { since?: string; json?: boolean },
): Promise<number> {
  return withHelmDatabase(context, async (db) => {
    let samples: MetricSample[];
    if (service === undefined) {
      samples = [...(await latestSamples(db)).values()];
    } else {
      const hours = Number(/^(\d{1,4})h$/.exec(options.since ?? '1h')?.[1] ?? Number.NaN);
      if (!Number.isFinite(hours)) throw new CliError('--since takes hours, e.g. 1h or 24h');
      samples = await serviceSamples(db, service, new Date(Date.now() - hours * 3_600_000));
      if (options.since === undefined) samples = samples.slice(-20);
      if (samples.length === 0) throw new CliError(`no samples of ${service} in the last ${hours} h`);
    }
    if (options.json === true) {
      context.io.out(
        `${JSON.stringify(
          samples.map((sample) => ({ ...sample, at: sample.at.toISOString() })),
          null,
          2,
        )}\n`,
      );
    } else {
      context.io.out(`${table(['SERVICE', 'AT', 'STATE', 'HEALTH', 'CPU', 'MEMORY', 'RESTARTS'], samples.map(row))}\n`);
    }
    return 0;
  });
}
