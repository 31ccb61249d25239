/**
 * SVG graphs as PNG for the Word report (Word's own SVG support needs a PNG fallback
 * anyway): Debian's `rsvg-convert` (librsvg2-bin, installed by scripts/setup) renders the
 * server's already sanitised SVG; it reads no file and no network (the SVG allow-list keeps
 * out every outside reference).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';

/**
 * Rendered pictures by the SVG's digest: a stored graph does not change, and each render is
 * a process start (~0.2 s here), so a report exported again reuses them. Least recently used
 * first out, at most {@link CACHE_BYTES} of PNG.
 */
const cache = new Map<string, Buffer>();
const CACHE_BYTES = 32 * 1024 * 1024;
let cachedBytes = 0;

function remember(key: string, png: Buffer): void {
  cache.set(key, png);
  cachedBytes += png.length;
  for (const [k, v] of cache) {
    if (cachedBytes <= CACHE_BYTES) break;
    cache.delete(k);
    cachedBytes -= v.length;
  }
}

/** The PNG of `svg` at twice its size (sharp when printed), or null when it cannot render. */
export async function svgToPng(svg: string): Promise<Buffer | null> {
  const key = createHash('sha256').update(svg).digest('base64');
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const png = await render(svg);
  if (png !== null) remember(key, png);
  return png;
}

function render(svg: string, timeoutMs = 10_000): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const child = spawn('rsvg-convert', ['--format=png', '--zoom=2'], {
      stdio: ['pipe', 'pipe', 'ignore'],
      timeout: timeoutMs,
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code === 0 ? Buffer.concat(chunks) : null));
    child.stdin.on('error', () => undefined);
    child.stdin.end(svg);
  });
}

/** Width and height of a PNG in pixels (from its IHDR chunk), or null. */
export function pngSize(png: Uint8Array): { width: number; height: number } | null {
  if (png.length < 24) return null;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
