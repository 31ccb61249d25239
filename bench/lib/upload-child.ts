/**
 * Runs bench/lib/upload-client.ts in a child process of its own (as a real client is) and
 * resolves with what it reports.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { UploadConfig, UploadResult } from './upload-client.ts';

const CLIENT = join(import.meta.dirname, 'upload-client.ts');

/** The client's figures for `config`; rejects when it fails. */
export async function runUploadClient(config: UploadConfig): Promise<UploadResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || line === undefined) throw new Error(`the upload client failed (exit ${code})`);
  return JSON.parse(line) as UploadResult;
}
