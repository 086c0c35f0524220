/** Usage charts (inline SVG drawn on the server, no script) and the health history of a service. */
import type { JSX } from 'preact';
import { Card, DateTime, Num, Table } from '@hivematrix/sdk/html';
import type { MetricSample } from '../db/index.js';
import { bucketize, linePath, niceMax, healthTransitions } from '../metrics/index.js';
import type { ChartPoint } from '../metrics/index.js';
import { HealthBadge } from './services.js';

const WIDTH = 600;
const HEIGHT = 120;
const BUCKETS = 240;

function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 16);
}

/** One series as a line chart with its axis maximum and time range, described for screen readers. */
export function LineChart(props: {
  title: string;
  unit: string;
  points: readonly ChartPoint[];
  from: number;
  to: number;
  floor: number;
}): JSX.Element {
  const { title, unit, from, to } = props;
  const points = bucketize(props.points, from, to, BUCKETS);
  const values = points.flatMap((point) => (point.value === null ? [] : [point.value]));
  const max = niceMax(Math.max(0, ...values), props.floor);
  const latest = props.points.findLast((point) => point.value !== null)?.value;
  const d = linePath(points, { width: WIDTH, height: HEIGHT, from, to, max });
  const summary =
    values.length === 0
      ? 'no samples'
      : `latest ${latest?.toFixed(1) ?? '—'} ${unit}, peak ${Math.max(...values).toFixed(1)} ${unit}`;
  return (
    <figure class="u-m-0">
      <figcaption>{`${title}: ${summary}`}</figcaption>
      <svg
        viewBox={`-40 -10 ${WIDTH + 50} ${HEIGHT + 30}`}
        width="100%"
        role="img"
        aria-label={`${title} from ${clock(from)} to ${clock(to)} UTC, ${summary}`}
      >
        <line x1="0" y1={HEIGHT} x2={WIDTH} y2={HEIGHT} stroke="currentColor" stroke-opacity="0.4" />
        <line x1="0" y1="0" x2={WIDTH} y2="0" stroke="currentColor" stroke-opacity="0.15" stroke-dasharray="4 4" />
        <text x="-4" y="4" text-anchor="end" font-size="10" fill="currentColor">{`${max} ${unit}`}</text>
        <text x="-4" y={HEIGHT} text-anchor="end" font-size="10" fill="currentColor">
          0
        </text>
        <text x="0" y={HEIGHT + 14} font-size="10" fill="currentColor">
          {clock(from)}
        </text>
        <text x={WIDTH} y={HEIGHT + 14} text-anchor="end" font-size="10" fill="currentColor">
          {clock(to)}
        </text>
        {d === '' ? null : <path d={d} fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round" />}
      </svg>
    </figure>
  );
}

/** CPU and memory over [from, to], and the state and health changes seen in the samples. */
export function UsageCards(props: { samples: readonly MetricSample[]; from: number; to: number }): JSX.Element {
  const { samples, from, to } = props;
  const series = (pick: (sample: MetricSample) => number | null): ChartPoint[] =>
    samples.map((sample) => ({ at: sample.at.getTime(), value: pick(sample) }));
  const transitions = healthTransitions(samples);
  return (
    <>
      <Card title="CPU and memory (last 24 hours)">
        {samples.length === 0 ? (
          <p class="u-text-muted">No samples yet: helm samples every service periodically.</p>
        ) : null}
        <LineChart title="CPU" unit="%" points={series((sample) => sample.cpuPercent)} from={from} to={to} floor={10} />
        <LineChart
          title="Memory"
          unit="MB"
          points={series((sample) => sample.memoryMb)}
          from={from}
          to={to}
          floor={64}
        />
      </Card>
      <Card title="Health history">
        <Table
          label="Health history"
          empty="No samples yet: helm samples every running service periodically; the first appear within minutes."
          columns={[
            { key: 'at', label: 'Since' },
            { key: 'state', label: 'State' },
            { key: 'health', label: 'Health' },
            { key: 'previous', label: 'Before' },
            { key: 'restarts', label: 'Restarts', align: 'right' },
          ]}
          rows={transitions.map((change) => ({
            at: <DateTime value={change.at} />,
            state: change.state,
            health: <HealthBadge health={change.health} />,
            previous: change.previous ?? '—',
            restarts: <Num value={change.restarts} />,
          }))}
        />
      </Card>
    </>
  );
}
