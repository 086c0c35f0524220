/**
 * A running codex (its test harness) as ledger's codex source over real HTTP: codex listens on a
 * loopback port and ledger's service client calls it with service tokens that codex's own test
 * keys mint (a stand-in for core's `/service-token`).
 */
import type { AddressInfo } from 'node:net';
import { createServiceClient } from '@hivematrix/sdk';
import { httpCodexSource, type CodexSource } from '../src/codex/source.js';
import type { CodexHarness } from '../../codex/test/harness.js';

const CORE = 'http://core.invalid';

/** Starts codex listening and returns ledger's HTTP source for it; `seen` collects the bodies of ledger's month reads (items and totals). */
export async function codexOverHttp(
  codex: CodexHarness,
  options: { pageSize?: number; seen?: string[] } = {},
): Promise<CodexSource> {
  await codex.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = codex.app.server.address() as AddressInfo;
  const client = createServiceClient({
    serviceName: 'ledger',
    secret: 'x'.repeat(32),
    coreUrl: CORE,
    services: { codex: { url: `http://127.0.0.1:${port}` } },
    fetch: async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url === `${CORE}/service-token`) return Response.json({ token: await codex.serviceToken('ledger') });
      if (new URL(url).pathname.startsWith('/api/billing/month') && typeof init?.body === 'string')
        options.seen?.push(init.body);
      return globalThis.fetch(input, init);
    },
  });
  return httpCodexSource(client, { ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) });
}
