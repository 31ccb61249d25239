import WebSocket from 'ws';
import { startTestServer } from './test/fixtures/server.ts';
import { createUser } from './test/fixtures/users.ts';
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(((Date.now() - t0) / 1000).toFixed(2), ...a);
const ts = await startTestServer({});
let last = Date.now(), maxGap = 0, maxRss = 0, maxHeap = 0;
const mon = setInterval(() => { const n = Date.now(); maxGap = Math.max(maxGap, n - last); last = n; const m = process.memoryUsage(); maxRss = Math.max(maxRss, m.rss); maxHeap = Math.max(maxHeap, m.heapUsed); }, 50);
async function rawConn(cookie: string) {
  const ws = new WebSocket(ts.url.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket', { headers: { cookie } });
  const msgs: string[] = [];
  ws.on('message', (d) => { const s = d.toString(); if (s === '2') ws.send('3'); else { msgs.push(s.slice(0, 200)); const m = /^42\["data",\{"seq":(\d+)/.exec(s); if (m) ws.send(`42["ok",{"seq":${m[1]}}]`); } });
  ws.on('close', (c) => log('ws closed', c));
  await new Promise((r) => ws.on('open', () => { ws.send('40'); setTimeout(r, 1000); }));
  return { ws, msgs };
}
try {
  const ua = await createUser(ts, 'a');
  const KIND = process.env.KIND ?? 'arr';
  const D = Number(process.env.D ?? 6e7);
  const text = KIND === 'arr' ? `42["ping",{"t":${'['.repeat(D) + ']'.repeat(D)}}]` : `42["ping",{"t":${'{"a":'.repeat(D) + '1' + '}'.repeat(D)}}]`;
  const C = Number(process.env.C ?? 1);
  const conns = [];
  for (let i = 0; i < C; i++) conns.push(await rawConn(ua.cookie));
  log('text', (text.length / 1e6).toFixed(1), 'MB; connections', C);
  last = Date.now(); maxGap = 0;
  const s = Date.now();
  for (const c of conns) c.ws.send(text);
  await new Promise<void>((r) => { const iv = setInterval(() => { if (conns.every((c) => c.msgs.some((m) => m.includes('"from":"server"')))) { clearInterval(iv); r(); } }, 100); setTimeout(() => { clearInterval(iv); r(); }, 300000); });
  log('all answered after', Date.now() - s, 'ms; max event-loop gap', maxGap, 'ms; max rss', (maxRss / 1e9).toFixed(2), 'GB heap', (maxHeap / 1e9).toFixed(2), 'GB');
  const h = await fetch(ts.url + '/health'); log('/health', h.status);
  for (const c of conns) c.ws.close();
} finally { clearInterval(mon); await ts.stop(); log('stopped'); }
