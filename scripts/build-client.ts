// Builds the browser client: client/src -> client/dist (index.html + hashed assets).
// One JS bundle and one CSS file, minified, content-hashed names, with source maps; prints
// each asset's raw and gzipped size and fails when the first load passes the budget.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'client', 'src');
const dist = join(root, 'client', 'dist');
const assets = join(dist, 'assets');
/** The first load (index.html + JS + CSS), gzipped, must stay under this. */
const BUDGET_GZ = 300 * 1024;

/**
 * A 32x32 PNG icon (a dark square with a light bar chart), written as /favicon.ico so that
 * pages the browser opens outside the client (the server's verification page) find one.
 * Browsers sniff PNG data whatever the file name says.
 */
function faviconPng(): Buffer {
  const size = 32;
  const raw = Buffer.alloc(size * (1 + size * 3));
  const bars = [
    [6, 12, 18],
    [13, 19, 10],
    [20, 26, 24],
  ];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = y * (1 + size * 3) + 1 + x * 3;
      const bar = bars.some(([x0 = 0, x1 = 0, top = 0]) => x >= x0 && x < x1 && y >= top && y < 27);
      raw.set(bar ? [0x8f, 0xb8, 0xde] : [0x1d, 0x24, 0x33], o);
    }
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

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
  // The client imports pure modules of converters/ one by one; their index (and the
  // schemas) would bring zod, a server-side validator, into every page load.
  if (Object.keys(result.metafile.inputs).some((f) => f.includes('node_modules/zod/')))
    throw new Error('the client bundle includes zod: import converters/ modules, not their index');
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
<link rel="icon" href="/favicon.ico" type="image/png">
<link rel="stylesheet" href="${url(css)}">
<script type="module" src="${url(js)}"></script>
</head>
<body>
<div id="app"><noscript>PanthR needs JavaScript.</noscript></div>
</body>
</html>
`;
  await writeFile(join(dist, 'index.html'), html);
  await writeFile(join(dist, 'favicon.ico'), faviconPng());
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
