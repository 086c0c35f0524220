/**
 * `services.json` as the gateway sees it: loaded at boot and reloaded when helm rewrites it, so a
 * new service or a changed flag takes effect without restarting the gateway. A file that fails
 * validation is logged and ignored: the last good table stays in force.
 */
import { stat } from 'node:fs/promises';
import { loadServicesFile, type ServicesFile } from '@hivematrix/sdk';

/** The subset of a logger the registry uses. */
interface RegistryLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** A services table that may change while the gateway runs. */
export interface LiveRegistry {
  /** The current table (never null: empty until a file was read). */
  current(): ServicesFile;
  /** Re-reads the file when its modification time or size changed. */
  refresh(): Promise<void>;
  /** Stops watching. */
  close(): void;
}

/** A fixed table (tests, or a gateway configured without a file). */
export function staticRegistry(services: ServicesFile): LiveRegistry {
  return { current: () => services, refresh: async () => undefined, close: () => undefined };
}

/**
 * Watches `file` by polling its mtime every `intervalMs` (2 s): polling works on every filesystem
 * and survives the file being replaced by a rename, which is how helm writes it atomically.
 */
export async function watchServicesFile(
  file: string,
  options: { logger: RegistryLogger; intervalMs?: number; watch?: boolean },
): Promise<LiveRegistry> {
  let services: ServicesFile = {};
  let signature = '';
  const { logger } = options;

  async function refresh(): Promise<void> {
    let next: string;
    try {
      const info = await stat(file);
      next = `${info.mtimeMs}:${info.size}`;
    } catch (error) {
      if (signature !== 'missing')
        logger.warn({ file, err: (error as Error).message }, 'services.json is missing; no service is routed');
      signature = 'missing';
      services = {};
      return;
    }
    if (next === signature) return;
    try {
      services = await loadServicesFile(file);
      signature = next;
      logger.info({ file, services: Object.keys(services) }, 'services.json loaded');
    } catch (error) {
      signature = next; // do not log the same bad file every two seconds
      logger.warn({ file, err: (error as Error).message }, 'services.json rejected; keeping the previous table');
    }
  }

  await refresh();
  const timer = options.watch === false ? undefined : setInterval(() => void refresh(), options.intervalMs ?? 2_000);
  timer?.unref();
  return { current: () => services, refresh, close: () => clearInterval(timer) };
}
