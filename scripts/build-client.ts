// Builds the browser client: client/src -> client/dist (index.html + hashed assets).
// One JS bundle and one CSS file, minified, content-hashed names, with source maps; prints
// each asset's raw and gzipped size and fails when the first load passes the budget.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'client', 'src');
const dist = join(root, 'client', 'dist');
const assets = join(dist, 'assets');
/** The first load (index.html + JS + CSS), gzipped, must stay under this. */
const BUDGET_GZ = 300 * 1024;

/** Runs the build; returns the first load's gzipped size in bytes. */
export async function buildClient(): Promise<number> {
  const started = performance.now();
  await rm(dist, { recursive: true, force: true });
  await mkdir(assets, { recursive: true });
  const result = await build({
    entryPoints: { app: join(src, 'main.ts'), styles: join(src, 'styles.css') },
    outdir: assets,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    format: 'esm',
    target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).filter((f) => !f.endsWith('.map'));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  if (js === undefined || css === undefined)
    throw new Error('esbuild produced no JS or CSS bundle');
  const url = (f: string): string => `/assets/${basename(f)}`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PanthR</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${url(css)}">
<script type="module" src="${url(js)}"></script>
</head>
<body>
<div id="app"><noscript>PanthR needs JavaScript.</noscript></div>
</body>
</html>
`;
  await writeFile(join(dist, 'index.html'), html);
  let total = 0;
  const rows: string[] = [];
  for (const f of [join(dist, 'index.html'), ...outputs.map((o) => join(root, o))]) {
    const buf = await readFile(f);
    const gz = gzipSync(buf, { level: 9 }).length;
    total += gz;
    rows.push(
      `  ${relative(root, f).padEnd(44)} ${(buf.length / 1024).toFixed(1).padStart(8)} KB  ${(gz / 1024).toFixed(1).padStart(7)} KB gz`,
    );
  }
  console.log(`client built in ${Math.round(performance.now() - started)} ms:\n${rows.join('\n')}`);
  console.log(
    `  first load: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_GZ / 1024} KB)`,
  );
  if (total > BUDGET_GZ)
    throw new Error(`the first load is ${total} bytes gzipped, over the ${BUDGET_GZ}-byte budget`);
  return total;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildClient().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
