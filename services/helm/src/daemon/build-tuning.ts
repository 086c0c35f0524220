/**
 * How a built process (a service's or helm's own `dist/main.js`) is tuned for a platform that is
 * idle most of the time: ten Node processes on one machine, where what each keeps resident while
 * it waits adds up, and each restart parses its bundle again. Measured with `bench/footprint.ts`
 * (figures in bench/README.md); only settings that cost little throughput under load, none that
 * caps the heap (no `--max-old-space-size`).
 */
import path from 'node:path';

/**
 * V8's young generation: by default each semi-space may grow to 16 MB, and a process that
 * allocated through its start keeps the pages it touched. Two megabytes means more frequent
 * scavenges under load (each one cheap: the young generation is small), and 9–13 MB less resident
 * per idle service.
 */
export const BUILD_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/**
 * The environment of a built process; `runDir` is the instance's run folder. An operator's own
 * value of any of these, exported before starting helm, wins (callers put these first).
 *
 * - MALLOC_ARENA_MAX: glibc gives each thread that calls malloc an arena of its own (up to 8 per
 *   core), and freed memory stays in them: Node's threads (V8's platform workers, libuv's pool,
 *   OpenSSL) each hold some. Two arenas keep that small; Node's JavaScript heap does not use
 *   malloc, so contention is limited to native work (TLS, zlib, hashing).
 * - NODE_COMPILE_CACHE: Node keeps V8's compiled code of each bundle on disk (keyed by the file's
 *   content, so a new build is compiled afresh) and a restart skips most of parsing and compiling.
 *   Written when the process exits, so it serves from the second start after a build on.
 */
export function buildEnv(runDir: string): Record<string, string> {
  return { MALLOC_ARENA_MAX: '2', NODE_COMPILE_CACHE: path.join(runDir, 'compile-cache') };
}
