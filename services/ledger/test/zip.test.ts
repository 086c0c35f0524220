/** The ZIP writer: read back by our reader and, when installed, by Info-ZIP's `unzip`. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createZip, readZip } from '../src/invoice/zip.js';

describe('ZIP writer', () => {
  const entries = [
    { name: 'Acme_620547_2025-10.csv', data: 'InvoiceNo,Customer\r\n'.repeat(50) },
    { name: 'Acme_620547_2025-10.pdf', data: Buffer.from([0x25, 0x50, 0x44, 0x46, 0xff, 0x00, 0x01]) }, // small binary: stored
    { name: 'Zoë_ü.txt', data: 'ünïcödé name' },
    { name: 'empty.txt', data: '' },
  ];
  const zip = createZip(entries, new Date('2025-11-01T02:00:00Z'));

  it('reads back every entry byte for byte, with its CRC checked', () => {
    const read = readZip(zip);
    assert.deepEqual(read.map((e) => e.name), entries.map((e) => e.name));
    read.forEach((entry, i) => assert.deepEqual(entry.data, Buffer.from(entries[i]?.data ?? '')));
    assert.ok(zip.length < 1000, 'the repetitive CSV was deflated');
  });

  it('is a ZIP that unzip lists and tests, when unzip is installed', (t) => {
    if (!existsSync('/usr/bin/unzip')) return t.skip('unzip not installed');
    const dir = mkdtempSync(path.join(tmpdir(), 'ledger-zip-'));
    try {
      const file = path.join(dir, 'test.zip');
      writeFileSync(file, zip);
      const listing = execFileSync('unzip', ['-l', file]).toString('utf8');
      for (const entry of entries) assert.ok(listing.includes(entry.name), entry.name);
      assert.match(execFileSync('unzip', ['-t', file]).toString('utf8'), /No errors detected/);
      assert.match(listing, /2025-11-01 02:00|11-01-2025 02:00/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
