/** Size-based rotation of service logs, copy-truncate rotation of helm's own log, and reading tails. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RotatingLog, rotateInPlace, tailLines } from '../src/supervisor/log-file.js';

describe('service log files', () => {
  it('rotate by size and keep only the configured number of old files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hm-log-'));
    const file = path.join(dir, 'web.log');
    const log = new RotatingLog(file, { maxBytes: 100, keep: 2 });
    for (let index = 0; index < 40; index += 1) log.write(`line ${String(index).padStart(2, '0')} ${'x'.repeat(14)}\n`);
    log.close();
    assert.deepEqual((await readdir(dir)).sort(), ['web.log', 'web.log.1', 'web.log.2']);
    for (const name of ['web.log.1', 'web.log.2']) assert.ok((await stat(path.join(dir, name))).size >= 100);
    // Nothing is lost between the current file and the kept ones: they hold the newest lines in order.
    const kept = [
      await readFile(`${file}.2`, 'utf8'),
      await readFile(`${file}.1`, 'utf8'),
      await readFile(file, 'utf8'),
    ].join('');
    const numbers = kept
      .trim()
      .split('\n')
      .map((line) => Number(line.split(' ')[1]));
    assert.deepEqual(
      numbers,
      Array.from({ length: numbers.length }, (_, index) => 40 - numbers.length + index),
    );
    assert.equal(numbers.at(-1), 39);
  });

  it('give the last lines, looking into the rotated file when the current one is short', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hm-log-'));
    const file = path.join(dir, 'api.log');
    await writeFile(`${file}.1`, 'one\ntwo\nthree\n');
    await writeFile(file, 'four\n\nfive\n');
    assert.deepEqual(tailLines(file, 3), ['three', 'four', 'five']);
    assert.deepEqual(tailLines(file, 10), ['one', 'two', 'three', 'four', 'five']);
    assert.deepEqual(tailLines(path.join(dir, 'missing.log'), 3), []);
  });

  it("rotate helm's own output in place, so its writer carries on in the same file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hm-log-'));
    const file = path.join(dir, 'helm.log');
    await writeFile(file, 'a'.repeat(50));
    assert.equal(rotateInPlace(file, { maxBytes: 100, keep: 3 }), false);
    await appendFile(file, 'b'.repeat(60));
    assert.equal(rotateInPlace(file, { maxBytes: 100, keep: 3 }), true);
    assert.equal((await stat(file)).size, 0);
    assert.equal((await readFile(`${file}.1`, 'utf8')).length, 110);
  });
});
