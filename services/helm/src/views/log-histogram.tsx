/**
 * A small server-rendered SVG of log volume by level over the chosen range: one stacked bar per
 * slice, most severe on top. Colours come from the design system's classes (the CSP allows no
 * inline style); each bar's <title> names its slice and counts for a pointer or a screen reader.
 */
import type { JSX } from 'preact';
import { LOG_LEVELS } from '../db/index.js';
import type { LogLevel, LogHistogram as Histogram } from '../db/index.js';

const WIDTH = 600;
const HEIGHT = 64;
const count = new Intl.NumberFormat('en-US');
const time = new Intl.DateTimeFormat('en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: 'UTC' });

/** The histogram with its legend (level totals over the range). */
export function LogHistogram({ histogram }: { histogram: Histogram }): JSX.Element {
  const { buckets } = histogram;
  const peak = Math.max(1, ...buckets.map((bucket) => bucket.total));
  const barWidth = WIDTH / Math.max(buckets.length, 1);
  const totals = Object.fromEntries(
    LOG_LEVELS.map((level) => [level, buckets.reduce((sum, bucket) => sum + bucket.counts[level], 0)]),
  ) as Record<LogLevel, number>;
  const label = `Log volume by level from ${time.format(histogram.from)} to ${time.format(histogram.to)} UTC`;
  return (
    <figure class="log-histogram">
      <svg
        class="log-histogram__chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={label}
      >
        {buckets.map((bucket, index) => {
          let y = HEIGHT;
          const x = index * barWidth;
          return (
            <g>
              <title>{`${time.format(bucket.start)} UTC: ${
                LOG_LEVELS.filter((level) => bucket.counts[level] > 0)
                  .map((level) => `${count.format(bucket.counts[level])} ${level}`)
                  .join(', ') || 'no entries'
              }`}</title>
              <rect class="log-histogram__slot" x={x} y={0} width={barWidth} height={HEIGHT} />
              {LOG_LEVELS.map((level) => {
                const n = bucket.counts[level];
                if (n === 0) return null;
                const h = Math.max((n / peak) * HEIGHT, 1);
                y -= h;
                return (
                  <rect
                    class={`log-histogram__bar log-histogram__bar--${level.toLowerCase()}`}
                    data-level={level}
                    data-count={n}
                    x={x + 1}
                    y={y}
                    width={Math.max(barWidth - 2, 1)}
                    height={h}
                  />
                );
              })}
            </g>
          );
        })}
      </svg>
      <figcaption class="log-histogram__legend">
        {LOG_LEVELS.map((level) => (
          <span class="log-histogram__key">
            <svg
              class={`log-histogram__swatch log-histogram__bar--${level.toLowerCase()}`}
              viewBox="0 0 10 10"
              aria-hidden="true"
            >
              <rect width="10" height="10" />
            </svg>
            {level} {count.format(totals[level])}
          </span>
        ))}
        <span class="log-histogram__key">
          {time.format(histogram.from)} – {time.format(histogram.to)} UTC
        </span>
      </figcaption>
    </figure>
  );
}
