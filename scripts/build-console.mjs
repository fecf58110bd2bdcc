// Builds the console (console/) into dist/web/: its JavaScript (the app, and the chart library
// in a chunk loaded only by the pages with a chart) and one stylesheet
// with hashed names (esbuild), the DSFR's fonts and icons beside them, index.html naming them,
// and each text file precompressed (brotli and gzip) for @fastify/static. Run by `npm install`
// (postinstall) and `npm run console:build`. Prints the sizes the first page sends.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const out = 'dist/web';
rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/assets`, { recursive: true });

const result = await build({
  entryPoints: { app: 'console/src/main.tsx', style: 'console/src/styles.css' },
  splitting: true,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: `${out}/assets`,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.woff': 'file', '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  tsconfig: 'console/tsconfig.json',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => relative(`${out}/assets`, p));
const js = outputs.find((p) => /^app-.*\.js$/.test(p));
const css = outputs.find((p) => /^style-.*\.css$/.test(p));
const html = readFileSync('console/index.html', 'utf8').replace('%JS%', js).replace('%CSS%', css);
writeFileSync(`${out}/index.html`, html);

const sizes = [];
for (const file of [join(out, 'index.html'), ...readdirSync(`${out}/assets`).map((f) => join(out, 'assets', f))]) {
  if (!/\.(js|css|html|svg)$/.test(file)) continue;
  const bytes = readFileSync(file);
  const br = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(`${file}.br`, br);
  writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }));
  if (/\.(js|css|html)$/.test(file)) sizes.push(`${relative(out, file)}: ${bytes.length} bytes, ${br.length} brotli, ${statSync(`${file}.gz`).size} gzip`);
}
console.log(`console built in ${out}:\n  ${sizes.join('\n  ')}`);
