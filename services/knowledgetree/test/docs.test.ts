/** `/docs`: an OpenAPI 3.1 document covering every JSON route, each with its summary and access line. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROUTE_DOCS } from '../src/routes/docs/summaries.js';
import { startKnowledgetree, type KnowledgetreeHarness } from './harness.js';

describe('knowledgetree: API docs', () => {
  let t: KnowledgetreeHarness;
  before(async () => {
    t = await startKnowledgetree();
  });
  after(async () => t.close());

  it('serves an OpenAPI document of every /api route with schemas, summaries and access', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/docs/openapi.json',
      headers: { authorization: `Bearer ${await t.token('technician')}` },
    });
    assert.equal(res.statusCode, 200, res.body);
    const doc = JSON.parse(res.body) as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            summary: string;
            description?: string;
            parameters: { name: string }[];
            requestBody?: { content: Record<string, unknown> };
          }
        >
      >;
    };
    assert.equal(doc.openapi, '3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ key: `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op })),
    );
    assert.deepEqual(
      operations.map((o) => o.key).sort(),
      Object.keys(ROUTE_DOCS).sort(),
      'every route documented, nothing documented that does not exist',
    );
    for (const { key, op } of operations) assert.match(op.description ?? '', /^Access: /, key);
    assert.ok(doc.paths['/api/search']?.get?.parameters.some((p) => p.name === 'q'));
    assert.ok(doc.paths['/api/nodes']?.post?.requestBody?.content['application/json']);
    assert.ok(doc.paths['/api/import']?.post?.requestBody?.content['multipart/form-data']);
  });

  it('shows the reference page to users and refuses anonymous readers', async () => {
    const page = await t.app.inject({
      method: 'GET',
      url: '/docs',
      headers: { authorization: `Bearer ${await t.token('technician')}` },
    });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /KnowledgeTree API/);
    assert.match(page.body, /\/api\/export/);
    const anonymous = await t.app.inject({ method: 'GET', url: '/docs/openapi.json' });
    assert.equal(anonymous.statusCode, 401);
  });
});
