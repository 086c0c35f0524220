/**
 * The answers being generated in this process, so the stop button can abort them: one run per
 * chat at a time. The stream's own connection also aborts its run when the browser goes away, so
 * a stop reaches the run even when the stop request lands on another instance.
 */
export interface ActiveRun {
  ownerSub: string;
  controller: AbortController;
}

export class RunRegistry {
  private readonly runs = new Map<string, ActiveRun>();

  /** Registers a run; false when the chat already has one. */
  start(chatId: string, run: ActiveRun): boolean {
    if (this.runs.has(chatId)) return false;
    this.runs.set(chatId, run);
    return true;
  }

  finish(chatId: string, run: ActiveRun): void {
    if (this.runs.get(chatId) === run) this.runs.delete(chatId);
  }

  /** Aborts the chat's run if `ownerSub` owns it; true when one was stopped. */
  stop(chatId: string, ownerSub: string): boolean {
    const run = this.runs.get(chatId);
    if (run === undefined || run.ownerSub !== ownerSub) return false;
    run.controller.abort(new Error('stopped by the user'));
    return true;
  }

  get size(): number {
    return this.runs.size;
  }
}
