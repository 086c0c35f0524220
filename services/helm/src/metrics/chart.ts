/**
 * The geometry of the console's line charts, computed on the server so the page needs no
 * script: samples are averaged into a fixed number of time buckets (a day of 15-second samples
 * would otherwise be 5 760 points), the value axis is rounded up to a readable maximum, and the
 * series becomes an SVG path in which a gap (no sample, or a service down) breaks the line.
 */

/** One value at a time (epoch ms); null where there is no figure. */
export interface ChartPoint {
  at: number;
  value: number | null;
}

/** Averages the points of each of `buckets` equal slices of [from, to]; empty slices give null. */
export function bucketize(points: readonly ChartPoint[], from: number, to: number, buckets: number): ChartPoint[] {
  const span = Math.max(1, to - from);
  const sums = new Array<number>(buckets).fill(0);
  const counts = new Array<number>(buckets).fill(0);
  for (const point of points) {
    if (point.value === null || point.at < from || point.at > to) continue;
    const index = Math.min(buckets - 1, Math.floor(((point.at - from) / span) * buckets));
    sums[index] = (sums[index] ?? 0) + point.value;
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return sums.map((sum, index) => {
    const count = counts[index] ?? 0;
    return { at: from + ((index + 0.5) / buckets) * span, value: count === 0 ? null : sum / count };
  });
}

/** The smallest of 1, 2, 2.5, 5 × 10^k that is at least `value` (at least `floor`). */
export function niceMax(value: number, floor = 1): number {
  const target = Math.max(value, floor);
  const magnitude = 10 ** Math.floor(Math.log10(target));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= target) return step * magnitude;
  }
  return 10 * magnitude;
}

/** The drawing area and the axes' ranges. */
export interface ChartFrame {
  width: number;
  height: number;
  from: number;
  to: number;
  max: number;
}

const round = (value: number): number => Math.round(value * 10) / 10;

/**
 * The SVG path of `points` in `frame` (y grows downwards, 0 at the bottom). Each run of values
 * starts with `M`; values above `max` are drawn at the top. Empty string when nothing to draw.
 */
export function linePath(points: readonly ChartPoint[], frame: ChartFrame): string {
  const span = Math.max(1, frame.to - frame.from);
  const parts: string[] = [];
  let drawing = false;
  for (const point of points) {
    if (point.value === null) {
      drawing = false;
      continue;
    }
    const x = round(((point.at - frame.from) / span) * frame.width);
    const y = round(frame.height - (Math.min(Math.max(point.value, 0), frame.max) / frame.max) * frame.height);
    parts.push(`${drawing ? 'L' : 'M'}${x} ${y}`);
    drawing = true;
  }
  return parts.join(' ');
}
