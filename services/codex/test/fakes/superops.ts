/**
 * A fake SuperOps GraphQL endpoint: bearer token plus `CustomerSubDomain`, the operations
 * getClientList, getAssetList and getTicketList taking `ListInfoInput` and answering with
 * `listInfo.hasMore`; errors are GraphQL `errors`.
 */
import { pageOf, startFakeServer, type FakeServer } from './server.js';

export const SUPEROPS_TOKEN = 'superops-api-token';
export const SUPEROPS_SUBDOMAIN = 'acme-msp';

export interface SuperOpsState {
  clients: { accountId: string; name: string; customFields?: Record<string, unknown> }[];
  assets: {
    assetId: string;
    name: string;
    hostName?: string;
    assetClass?: { name: string };
    status: string;
    client: { accountId: string };
  }[];
  tickets: {
    ticketId: string;
    displayId: string;
    subject: string;
    status: string;
    priority: string;
    client: { accountId: string } | null;
    createdTime: string;
    updatedTime: string;
  }[];
}

/** Starts the fake; `variables` of each request are kept for assertions. */
export async function startFakeSuperOps(state: SuperOpsState): Promise<FakeServer & { variables: unknown[] }> {
  const variables: unknown[] = [];
  const server = await startFakeServer((request) => {
    if (
      request.headers.authorization !== `Bearer ${SUPEROPS_TOKEN}` ||
      request.headers.customersubdomain !== SUPEROPS_SUBDOMAIN
    ) {
      return { status: 401, json: { errors: [{ message: 'unauthorized' }] } };
    }
    const body = JSON.parse(request.body) as {
      query: string;
      variables: { input: { page: number; pageSize: number } };
    };
    variables.push(body.variables);
    const { page } = body.variables.input;
    const answer = (field: string, key: string, items: readonly unknown[]) => {
      const { items: slice, hasMore } = pageOf(items, page, 2);
      return {
        json: {
          data: { [field]: { [key]: slice, listInfo: { page, pageSize: 2, hasMore, totalCount: items.length } } },
        },
      };
    };
    if (body.query.includes('getClientList')) return answer('getClientList', 'clients', state.clients);
    if (body.query.includes('getAssetList')) return answer('getAssetList', 'assets', state.assets);
    if (body.query.includes('getTicketList')) return answer('getTicketList', 'tickets', state.tickets);
    return { json: { errors: [{ message: 'unknown operation' }] } };
  });
  return Object.assign(server, { variables });
}
