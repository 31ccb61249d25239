import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import net from 'node:net';
import type { RConnection, RValue } from '../../r/qap1/index.ts';
import {
  connectR,
  inherits,
  isNA,
  NA_INTEGER,
  rAttrStrings,
  rCall,
  rDataFrame,
  rDouble,
  RError,
  rFactor,
  rInteger,
  rList,
  rLogical,
  rString,
  rSymbol,
  setNA,
} from '../../r/qap1/index.ts';
import { startRserve, type RserveProcess } from '../fixtures/rserve-process.ts';

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<RError> {
  const e = await p.then(
    () => assert.fail(`expected RError('${code}')`),
    (err: unknown) => err,
  );
  assert.ok(e instanceof RError, `not an RError: ${String(e)}`);
  assert.equal(e.code, code, e.message);
  if (message) assert.match(e.message, message);
  return e;
}

async function isTrue(conn: RConnection, code: string): Promise<void> {
  const v = await conn.eval(code);
  assert.deepEqual(v, rLogical([true]), `R says ${code} is not TRUE`);
}

describe('QAP1 client against a real Rserve', function () {
  this.timeout(60_000);
  let server: RserveProcess;
  let conn: RConnection;

  before(async () => {
    server = await startRserve();
  });
  after(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    conn = await connectR(server.address);
  });
  afterEach(async () => {
    if (!conn.closed) await conn.close({ cancel: true });
  });

  describe('connecting', () => {
    it('checks the greeting and learns the session pid', async () => {
      assert.ok(Number.isInteger(conn.pid) && conn.pid > 0);
      assert.notEqual(conn.pid, server.pid);
      assert.deepEqual(await conn.eval('Sys.getpid()'), rInteger([conn.pid]));
      // The error recorder lives on the search path, not in the user's global environment.
      assert.deepEqual(await conn.eval('ls(globalenv(), all.names = TRUE)'), rString([]));
    });

    it('refuses a peer that is not Rserve, and fails on a missing socket', async () => {
      const fake = net.createServer((s) =>
        s.end('HTTP/1.1 400 Bad Request\r\n\r\n0123456789abcdef'),
      );
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      const port = (fake.address() as net.AddressInfo).port;
      try {
        await rejectsWith(connectR({ host: '127.0.0.1', port }), 'protocol', /not an Rserve/);
      } finally {
        fake.close();
      }
      await rejectsWith(connectR({ path: '/nonexistent/rserve.sock' }), 'closed');
    });
  });

  describe('values R sends back', () => {
    it('vectors of every type, with their attributes', async () => {
      const d = await conn.eval('c(a = 1.5, b = NA, c = NaN, d = Inf, e = -Inf)');
      assert.equal(d.kind, 'double');
      assert.deepEqual(rAttrStrings(d, 'names'), ['a', 'b', 'c', 'd', 'e']);
      assert.deepEqual(
        [isNA(d.values, 1), isNA(d.values, 2), Number.isNaN(d.values[2])],
        [true, false, true],
      );
      assert.deepEqual([...d.values.subarray(3)], [Infinity, -Infinity]);
      assert.deepEqual(
        await conn.eval('c(1L, NA, -2147483647L)'),
        rInteger([1, null, -2147483647]),
      );
      assert.deepEqual(await conn.eval('c(TRUE, NA, FALSE)'), rLogical([true, null, false]));
      assert.deepEqual(await conn.eval('c("a", NA, "", "NA")'), rString(['a', null, '', 'NA']));
      assert.deepEqual(await conn.eval('as.raw(c(0, 255))'), {
        kind: 'raw',
        values: Uint8Array.of(0, 255),
      });
      assert.deepEqual(await conn.eval('complex(real = 1, imaginary = -2)'), {
        kind: 'complex',
        values: Float64Array.of(1, -2),
      });
      assert.deepEqual(await conn.eval('NULL'), { kind: 'null' });
      assert.deepEqual(
        await conn.eval('matrix(1:6, 2)'),
        rInteger([1, 2, 3, 4, 5, 6], { dim: rInteger([2, 3]) }),
      );
      assert.deepEqual(
        await conn.eval('factor(c("b", NA, "a"))'),
        rFactor(Int32Array.of(2, NA_INTEGER, 1), ['a', 'b']),
      );
      assert.deepEqual(
        await conn.eval('list(x = 1, list())'),
        rList([rDouble([1]), rList([])], { names: rString(['x', '']) }),
      );
    });

    it('a data frame with a factor and missing values', async () => {
      const v = await conn.eval(
        'data.frame(x = c(1, NA, 3), f = factor(c("lo", "hi", NA)), s = c("é", NA, ""), stringsAsFactors = FALSE)',
      );
      assert.ok(inherits(v, 'data.frame'));
      assert.deepEqual(rAttrStrings(v, 'names'), ['x', 'f', 's']);
      assert.equal(v.kind, 'list');
      const [x, f, s] = v.values as [RValue, RValue, RValue];
      assert.ok(x.kind === 'double' && isNA(x.values, 1) && x.values[2] === 3);
      assert.deepEqual(f, rFactor(Int32Array.of(2, 1, NA_INTEGER), ['hi', 'lo']));
      assert.deepEqual(s, rString(['é', null, '']));
      assert.deepEqual(v.attributes?.['row.names'], rInteger([null, -3]));
    });

    it('pairlists, calls, symbols, and opaque closures, environments, S4 objects', async () => {
      assert.deepEqual(await conn.eval('pairlist(a = 1, 2)'), {
        kind: 'pairlist',
        values: [rDouble([1]), rDouble([2])],
        tags: ['a', null],
      });
      assert.deepEqual(await conn.eval('quote(f(x, y = 2))'), {
        kind: 'language',
        values: [{ kind: 'symbol', name: 'f' }, { kind: 'symbol', name: 'x' }, rDouble([2])],
        tags: [null, null, 'y'],
      });
      assert.deepEqual(await conn.eval('as.name("z")'), { kind: 'symbol', name: 'z' });
      assert.equal((await conn.eval('function(x) x')).kind, 'opaque');
      assert.equal((await conn.eval('globalenv()')).kind, 'opaque');
      const s4 = await conn.eval(
        'methods::setClass("P", representation(x = "numeric")); methods::new("P", x = 1)',
      );
      assert.equal(s4.kind, 'opaque');
      assert.deepEqual(rAttrStrings(s4, 'class'), ['P']);
    });

    it('strings with 0xFF and invalid UTF-8 bytes, decoded by replacement', async () => {
      const v = await conn.eval('c("\\xff", "\\xffab", NA, "a\\x80b", "\\uFFFD")');
      assert.deepEqual(v, rString(['\uFFFD', '\uFFFDab', null, 'a\uFFFDb', '\uFFFD']));
    });
  });

  describe('assign round trips (checked with identical() in R)', () => {
    it('NA, NaN, Inf, -Inf, empty strings and UTF-8', async () => {
      const d = Float64Array.of(1.25, 0, NaN, Infinity, -Infinity, -0);
      setNA(d, 1);
      await conn.assign('d', rDouble(d));
      await isTrue(
        conn,
        'identical(d, c(1.25, NA, NaN, Inf, -Inf, -0)) && is.na(d[2]) && !is.nan(d[2]) && is.nan(d[3])',
      );
      await conn.assign('i', rInteger([1, null, -2147483647]));
      await isTrue(conn, 'identical(i, c(1L, NA, -2147483647L))');
      await conn.assign('l', rLogical([true, null, false]));
      await isTrue(conn, 'identical(l, c(TRUE, NA, FALSE))');
      const strings = ['', null, 'NA', 'é', '日本語', '😀', 'a\tb\nc', '\uFEFFbom'];
      await conn.assign('s', rString(strings));
      await isTrue(
        conn,
        'identical(s, c("", NA, "NA", "é", "日本語", "\\U0001F600", "a\\tb\\nc", "\\uFEFFbom"))',
      );
      await isTrue(conn, 'all(Encoding(s[c(4, 5, 6)]) == "UTF-8")');
      assert.deepEqual(await conn.eval('s'), rString(strings));
      const back = await conn.eval('d');
      assert.ok(back.kind === 'double' && isNA(back.values, 1) && !isNA(back.values, 2));
    });

    it('a data frame with a factor and missing values', async () => {
      const x = Float64Array.of(1, 2, 3);
      setNA(x, 1);
      const df = rDataFrame(
        [
          ['x', rDouble(x)],
          ['f', rFactor(Int32Array.of(1, NA_INTEGER, 2), ['lo', 'hi'])],
          ['s', rString(['a', null, 'ü'])],
          ['b', rLogical([null, true, false])],
        ],
        3,
      );
      await conn.assign('df', df);
      await isTrue(
        conn,
        'identical(df, data.frame(x = c(1, NA, 3), f = factor(c("lo", NA, "hi"), levels = c("lo", "hi")), ' +
          's = c("a", NA, "ü"), b = c(NA, TRUE, FALSE), stringsAsFactors = FALSE))',
      );
      assert.deepEqual(await conn.eval('df'), df);
      await isTrue(conn, 'is.data.frame(df) && nrow(df) == 3 && is.factor(df$f)');
    });

    it('a 40 MB assign and a 40 MB result (XT_LARGE both ways)', async () => {
      const n = 5_000_000;
      const big = new Float64Array(n);
      for (let i = 0; i < n; i++) big[i] = i * 0.5;
      await conn.assign('big', rDouble(big));
      await isTrue(conn, `length(big) == ${n} && identical(big, (seq_len(${n}) - 1) * 0.5)`);
      const back = await conn.eval(`as.double(seq_len(${n})) * 2`);
      assert.ok(back.kind === 'double' && back.values.length === n);
      assert.equal(back.values[0], 2);
      assert.equal(back.values[n - 1], n * 2);
      const text = await conn.eval('strrep("é", 2e7)');
      assert.ok(text.kind === 'string' && text.values[0]?.length === 2e7);
    });
  });

  describe('errors', () => {
    it("returns R's own error message, and the session goes on", async () => {
      await rejectsWith(conn.eval('stop("boom: ü")'), 'r_error', /^boom: ü$/);
      await rejectsWith(
        conn.eval(
          'f <- function() stop("line one\\nline two"); tryCatch(stop("caught"), error = identity); f()',
        ),
        'r_error',
        /^line one\nline two$/,
      );
      await rejectsWith(conn.eval('stop()'), 'r_error', /^$|R evaluation failed/);
      await rejectsWith(conn.eval('log("a")'), 'r_error', /non-numeric argument/);
      await rejectsWith(
        conn.voidEval('undefined_function_xyz()'),
        'r_error',
        /could not find function/,
      );
      assert.deepEqual(await conn.eval('1 + 1'), rDouble([2]));
    });

    it("reports parse errors with parse()'s message", async () => {
      await rejectsWith(conn.eval('1 +'), 'parse_error', /unexpected end of input/);
      await rejectsWith(conn.eval('f(('), 'parse_error');
      await rejectsWith(conn.eval('1 1'), 'parse_error', /unexpected numeric constant/);
      assert.deepEqual(await conn.eval('exists(".qap1_parse_code")'), rLogical([false]));
    });

    it('keeps values of invisible(), several expressions and trailing comments', async () => {
      assert.deepEqual(await conn.eval('invisible(5)'), rDouble([5]));
      assert.deepEqual(await conn.eval('a <- 2\nb <- 3; a * b # six'), rDouble([6]));
      await conn.voidEval('z <- a + b # five');
      assert.deepEqual(await conn.eval('z'), rDouble([5]));
    });
  });

  describe('queueing', () => {
    it('gives each of many concurrent requests its own answer', async () => {
      const calls = Array.from({ length: 60 }, (_, i) => {
        if (i % 3 === 0) return conn.assign(`v${i}`, rInteger([i])).then(() => i);
        if (i % 3 === 1) return conn.eval(`Sys.sleep(${(i % 5) / 1000}); ${i}L`);
        return conn.eval(`paste0("r", ${i})`);
      });
      const results = await Promise.all(calls);
      results.forEach((r, i) => {
        if (i % 3 === 0) assert.equal(r, i);
        else if (i % 3 === 1) assert.deepEqual(r, rInteger([i]));
        else assert.deepEqual(r, rString([`r${i}`]));
      });
      assert.deepEqual(await conn.eval('v57 + v0'), rInteger([57]));
    });
  });

  describe('assignEval (assign and eval pipelined in one write)', () => {
    it('evaluates with the value assigned; R errors and timeouts are read as for eval', async () => {
      const other = conn.eval('"queued before"');
      const sum = conn.assignEval('x1', rList([rInteger([41])]), 'x1[[1]] + 1L');
      const after = conn.eval('x1[[1]]');
      assert.deepEqual(await other, rString(['queued before']));
      assert.deepEqual(await sum, rInteger([42]));
      assert.deepEqual(await after, rInteger([41]));
      await rejectsWith(conn.assignEval('y', rInteger([1]), 'stop("boom")'), 'r_error', /^boom$/);
      assert.deepEqual(await conn.eval('y'), rInteger([1]));
      await rejectsWith(
        conn.assignEval('z', rInteger([1]), 'while (TRUE) {}', { timeoutMs: 200 }),
        'timeout',
      );
      assert.deepEqual(await conn.eval('z + 1L'), rInteger([2]));
    });
  });

  describe('evalCall (a call sent as a binary language object)', () => {
    it('evaluates symbols and uses values as they are; errors and timeouts as for eval', async () => {
      await conn.voidEval('base7 <- 7L');
      // A string that would be code if parsed stays a string.
      const text = 'stop("never parsed")';
      assert.deepEqual(
        await conn.evalCall(rCall('c', [rSymbol('base7'), rInteger([8]), rString([text])])),
        rString(['7', '8', text]),
      );
      const big = rDouble(Float64Array.from({ length: 100_000 }, (_, i) => i));
      assert.deepEqual(await conn.evalCall(rCall('sum', [big])), rDouble([4999950000]));
      await rejectsWith(conn.evalCall(rCall('stop', [rString(['boom'])])), 'r_error', /^boom$/);
      await rejectsWith(
        conn.evalCall(rCall('Sys.sleep', [rDouble([30])]), { timeoutMs: 200 }),
        'timeout',
      );
      assert.deepEqual(await conn.evalCall(rCall('identity', [rSymbol('base7')])), rInteger([7]));
    });
  });

  describe('timeouts and cancellation', () => {
    it('interrupts while(TRUE){} on timeout; the session keeps its globals and answers', async () => {
      await conn.voidEval('kept <- 42');
      const queued = conn.eval('kept + 1');
      await rejectsWith(conn.eval('while (TRUE) {}', { timeoutMs: 300 }), 'timeout');
      assert.deepEqual(await queued, rDouble([43]));
      assert.deepEqual(await conn.eval('1 + 1'), rDouble([2]));
      await isTrue(conn, 'kept == 42 && dir.exists(tempdir())');
    });

    it('cancel() and an abort signal interrupt a running evaluation', async () => {
      const running = conn.eval('while (TRUE) {}');
      setTimeout(() => void conn.cancel(), 200);
      await rejectsWith(running, 'cancelled');
      assert.deepEqual(await conn.eval('1 + 1'), rDouble([2]));
      const ac = new AbortController();
      const aborted = conn.eval('repeat Sys.sleep(0.01)', { signal: ac.signal });
      setTimeout(() => ac.abort(), 200);
      await rejectsWith(aborted, 'cancelled');
      assert.deepEqual(await conn.eval('"still here"'), rString(['still here']));
      await rejectsWith(conn.eval('1', { signal: AbortSignal.abort() }), 'cancelled');
    });

    it('one abort listener per signal, whatever the requests: aborting it cancels the running and the queued ones', async () => {
      const ac = new AbortController();
      const done = [1, 2, 3].map((i) => conn.eval(`Sys.sleep(0.01); ${i}`, { signal: ac.signal }));
      assert.deepEqual(
        await Promise.all(done),
        [1, 2, 3].map((i) => rDouble([i])),
      );
      const running = conn.eval('repeat Sys.sleep(0.01)', { signal: ac.signal });
      const queued = [
        conn.eval('"never"', { signal: ac.signal }),
        conn.eval('2', { signal: ac.signal }),
      ];
      assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
      setTimeout(() => ac.abort(), 200);
      await Promise.all([running, ...queued].map((p) => rejectsWith(p, 'cancelled')));
      assert.deepEqual(await conn.eval('"still here"'), rString(['still here']));
    });

    it('times out a request still waiting in the queue without touching the running one', async () => {
      const slow = conn.eval('Sys.sleep(0.6); "slow"');
      await rejectsWith(conn.eval('"never"', { timeoutMs: 100 }), 'timeout');
      assert.deepEqual(await slow, rString(['slow']));
    });
  });

  describe('closing', () => {
    it('close() waits for the running evaluation, then refuses new requests', async () => {
      const closes: (RError | undefined)[] = [];
      conn.onClose((e) => closes.push(e));
      const slow = conn.eval('Sys.sleep(0.3); 7');
      const closing = conn.close();
      await rejectsWith(conn.eval('1'), 'closed');
      assert.deepEqual(await slow, rDouble([7]));
      await closing;
      assert.equal(conn.closed, true);
      assert.deepEqual(closes, [undefined]);
      await conn.close();
    });

    it('close({ cancel: true }) interrupts a runaway evaluation first', async () => {
      const runaway = conn.eval('while (TRUE) {}');
      await new Promise((r) => setTimeout(r, 100));
      const failed = rejectsWith(runaway, 'cancelled');
      await conn.close({ cancel: true });
      await failed;
      assert.equal(conn.closed, true);
    });

    it("fails pending requests with 'closed' when the session process is killed", async () => {
      const closes: (RError | undefined)[] = [];
      conn.onClose((e) => closes.push(e));
      const running = conn.eval('Sys.sleep(30)');
      const queued = conn.eval('1');
      await new Promise((r) => setTimeout(r, 100));
      process.kill(conn.pid, 'SIGKILL');
      await Promise.all([rejectsWith(running, 'closed'), rejectsWith(queued, 'closed')]);
      assert.equal(conn.closed, true);
      assert.equal(closes.length, 1);
      assert.equal(closes[0]?.code, 'closed');
      await rejectsWith(conn.eval('1'), 'closed');
    });
  });
});
