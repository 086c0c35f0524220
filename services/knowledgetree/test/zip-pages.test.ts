/**
 * The folder page's ZIP controls: an "Export as ZIP" link for every reader, an "Import ZIP" form
 * (plain multipart, no script) for writers only; the form imports and comes back to the folder
 * with a message, and a refused archive comes back as an escaped error on the page, not as JSON.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import yazl from 'yazl';
import { client, type NodeJson } from './api.js';
import { startKnowledgetree, type KnowledgetreeHarness } from './harness.js';

const BOUNDARY = '----kt-page-boundary';

function multipart(filename: string, data: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/zip\r\n\r\n`,
    ),
    data,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

async function buildZip(files: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(files)) zip.addBuffer(Buffer.from(data), name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe('knowledgetree: folder page ZIP export and import controls', () => {
  let t: KnowledgetreeHarness;
  let token: string;
  let root: NodeJson;
  let folder: NodeJson;
  const page = (url: string, auth = token) =>
    t.app.inject({ url, headers: { authorization: `Bearer ${auth}`, 'sec-fetch-mode': 'navigate' } });
  const upload = (id: string, filename: string, data: Buffer, auth = token) =>
    t.app.inject({
      method: 'POST',
      url: `/view/${id}/import`,
      headers: {
        authorization: `Bearer ${auth}`,
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'sec-fetch-mode': 'navigate',
      },
      payload: multipart(filename, data),
    });

  before(async () => {
    t = await startKnowledgetree();
    token = await t.token('technician', 'tech-1');
    const tech = client(t, token);
    root = await tech.root();
    folder = await tech.create(root.id, 'folder', 'Runbooks');
  });
  after(() => t.close());

  it('shows the export link and the multipart import form on a folder and on the root', async () => {
    for (const node of [root, folder]) {
      const res = await page(`/view/${node.id}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(`href="/api/export\\?folder_id=${node.id}"[^>]*>Export as ZIP<`));
      assert.match(
        res.body,
        new RegExp(`<form method="post" action="/view/${node.id}/import" enctype="multipart/form-data"`),
      );
      assert.match(res.body, /<input[^>]*type="file" name="file"/);
    }
  });

  it('hides the import form from a user who may not write there, keeps the export link', async () => {
    const alice = await t.token('client', 'alice', 'alice@acme.test');
    const res = await page(`/view/${root.id}`, alice);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Export as ZIP/);
    assert.doesNotMatch(res.body, /\/import"/);
    const refused = await upload(root.id, 'x.zip', await buildZip({ 'A.md': '# A' }), alice);
    assert.equal(refused.statusCode, 303);
    assert.match(String(refused.headers.location), /error=/);
    assert.equal((await client(t, token).get(`/api/browse?path=/A`)).statusCode, 404);
  });

  it('imports a ZIP from the form and comes back to the folder with a message', async () => {
    const zip = await buildZip({ 'Printers/Setup.md': '# Setup\n\nInstall the driver.', 'Wifi.md': 'Guest network' });
    const res = await upload(folder.id, 'notes.zip', zip);
    assert.equal(res.statusCode, 303, res.body);
    const location = String(res.headers.location);
    assert.match(location, new RegExp(`^/view/${folder.id}\\?notice=`));
    const back = await page(location);
    assert.match(back.body, /Imported 1 folders, 2 articles and 0 attachments/);
    assert.match(back.body, />Printers</);
    assert.match(back.body, />Wifi</);
  });

  it('shows a refused archive as an escaped message on the page, not problem+json', async () => {
    // yazl will not write `..`; the name is patched in the bytes (same length, local and central headers).
    const zip = Buffer.from(
      (await buildZip({ 'xx/<b>evil</b>.md': 'x' }))
        .toString('latin1')
        .replaceAll('xx/<b>evil</b>.md', '../<b>evil</b>.md'),
      'latin1',
    );
    const res = await upload(folder.id, 'bad.zip', zip);
    assert.equal(res.statusCode, 303, res.body);
    assert.doesNotMatch(String(res.headers['content-type'] ?? ''), /problem\+json/);
    const back = await page(String(res.headers.location));
    assert.equal(back.statusCode, 200);
    assert.match(back.body, /Import failed: /);
    assert.match(back.body, /\.\.\/&lt;b>evil&lt;\/b>\.md/);
    assert.doesNotMatch(back.body, /<b>evil/);
    const garbage = await upload(folder.id, 'junk.zip', Buffer.from('this is not a zip file'));
    assert.equal(garbage.statusCode, 303, garbage.body);
    assert.match(
      (await page(String(garbage.headers.location))).body,
      /class="alert alert--error"[\s\S]*Import failed: /,
    );
  });
});
