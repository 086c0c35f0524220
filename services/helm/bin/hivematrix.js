#!/usr/bin/env node
// The `hivematrix` command (`npx hivematrix …` from the repository root). It runs the CLI's
// TypeScript source through tsx, with the project's Node: this Node when it is 22 or newer,
// otherwise the Node 24 that ./start.sh installed under .tools/ (see scripts/env.sh).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const cli = path.join(here, '..', 'src', 'cli', 'main.ts');
const major = Number(process.versions.node.split('.')[0]);

function projectNode() {
  const tools = path.join(root, '.tools');
  if (!existsSync(tools)) return undefined;
  const arch = process.arch === 'arm64' ? 'arm64' : 'x64';
  const os = process.platform === 'darwin' ? 'darwin' : 'linux';
  for (const dir of readdirSync(tools)
    .filter((name) => name.startsWith('node-'))
    .sort()
    .reverse()) {
    const candidate = path.join(tools, dir, 'node_modules', `node-${os}-${arch}`, 'bin', 'node');
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

if (major >= 22) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(pathToFileURL(cli).href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  const node = projectNode();
  if (node === undefined) {
    process.stderr.write(
      `hivematrix needs Node.js 22 or newer (this is ${process.version}); run ./start.sh once to install it under .tools/\n`,
    );
    process.exit(1);
  }
  // Run this same launcher again under the project's Node, which then takes the branch above.
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    cwd: process.cwd(),
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
