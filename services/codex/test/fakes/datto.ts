/**
 * A fake Datto RMM (API v2): OAuth token endpoint (password grant, client public-client:public),
 * bearer-authenticated lists paged with `pageDetails.nextPageUrl`, sites with variables and
 * devices shaped as the API returns them (epoch-millisecond dates, `deviceType`, `udf`).
 */
import { pageOf, startFakeServer, type FakeServer } from './server.js';

export const DATTO_KEY = 'datto-key';
export const DATTO_SECRET = 'datto-secret-value';
export const DATTO_TOKEN = 'datto-access-token';
const PAGE_SIZE = 2;

export interface DattoDevice {
  uid: string;
  hostname: string;
  deviceType: { category: string; type: string };
  operatingSystem?: string;
  intIpAddress?: string;
  extIpAddress?: string;
  online: boolean;
  lastSeen?: number;
  deleted?: boolean;
  udf?: Record<string, string | null>;
  patchManagement?: { patchStatus: string };
}

export interface DattoSite {
  uid: string;
  name: string;
  accountNumber: string | null;
  devices: DattoDevice[];
}

/** Starts the fake with `sites`, which tests change between runs. */
export async function startFakeDatto(state: { sites: DattoSite[] }): Promise<FakeServer> {
  return startFakeServer((request, self) => {
    if (request.path === '/auth/oauth/token') {
      const form = new URLSearchParams(request.body);
      const client =
        request.headers.authorization === `Basic ${Buffer.from('public-client:public').toString('base64')}`;
      if (
        request.method !== 'POST' ||
        !client ||
        form.get('grant_type') !== 'password' ||
        form.get('username') !== DATTO_KEY ||
        form.get('password') !== DATTO_SECRET
      ) {
        return { status: 401, json: { error: 'invalid_grant' } };
      }
      return { json: { access_token: DATTO_TOKEN, token_type: 'bearer', expires_in: 359999 } };
    }
    if (request.headers.authorization !== `Bearer ${DATTO_TOKEN}`)
      return { status: 401, json: { error: 'unauthorized' } };
    const page = Number(request.query.get('page') ?? '0');
    const list = (key: string, items: readonly unknown[]) => {
      // Datto pages are 0-based; nextPageUrl is absolute.
      const { items: slice, hasMore } = pageOf(items, page + 1, PAGE_SIZE);
      return {
        json: {
          pageDetails: {
            count: slice.length,
            nextPageUrl: hasMore ? `${self.url}${request.path}?page=${page + 1}&max=${PAGE_SIZE}` : null,
          },
          [key]: slice,
        },
      };
    };
    if (request.path === '/api/v2/account/sites')
      return list(
        'sites',
        state.sites.map(({ uid, name }) => ({ uid, name, id: uid.length })),
      );
    const match = /^\/api\/v2\/site\/([^/]+)\/(variables|devices)$/.exec(request.path);
    const site = state.sites.find((entry) => entry.uid === decodeURIComponent(match?.[1] ?? ''));
    if (match === null || site === undefined) return { status: 404, json: {} };
    if (match[2] === 'variables') {
      return list(
        'variables',
        site.accountNumber === null
          ? [{ name: 'Other', value: 'x' }]
          : [{ id: 1, name: 'AccountNumber', value: site.accountNumber, masked: false }],
      );
    }
    return list(
      'devices',
      site.devices.map((device) => ({
        ...device,
        siteUid: site.uid,
        siteName: site.name,
        portalUrl: `https://pinotage.centrastage.net/device/${device.uid}`,
      })),
    );
  });
}
