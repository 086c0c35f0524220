/**
 * The helm daemon's entry point (`./start.sh` and `hivematrix start` launch it detached; a
 * systemd unit runs it in the foreground). Takes the pid file, opens the control socket, runs
 * the start sequence, then supervises until SIGTERM/SIGINT or `hivematrix stop`.
 * SIGHUP re-reads the registry and configuration.
 */
import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createLogger } from '@hivematrix/sdk';
import { daemonEnvironment } from './config.js';
import { startControlServer, type ControlServer } from './daemon/control-server.js';
import { Daemon } from './daemon/daemon.js';
import { prepareInstance } from './generate/sync.js';
import { commandLine, processAlive } from './supervisor/process-group.js';

const { paths, env } = daemonEnvironment(process.env);
const logger = createLogger({ service: 'helm', level: 'info' });

/** Takes the pid file, or exits when another daemon of this instance is alive. */
function takePidFile(): void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(paths.pidFile, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(paths.pidFile, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid) && (commandLine(pid) ?? 'helm').includes('helm')) {
        logger.warn({ pid }, 'helm is already running for this instance');
        process.exit(0);
      }
      rmSync(paths.pidFile, { force: true });
    }
  }
  throw new Error(`cannot take ${paths.pidFile}`);
}

function releasePidFile(): void {
  try {
    if (Number.parseInt(readFileSync(paths.pidFile, 'utf8'), 10) === process.pid) rmSync(paths.pidFile, { force: true });
  } catch {
    // Already gone.
  }
}

await prepareInstance(paths);
takePidFile();
const daemon = new Daemon({ paths, env, nodePath: process.execPath, logger });
let control: ControlServer | undefined;
let exiting = false;

async function stop(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  await daemon.shutdown();
  await control?.close().catch(() => undefined);
  releasePidFile();
  process.exit(code);
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.on('SIGHUP', () => {
  daemon.reload(true).catch((error: unknown) => logger.error({ err: error }, 'reload failed'));
});
process.on('uncaughtException', (error) => {
  logger.fatal({ err: error }, 'helm crashed; stopping the platform');
  void stop(1);
});

try {
  control = await startControlServer(daemon, paths.socket, () => void stop(0));
  await daemon.boot();
} catch {
  // boot() logged the reason and stopped what it had started.
  await stop(1);
}
