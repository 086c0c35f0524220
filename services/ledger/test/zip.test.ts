/**
 * Invoice ZIPs: written by yazl, read back by yauzl (which refuses names that climb out of the
 * folder) and, when installed, by Info-ZIP's `unzip`. Every entry name is sanitised, so account
 * numbers from the PSA/RMM such as `../x` never become ZIP-slip entries (issue 12), and the same
 * month's documents give the same bytes (stamped with the invoice date, not now).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createZip, fileNamePart, zipDay, zipEntryName } from '../src/invoicing/zip.js';
import { fakeClient, fakeCodex } from './fake-codex.js';
import { startLedger, type LedgerHarness } from './harness.js';
import { pdfText } from './pdf-tools.js';
import { readZip } from './read-zip.js';

/** A plain file name, as an extractor may safely create in its own folder. */
function assertPlainName(name: string): void {
  assert.match(name, /^[\p{L}\p{N}\p{M}][\p{L}\p{N}\p{M}._-]*$/u, name);
  assert.ok(!name.includes('..') || !/(^|[\\/])\.\.([\\/]|$)/.test(name), name);
}

function unzipList(zip: Buffer): { listing: string; test: string } | undefined {
  if (!existsSync('/usr/bin/unzip')) return undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-zip-'));
  try {
    const file = path.join(dir, 'test.zip');
    writeFileSync(file, zip);
    const listing = execFileSync('unzip', ['-l', file]).toString('utf8');
    const test = execFileSync('unzip', ['-t', file]).toString('utf8');
    // Extracting stays inside the folder: only the archive and the extracted files are there.
    execFileSync('unzip', ['-q', file, '-d', path.join(dir, 'out')]);
    assert.deepEqual(readdirSync(dir).sort(), ['out', 'test.zip']);
    return { listing, test };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ZIP writer', () => {
  const entries = [
    { name: 'Acme_620547_2025-10.csv', data: 'InvoiceNo,Customer\r\n'.repeat(50) },
    { name: 'Acme_620547_2025-10.pdf', data: Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff, 0x00, 0x01]) },
    { name: 'Zoë_Дмитрий_ü.txt', data: 'ünïcödé name' },
    { name: 'empty.txt', data: '' },
  ];
  const stamp = zipDay('2025-10-31');

  it('reads back every entry byte for byte, with UTF-8 names and the given date', async () => {
    const zip = await createZip(entries, stamp);
    const read = await readZip(zip);
    assert.deepEqual(
      read.map((e) => e.name),
      entries.map((e) => e.name),
    );
    read.forEach((entry, i) => assert.deepEqual(entry.data, Buffer.from(entries[i]?.data ?? '')));
    for (const entry of read) assert.equal(entry.modified.getTime(), stamp.getTime());
    assert.ok(zip.length < 1000, 'the repetitive CSV was deflated');
    assert.ok((await createZip(entries, stamp)).equals(zip), 'same entries, same bytes');
    const unzip = unzipList(zip);
    if (unzip !== undefined) {
      assert.match(unzip.test, /No errors detected/);
      assert.match(unzip.listing, /2025-10-31 00:00|10-31-2025 00:00/);
    }
  });

  it('sanitises every entry name: no path, no parent folder, no hidden file, each unique', async () => {
    const hostile = [
      '../x',
      '../../etc/passwd',
      '/etc/shadow',
      '..\\..\\win.ini',
      'C:\\boot.ini',
      'a/b/c.pdf',
      '.hidden',
      '..',
      '',
      'nul\u0000byte',
      ' spaced .csv',
      'x',
      'X',
    ];
    const zip = await createZip(
      hostile.map((name) => ({ name, data: name })),
      stamp,
    );
    const read = await readZip(zip); // yauzl refuses a name with `..` or a leading `/`
    assert.equal(read.length, hostile.length, 'nothing dropped');
    read.forEach((entry, i) => {
      assertPlainName(entry.name);
      assert.equal(entry.data.toString('utf8'), hostile[i]);
    });
    assert.equal(
      new Set(read.map((e) => e.name.toLowerCase())).size,
      read.length,
      'unique, also where case is ignored',
    );
    assert.deepEqual(
      read.slice(0, 3).map((e) => e.name),
      ['x', 'etc_passwd', 'etc_shadow'],
    );
    assert.deepEqual(
      read.slice(-2).map((e) => e.name),
      ['x-2', 'X-3'],
    );
    assert.equal(zipEntryName('a/b/c.pdf'), 'a_b_c.pdf');
    assert.equal(fileNamePart('../x'), 'x');
    assert.equal(fileNamePart('Şahin Ørsted ООО'), 'Şahin_Ørsted_ООО');
    assert.equal(fileNamePart('...', 'client'), 'client');
    unzipList(zip);
  });
});

describe('the month ZIP with hostile account numbers from the PSA', () => {
  let t: LedgerHarness;
  const accounts = ['../x', '../../etc/passwd', '/abs', 'a\\..\\b', '..', '100'];
  const clients = accounts.map((account, i) => {
    const client = fakeClient(String(i + 1), `Client ${i + 1}${i === 2 ? ' Дмитрий' : ''}`);
    return { ...client, company: { ...client.company, account_number: account } };
  });
  before(async () => {
    t = await startLedger(fakeCodex(clients));
  });
  after(() => t.close());

  it("names each client's files from sanitised parts, and still lists the real account number inside", async () => {
    const token = await t.token('billing');
    const first = await t.app.inject({
      method: 'GET',
      url: '/api/billing/invoices.zip?month=2025-10',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(first.statusCode, 200, first.body);
    const entries = await readZip(first.rawPayload);
    assert.equal(entries.length, accounts.length * 2 + 2);
    for (const entry of entries) assertPlainName(entry.name);
    assert.deepEqual(
      entries.slice(0, 6).map((e) => e.name),
      [
        'Client_1_x_2025-10.csv',
        'Client_1_x_2025-10.pdf',
        'Client_2_etc_passwd_2025-10.csv',
        'Client_2_etc_passwd_2025-10.pdf',
        'Client_3_Дмитрий_abs_2025-10.csv',
        'Client_3_Дмитрий_abs_2025-10.pdf',
      ],
    );
    assert.ok(
      entries.some((e) => e.name === 'Client_5_account_2025-10.pdf'),
      'an account of only dots falls back to "account"',
    );
    const index = entries.find((e) => e.name === 'index.csv')?.data.toString('utf8') ?? '';
    assert.match(
      index,
      /\r\n\.\.\/x,Client 1,\.\.\/x-202510,draft,/,
      'the index keeps the account number as codex gave it',
    );
    const pdf = entries.find((e) => e.name === 'Client_3_Дмитрий_abs_2025-10.pdf')?.data;
    assert.ok(pdf !== undefined && pdfText(pdf).includes('Client 3 Дмитрий'));
    for (const entry of entries) assert.equal(entry.modified.getTime(), zipDay('2025-10-31').getTime(), entry.name);

    const second = await t.app.inject({
      method: 'GET',
      url: '/api/billing/invoices.zip?month=2025-10',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.ok(second.rawPayload.equals(first.rawPayload), 'the same month gives the same bytes');
    unzipList(first.rawPayload);
  });
});
