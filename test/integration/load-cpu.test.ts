/**
 * bench/lib/load-cpu.ts against real processes: a busy child counted as the clients, a
 * process group of its own counted as R (with its state and page faults), and the bounds
 * it feeds (bench/lib/load-bounds.ts).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { usersBounds } from '../../bench/lib/load-bounds.ts';
import { cpuTotals, machineCpuPerRequest, startCpuSampler } from '../../bench/lib/load-cpu.ts';

function start(code: string, detached: boolean): ChildProcess {
  return spawn(process.execPath, ['-e', code], { detached, stdio: 'ignore' });
}

describe('the load benchmark CPU sampler', function () {
  this.timeout(20_000);
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it('counts a busy child as the clients and a process group as R, with its faults', async () => {
    // The "clients": spins for 2.5 s. The "R" group: leads its own group and touches 40 MB
    // (about 10,000 page faults) 1.5 s in, once the sampler has taken its first reading.
    const busy = start('const t = Date.now() + 2500; while (Date.now() < t);', false);
    const r = start(
      'setTimeout(() => { const b = Buffer.alloc(40 * 2 ** 20); for (let i = 0; i < b.length; i += 4096) b[i] = 1; setTimeout(() => b, 3000); }, 1500);',
      true,
    );
    children.push(busy, r);
    const sampler = startCpuSampler(process.pid, r.pid ?? 0, busy.pid ?? 0);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const samples = await sampler.stop();
    assert.ok(samples.length >= 2, `only ${samples.length} samples`);
    const t = cpuTotals(samples);
    assert.ok(t.clients > 800, `clients ${t.clients} ms`);
    assert.ok(t.r < t.clients, `R ${t.r} ms against the clients' ${t.clients}`);
    assert.ok(t.rFaults > 5000, `R faults ${t.rFaults}`);
    assert.ok(Math.max(...samples.map((s) => s.rProcesses)) >= 1);
    // The machine's busy time covers the parties: nothing is counted twice.
    const wall = samples.reduce((a, s) => a + s.intervalMs, 0);
    assert.ok(t.server + t.r + t.clients + t.sampler + t.other + t.idle <= wall * 2 * 1.1 + 100);
    assert.equal(machineCpuPerRequest(samples, 10), (t.server + t.r + t.clients) / 10);
  });

  it('names the cores as the bound when server + R + clients need more than they give', () => {
    const base = {
      users: 500,
      requestsPerSecond: 150,
      serverCpuMsPerRequest: 2.5,
      rPssMbPerUser: 10,
      serverMbPerUser: 0.1,
      errors: 1000,
    };
    const cores = usersBounds({ ...base, machineCpuMsPerRequest: 9.5 });
    assert.equal(cores.bound, 'the cores');
    assert.ok(cores.byCores < 500);
    // Failures while the cores had room left: the bound lay elsewhere.
    const outside = usersBounds({
      ...base,
      requestsPerSecond: 20,
      machineCpuMsPerRequest: 1,
    });
    assert.equal(outside.bound, 'outside the server');
  });
});
