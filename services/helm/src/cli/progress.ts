/**
 * The start sequence as the operator sees it: one line per step and per service as each
 * finishes, with the step in progress shown on a line that is rewritten (on a terminal only).
 */
import type { PlatformStatus, ServiceStatusView, StepView } from '../status.js';
import { shortPath, type CliIo } from './io.js';

const MARKS: Record<StepView['state'], string> = {
  pending: ' ',
  running: '…',
  done: '✓',
  degraded: '!',
  failed: '✗',
  skipped: '-',
};

function seconds(ms: number | null): string {
  return ms === null ? '' : ` (${Math.round(ms / 100) / 10} s)`;
}

/** One finished step as a line. */
export function stepLine(step: StepView, width: number): string {
  const detail = step.detail === null ? '' : `  ${step.detail}`;
  const timing =
    step.state === 'done' && step.name.length > 0 && !/ in \d/.test(step.detail ?? '') ? seconds(step.elapsed_ms) : '';
  return `  ${MARKS[step.state]} ${step.name.padEnd(width)}${detail}${timing}`;
}

/** Prints steps as they finish; remembers what it printed. */
export class ProgressPrinter {
  private readonly printed = new Set<string>();
  private liveLine = false;

  constructor(private readonly io: CliIo) {}

  private clearLive(): void {
    if (this.liveLine) this.io.out('\r\x1b[K');
    this.liveLine = false;
  }

  /** Prints the steps of `status` that finished since the last call. */
  update(status: PlatformStatus): void {
    const steps = status.daemon.steps;
    const width = Math.max(12, ...steps.map((step) => step.name.length));
    this.clearLive();
    for (const step of steps) {
      if (this.printed.has(step.name) || step.state === 'pending' || step.state === 'running') continue;
      this.printed.add(step.name);
      this.io.out(`${stepLine(step, width)}\n`);
      const service = status.services.find((candidate) => candidate.name === step.name);
      if (step.state === 'failed' && service !== undefined) this.io.out(logTail(service));
    }
    const running = steps.find((step) => step.state === 'running');
    if (running !== undefined && this.io.isTTY) {
      this.io.out(`  … ${running.name.padEnd(width)}  ${running.detail ?? 'starting'}`);
      this.liveLine = true;
    }
  }

  /** Ends the live line. */
  finish(): void {
    this.clearLive();
  }
}

/** The last lines of a failed service's log, indented, naming the file. */
export function logTail(service: ServiceStatusView): string {
  if (service.log_tail.length === 0) return `      see ${shortPath(service.log_file)}\n`;
  const lines = service.log_tail
    .slice(-12)
    .map((line) => `      ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`);
  return `      last lines of ${shortPath(service.log_file)}:\n${lines.join('\n')}\n`;
}
