/**
 * bench/proxy-floor: what a Node.js reverse proxy costs before any gateway logic, so the
 * gateway's own cost (bench/gateway.ts prints nexus's CPU per request) can be read against it.
 * In one run, the CPU time per request (read from /proc) and the throughput of four minimal
 * proxies in front of the same do-nothing upstream, each in its own process:
 *   - node:http server + node:http client (keep-alive agent), piping the body;
 *   - node:http server + undici `request()`, piping the body;
 *   - Fastify + undici, `reply.send(stream)` (the natural Fastify proxy);
 *   - Fastify + undici, a small body read whole and sent as one buffer (what nexus does below 64 KiB).
 * None of them checks a session, rewrites headers or adds security headers.
 *
 * Usage: npx tsx bench/proxy-floor.ts [--duration 6] [--connections 32]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { Agent, request } from 'undici';

const VARIANTS = ['http+http', 'http+undici', 'fastify+undici stream', 'fastify+undici buffer'] as const;
type Variant = (typeof VARIANTS)[number];
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const role = args.find((arg) => arg.startsWith('--role='))?.slice('--role='.length);

/** Hop-by-hop headers a proxy must not pass on. */
function endToEnd(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers))
    if (name !== 'connection' && name !== 'keep-alive' && value !== undefined) kept[name] = value;
  return kept;
}

async function listening(server: {
  listen: (port: number, host: string, done: () => void) => unknown;
  address: () => unknown;
}): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Child role: the upstream, answering `{"ok":true}`. */
async function runUpstream(): Promise<number> {
  const body = '{"ok":true}';
  const server = createServer((_request, response) =>
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) }).end(body),
  );
  server.keepAliveTimeout = 60_000;
  return listening(server);
}

/** Child role: one proxy variant in front of `upstreamPort`. */
async function runProxy(variant: Variant, upstreamPort: number): Promise<number> {
  const origin = `http://127.0.0.1:${upstreamPort}`;
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  if (variant === 'http+http' || variant === 'http+undici') {
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
    const server = createServer((req, res) => {
      const fail = (): void => void res.writeHead(502).end();
      if (variant === 'http+http') {
        const upstream = httpRequest(
          {
            host: '127.0.0.1',
            port: upstreamPort,
            path: req.url,
            method: req.method,
            headers: { accept: 'application/json' },
            agent,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
            answer.pipe(res);
          },
        );
        upstream.on('error', fail);
        upstream.end();
        return;
      }
      request(`${origin}${req.url ?? '/'}`, {
        method: 'GET',
        headers: { accept: 'application/json' },
        dispatcher,
      }).then((answer) => {
        res.writeHead(answer.statusCode, endToEnd(answer.headers));
        answer.body.pipe(res);
      }, fail);
    });
    server.keepAliveTimeout = 60_000;
    return listening(server);
  }
  const app = Fastify();
  app.get('/*', async (req, reply) => {
    const answer = await request(`${origin}${req.url}`, {
      method: 'GET',
      headers: { accept: 'application/json' },
      dispatcher,
    });
    void reply.code(answer.statusCode).headers(endToEnd(answer.headers));
    return reply.send(variant === 'fastify+undici buffer' ? Buffer.from(await answer.body.arrayBuffer()) : answer.body);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return (app.server.address() as AddressInfo).port;
}

/** User + system CPU seconds of a process so far (/proc/<pid>/stat fields 14 and 15, USER_HZ 100). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function child(roleName: string, extra: string[] = []): Promise<{ proc: ChildProcess; port: number }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, `--role=${roleName}`, ...extra], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`${roleName} exited with ${code}`)));
  });
  return { proc, port: (JSON.parse(line) as { port: number }).port };
}

async function main(): Promise<void> {
  const duration = option('duration', 6);
  const connections = option('connections', 32);
  const upstream = await child('upstream');
  console.log(`autocannon: ${connections} connections, ${duration} s per proxy, loopback`);
  console.log('proxy                        req/s   CPU µs/request (the proxy process alone)');
  try {
    for (const variant of VARIANTS) {
      const proxy = await child('proxy', [variant, String(upstream.port)]);
      const url = `http://127.0.0.1:${proxy.port}/json`;
      await autocannon({ url, connections, duration: 2 });
      const before = cpuSeconds(proxy.proc.pid ?? 0);
      const result = await autocannon({ url, connections, duration });
      const cpuUs = ((cpuSeconds(proxy.proc.pid ?? 0) - before) / Math.max(1, result.requests.total)) * 1e6;
      console.log(
        `${variant.padEnd(26)} ${result.requests.average.toFixed(0).padStart(7)}   ${cpuUs.toFixed(0).padStart(5)}${result.non2xx > 0 ? `  (${result.non2xx} non-2xx)` : ''}`,
      );
      proxy.proc.kill('SIGTERM');
    }
  } finally {
    upstream.proc.kill('SIGTERM');
  }
}

if (role === 'upstream') process.stdout.write(`${JSON.stringify({ port: await runUpstream() })}\n`);
else if (role === 'proxy') {
  const at = args.findIndex((arg) => arg === '--role=proxy');
  process.stdout.write(`${JSON.stringify({ port: await runProxy(args[at + 1] as Variant, Number(args[at + 2])) })}\n`);
} else await main();
