/**
 * V8's sampling profiler on this process (node:inspector) and a summary of where the self
 * time went: the top functions, and the time by package (or by the project's own folder).
 */
import { Session, type Profiler } from 'node:inspector/promises';

/** A running profile; `stop()` ends it and returns V8's profile. */
export interface RunningProfile {
  stop(): Promise<Profiler.Profile>;
}

/** Starts V8's sampling profiler (100 µs interval) on this process. */
export async function startProfile(): Promise<RunningProfile> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

/** The package or project folder a script URL belongs to. */
function areaOf(url: string): string {
  if (url === '') return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return url;
  const m = /\/(server|r|converters|test|bench)\/([^/]+)/.exec(url);
  return m === null ? url : `${m[1]}/${m[2]}`;
}

/** The top self-time functions and areas of `profile`, in ms per request over `n` requests. */
export function summarise(profile: Profiler.Profile, n: number, top = 40): string {
  const ms = new Map<number, number>();
  const deltas = profile.timeDeltas ?? [];
  (profile.samples ?? []).forEach((id, i) => {
    ms.set(id, (ms.get(id) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const node of profile.nodes) {
    const t = ms.get(node.id) ?? 0;
    if (t === 0) continue;
    const f = node.callFrame;
    const file = f.url.split('/').slice(-2).join('/');
    const key = `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
    const area = f.url === '' ? f.functionName : areaOf(f.url);
    byArea.set(area, (byArea.get(area) ?? 0) + t);
  }
  const lines = (m: Map<string, number>): string[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `  ${(v / n).toFixed(3).padStart(8)} ms  ${k}`);
  return [
    'self time by area, per request:',
    ...lines(byArea),
    '',
    'by function:',
    ...lines(byFn),
  ].join('\n');
}
