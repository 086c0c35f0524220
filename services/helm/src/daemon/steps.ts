/** The start sequence's progress, one step per stage and per service, as the CLI displays it. */
import type { StepView } from '../status.js';

/** The steps of one boot, in order. */
export class Steps {
  private readonly steps: (StepView & { startedAt: number | null })[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  private find(name: string): StepView & { startedAt: number | null } {
    let step = this.steps.find((candidate) => candidate.name === name);
    if (step === undefined) {
      step = { name, state: 'pending', detail: null, elapsed_ms: null, startedAt: null };
      this.steps.push(step);
    }
    return step;
  }

  /** Declares steps up front, so the display knows what is coming. */
  plan(names: readonly string[]): void {
    for (const name of names) this.find(name);
  }

  begin(name: string, detail: string | null = null): void {
    const step = this.find(name);
    step.state = 'running';
    step.detail = detail;
    step.startedAt = this.now();
  }

  private end(name: string, state: StepView['state'], detail: string | null): void {
    const step = this.find(name);
    step.state = state;
    step.detail = detail;
    step.elapsed_ms = step.startedAt === null ? null : this.now() - step.startedAt;
  }

  done(name: string, detail: string | null = null): void {
    this.end(name, 'done', detail);
  }

  failed(name: string, detail: string): void {
    this.end(name, 'failed', detail);
  }

  degraded(name: string, detail: string): void {
    this.end(name, 'degraded', detail);
  }

  skipped(name: string, detail: string): void {
    this.end(name, 'skipped', detail);
  }

  /** Runs `work` as step `name`: done with its detail, or failed with its error (rethrown). */
  async run<T>(name: string, work: () => Promise<T>, detail: (result: T) => string | null): Promise<T> {
    this.begin(name);
    try {
      const result = await work();
      this.done(name, detail(result));
      return result;
    } catch (error) {
      this.failed(name, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  view(): StepView[] {
    return this.steps.map(({ startedAt: _startedAt, ...step }) => ({ ...step }));
  }
}
