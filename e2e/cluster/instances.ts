/**
 * The cluster test's service instances: each a plain `node services/<name>/dist/main.js` of the
 * production build, with the environment helm generated for the service (`instance/<name>/.env`)
 * and its own port, so two instances of a service differ by nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseEnv } from 'node:util';

/** One running (or stopped) instance of a service. */
export interface Instance {
  /** `codex-a`: the HAProxy server name. */
  readonly id: string;
  readonly service: string;
  readonly port: number;
  readonly tls: boolean;
  /** The live process's pid, undefined while stopped. */
  pid(): number | undefined;
  /** Starts the process and waits for its `/health` to answer 200. */
  start(): Promise<void>;
  /** Sends `signal` and waits for the process to exit; resolves with its exit code (or signal). */
  stop(signal: NodeJS.Signals): Promise<string>;
}

/** A service's generated variables, as helm passes them. */
export async function serviceEnv(instanceDir: string, service: string): Promise<Record<string, string>> {
  const parsed = parseEnv(await readFile(path.join(instanceDir, service, '.env'), 'utf8'));
  return Object.fromEntries(
    Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** GET `/health` on one instance directly; resolves with the status (0 when it does not answer). */
export function healthStatus(port: number, tls: boolean): Promise<number> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port, path: '/health', timeout: 2_000, rejectUnauthorized: false };
    const request = (tls ? httpsRequest : httpRequest)(options, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
    request.end();
  });
}

/** Options of `createInstance`. */
export interface InstanceOptions {
  id: string;
  service: string;
  port: number;
  tls: boolean;
  /** The clone: the working folder, and where `services/<service>/dist/main.js` is. */
  root: string;
  /** The whole environment (inherited, then the service's generated variables). */
  env: Record<string, string | undefined>;
  /** Where the instance's output is appended. */
  logFile: string;
  startTimeoutMs?: number;
}

export function createInstance(options: InstanceOptions): Instance {
  let child: ChildProcess | undefined;
  let exited: Promise<string> | undefined;
  let log: WriteStream | undefined;
  const entry = path.join(options.root, 'services', options.service, 'dist', 'main.js');
  return {
    id: options.id,
    service: options.service,
    port: options.port,
    tls: options.tls,
    pid: () => child?.pid,
    async start() {
      if (child !== undefined) throw new Error(`${options.id} is already running`);
      log ??= createWriteStream(options.logFile, { flags: 'a' });
      const started = spawn(process.execPath, [entry], {
        cwd: options.root,
        env: { ...options.env, PORT: String(options.port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      started.stdout?.pipe(log, { end: false });
      started.stderr?.pipe(log, { end: false });
      exited = new Promise((resolve) => {
        started.on('exit', (code, signal) => {
          if (child === started) child = undefined;
          resolve(signal ?? String(code));
        });
      });
      const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
      while (Date.now() < deadline) {
        if (child !== started)
          throw new Error(`${options.id} exited while starting (${await exited}); see ${options.logFile}`);
        if ((await healthStatus(options.port, options.tls)) === 200) return;
        await sleep(100);
      }
      throw new Error(
        `${options.id} is not healthy after ${options.startTimeoutMs ?? 60_000} ms; see ${options.logFile}`,
      );
    },
    async stop(signal) {
      const running = child;
      if (running === undefined || exited === undefined) return 'not running';
      running.kill(signal);
      return exited;
    },
  };
}
