/** A service's health history, read from its samples: the moments its state or health changed. */

/** What a sample says about health. */
export interface HealthSample {
  at: Date;
  state: string;
  health: string;
  restarts: number;
}

/** A change: from when, to what, and the previous value (null for the first sample). */
export interface HealthTransition {
  at: Date;
  state: string;
  health: string;
  previous: string | null;
  restarts: number;
}

/** The samples (oldest first) where state or health differ from the sample before; newest first. */
export function healthTransitions(samples: readonly HealthSample[], limit = 50): HealthTransition[] {
  const changes: HealthTransition[] = [];
  let last: HealthSample | undefined;
  for (const sample of samples) {
    if (last === undefined || last.state !== sample.state || last.health !== sample.health) {
      changes.push({
        at: sample.at,
        state: sample.state,
        health: sample.health,
        previous: last === undefined ? null : `${last.state}, ${last.health}`,
        restarts: sample.restarts,
      });
    }
    last = sample;
  }
  return changes.reverse().slice(0, limit);
}
