/** Process metrics: sampling each service's process group from /proc, the health history, the charts' geometry. */
export { bucketize, linePath, niceMax } from './chart.js';
export type { ChartPoint } from './chart.js';
export { healthTransitions } from './history.js';
export { MetricsSampler } from './sampler.js';
