/**
 * SVG graphs as PNG for the Word report (Word's own SVG support needs a PNG fallback
 * anyway): Debian's `rsvg-convert` (librsvg2-bin, installed by scripts/setup) renders the
 * server's already sanitised SVG; it reads no file and no network (the SVG allow-list keeps
 * out every outside reference).
 */
import { spawn } from 'node:child_process';

/** The PNG of `svg` at twice its size (sharp when printed), or null when it cannot render. */
export function svgToPng(svg: string, timeoutMs = 10_000): Promise<Buffer | null> {
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
