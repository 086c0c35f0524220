import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { freePort } from '../../src/db/free-port.js';

const execFileAsync = promisify(execFile);
const reservation = (port: number) => path.join(tmpdir(), 'hivematrix-ports', String(port));

describe('freePort', () => {
  it('never hands out the same port twice in one process', async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    assert.equal(new Set(ports).size, ports.length);
  });

  it("reserves each port in a file naming this process, which another process's freePort skips", async () => {
    const port = await freePort();
    assert.equal(await readFile(reservation(port), 'utf8'), String(process.pid));
    // Another process draws many ports while this one still holds its reservation, which it has not bound.
    const script = `import { freePort } from ${JSON.stringify(path.resolve(import.meta.dirname, '../../src/db/free-port.ts'))};
      const ports = []; for (let i = 0; i < 300; i += 1) ports.push(await freePort()); console.log(JSON.stringify(ports));`;
    const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    const theirs = JSON.parse(stdout) as number[];
    assert.ok(!theirs.includes(port));
    // That process exited: its reservations are released.
    await assert.rejects(readFile(reservation(theirs[0] ?? 0), 'utf8'), { code: 'ENOENT' });
  });
});
