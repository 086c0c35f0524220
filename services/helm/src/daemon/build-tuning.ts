/**
 * How a built process (a service's or helm's own `dist/main.js`) is tuned for a platform that is
 * idle most of the time: ten Node processes on one machine, where what each keeps resident while
 * it waits adds up. Measured with `bench/footprint.ts` (figures in bench/README.md); only settings
 * that cost little throughput under load, none that caps the heap (no `--max-old-space-size`).
 */

/**
 * V8's young generation: by default each semi-space may grow to 16 MB, and a process that
 * allocated through its start keeps the pages it touched. Two megabytes means more frequent
 * scavenges under load (each one cheap: the young generation is small), and 9–13 MB less resident
 * per idle service.
 */
export const BUILD_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/**
 * glibc gives each thread that calls malloc an arena of its own (up to 8 per core), and freed
 * memory stays in them: Node's threads (V8's platform workers, libuv's pool, OpenSSL) each hold
 * some. Two arenas keep that small; Node's JavaScript heap does not use malloc, so contention is
 * limited to native work (TLS, zlib, hashing). An operator's own value in the environment wins.
 */
export const BUILD_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };
