/**
 * The helm daemon's entry point (`./start.sh` and `hivematrix start` launch it detached; a
 * systemd unit runs it in the foreground). Takes the pid file, opens the control socket, runs
 * the start sequence, then supervises until SIGTERM/SIGINT or `hivematrix stop`.
 * SIGHUP re-reads the registry and configuration.
 *
 * With `HELM_MODE=external` (the Kubernetes manifests set it) it is instead a plain service:
 * no pid file, socket, PostgreSQL or child process; the console watches the services' health
 * at the URLs of services.json (see daemon/external-helm.ts).
 */
import { openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { ConfigError, connectPlatform, createLogger, loadServicesFile, runService } from '@hivematrix/sdk';
import { daemonEnvironment, helmMode, loadExternalHelmConfig, type HelmMode } from './config.js';
import { startControlServer, type ControlServer } from './daemon/control-server.js';
import { Daemon } from './daemon/daemon.js';
import { buildExternalHelm } from './daemon/external-helm.js';
import { watchedServices } from './external/index.js';
import { prepareInstance } from './generate/index.js';
import { commandLine, processAlive } from './supervisor/index.js';

async function runExternal(): Promise<void> {
  await runService({
    async start() {
      const config = loadExternalHelmConfig(process.env);
      const services = watchedServices(await loadServicesFile(config.SERVICES_FILE));
      // Helm does not ship its own logs to itself: they are the pod's output.
      const platform = connectPlatform({
        SERVICE_NAME: config.SERVICE_NAME,
        LOG_LEVEL: config.LOG_LEVEL,
        CORE_SERVICE_URL: config.CORE_SERVICE_URL,
        SERVICE_SECRET: config.SERVICE_SECRET,
        REVOCATION_GRACE: config.REVOCATION_GRACE,
      });
      try {
        const helm = await buildExternalHelm({
          config,
          services,
          logger: platform.logger,
          verifier: platform.verifier,
          ...(platform.serviceClient === undefined ? {} : { serviceClient: platform.serviceClient }),
        });
        platform.logger.info(
          { services: services.map((service) => service.name), managedBy: config.HELM_MANAGED_BY },
          'helm in external mode: watching, not supervising',
        );
        return {
          app: helm.app,
          host: config.HOST,
          port: config.PORT,
          logger: platform.logger,
          close: async () => {
            await helm.close();
            await platform.close();
          },
        };
      } catch (error) {
        await platform.close();
        throw error;
      }
    },
  });
}

let mode: HelmMode;
try {
  mode = helmMode(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}
if (mode === 'external') await runExternal();
else await runLocal();

async function runLocal(): Promise<void> {
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
        if (
          Number.isInteger(pid) &&
          pid !== process.pid &&
          processAlive(pid) &&
          (commandLine(pid) ?? 'helm').includes('helm')
        ) {
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
      if (Number.parseInt(readFileSync(paths.pidFile, 'utf8'), 10) === process.pid)
        rmSync(paths.pidFile, { force: true });
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
}
