// Bundles src/cli.ts into dist/ with esbuild: one small entry plus lazily loaded chunks, so
// `iamlab shell` never loads Ink and only --real loads the AWS SDK (kept external).
//
// Tests may rebuild while other tests run the built CLI, so the build never leaves dist/ half
// written: it builds into a private folder, moves each file into place with an atomic rename
// (chunks first, the entry last), then removes chunks no longer referenced. Chunk names carry
// content hashes: an unchanged source rebuilds to the very same names and removes nothing.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const tmp = join('dist', `.build-${process.pid}`);
rmSync(tmp, { recursive: true, force: true });
mkdirSync(join('dist', 'chunks'), { recursive: true });
writeFileSync(join('dist', 'devtools-stub.mjs'), 'export default {};\n');

try {
  await build({
    entryPoints: { cli: 'src/cli.ts' },
    outdir: tmp,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: false,
    sourcemap: 'linked',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: { 'react-devtools-core': './dist/devtools-stub.mjs' },
    external: ['@aws-sdk/*', '@smithy/*', '@lydell/node-pty'],
    banner: { js: "import { createRequire as __iamlabCreateRequire } from 'node:module'; const require = __iamlabCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });

  const built = readdirSync(tmp, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(tmp, join(d.parentPath ?? d.path, d.name)));
  const entry = (f) => !f.startsWith('chunks');
  for (const f of [...built.filter((f) => !entry(f)), ...built.filter(entry)]) renameSync(join(tmp, f), join('dist', f));
  const keep = new Set(built.filter((f) => !entry(f)).map((f) => f.slice('chunks/'.length)));
  for (const f of readdirSync(join('dist', 'chunks'))) if (!keep.has(f)) rmSync(join('dist', 'chunks', f), { force: true });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
