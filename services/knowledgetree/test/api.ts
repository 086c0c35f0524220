/** Small HTTP helpers over `app.inject` shared by the knowledgetree tests. */
import assert from 'node:assert/strict';
import type { KnowledgetreeHarness } from './harness.js';

export interface Res {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
  json<T = Record<string, unknown>>(): T;
}

export interface NodeJson {
  id: string;
  type: string;
  title: string;
  parent_id: string | null;
  path: string;
  read_only: boolean;
  markdown?: string;
  revision_id?: string | null;
  tags?: string[];
  children?: { id: string; type: string; title: string }[];
}

export function client(t: KnowledgetreeHarness, token: string) {
  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<Res> => {
    const res = await t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
    return {
      statusCode: res.statusCode,
      body: res.body,
      headers: res.headers,
      json: <T>() => JSON.parse(res.body) as T,
    };
  };
  return {
    call,
    get: (url: string) => call('GET', url),
    root: async (): Promise<NodeJson> => ok<NodeJson>(await call('GET', '/api/browse?path=/')),
    create: async (
      parentId: string,
      type: 'folder' | 'article',
      title: string,
      extra: Record<string, unknown> = {},
    ): Promise<NodeJson> =>
      ok<NodeJson>(await call('POST', '/api/nodes', { parent_id: parentId, type, title, ...extra }), 201),
    patch: (id: string, body: Record<string, unknown>) => call('PATCH', `/api/nodes/${id}`, body),
  };
}

/** Asserts the status and returns the parsed body. */
export function ok<T>(res: Res, status = 200): T {
  assert.equal(res.statusCode, status, res.body);
  return res.json<T>();
}

/** Asserts a problem+json answer with `status` and, when given, `code`. */
export function problem(res: Res, status: number, code?: string): Record<string, unknown> {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  if (code !== undefined) assert.equal(body.code, code);
  return body;
}
