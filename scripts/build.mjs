// Bundles src/cli.ts into dist/cli.js with esbuild: one file starts fast on Node 20
// (see the README's notes on start-up). The AWS SDK stays external and is loaded lazily.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';

// Start clean: chunk names carry content hashes, so old ones would pile up.
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
writeFileSync('dist/devtools-stub.mjs', 'export default {};\n');
await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
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
