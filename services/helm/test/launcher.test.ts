/**
 * `npx hivematrix` runs with whatever Node the shell has. On a machine whose Node is older than
 * 22 (Node 20 on the development and CI machines) the launcher must hand over to the project's
 * Node under .tools/ and still run the command.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPOSITORY_ROOT } from '../src/config.js';

const LAUNCHER = path.join(REPOSITORY_ROOT, 'services', 'helm', 'bin', 'hivematrix.js');
const SYSTEM_NODE = '/usr/bin/node';

describe('the hivematrix launcher', () => {
  it('runs a command with the Node it is started with, old or new', async (context) => {
    const nodes = [process.execPath];
    if (existsSync(SYSTEM_NODE)) nodes.push(SYSTEM_NODE);
    else context.diagnostic(`no ${SYSTEM_NODE}: only the current Node is tried`);
    const projectNodeInstalled = existsSync(path.join(REPOSITORY_ROOT, '.tools'));
    for (const node of nodes) {
      const { stdout: version } = await promisify(execFile)(node, ['-p', 'process.versions.node.split(".")[0]']);
      if (Number(version) < 22 && !projectNodeInstalled) {
        // Without .tools/ (./start.sh or ./test.sh installs it) the launcher must say what to do.
        await assert.rejects(
          promisify(execFile)(node, [LAUNCHER, '--help'], { cwd: REPOSITORY_ROOT }),
          /run \.\/start\.sh once/,
        );
        continue;
      }
      const { stdout } = await promisify(execFile)(node, [LAUNCHER, '--help'], { cwd: REPOSITORY_ROOT });
      assert.match(stdout, /Usage: hivematrix/, `with ${node}`);
    }
  });
});
