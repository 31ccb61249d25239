/**
 * Worker threads for work that would hold the event loop that serves every user (a large
 * CSV parse, a Word report). One rule for starting them, whether the server runs compiled
 * JavaScript or TypeScript under tsx.
 */
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The URL of the worker module `name` beside the module at `here` (its `import.meta.url`):
 * NAME.ts under tsx, NAME.js once compiled.
 */
export function workerFile(here: string, name: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(here))}`, here);
}

/**
 * A new worker thread running `file`. Node 20 does not carry tsx's module hooks into
 * workers, so under tsx (tests, benchmarks, `npm run dev`) the worker registers them itself
 * before loading the TypeScript file; compiled JavaScript is loaded directly.
 */
export function startWorker(file: URL): Worker {
  if (!file.pathname.endsWith('.ts')) return new Worker(file);
  // createRequire, as under tsx's CommonJS transform (mocha) import.meta has only `url`; it
  // finds tsx's CommonJS build, whose register() cannot find its hooks when imported: the
  // ES module build sits beside it (tsx's package.json "exports": "./esm/api").
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const api = pathToFileURL(cjs.replace(/\.cjs$/, '.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); })`;
  return new Worker(boot, { eval: true });
}
