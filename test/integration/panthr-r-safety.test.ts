/**
 * PanthR.r's defences and plumbing: compiled formulas run in an environment that holds
 * only the formula language (nothing reaches system(), assignment or files, even past the
 * syntax check), full R captures output and warnings, the SVG whitelist refuses markup
 * that could carry script, user names are data and never code, every dispatch error has
 * its API code, extensions register and work. Runs R through Rscript; needs no server.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arr, assertClose, obj, runRJson, type Json } from '../fixtures/r/run-r.ts';

describe('PanthR.r safety, full R, registry and extensions', function () {
  this.timeout(120_000);
  let out: { [key: string]: Json } = {};
  let dir = '';
  let marker = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panthr-r-safety-'));
    marker = join(dir, 'marker');
    out = obj(await runRJson('safety.R', [marker]));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('evaluates the formula language as R does, aggregates ignoring missing values', () => {
    const got = obj(out['formula_ok']);
    const ref = obj(out['formula_ref']);
    for (const [name, expected] of Object.entries(ref)) {
      const r = obj(got[name]);
      assert.equal(r['ok'], true, `${name}: ${JSON.stringify(r)}`);
      assertClose(r['value'], expected, name);
    }
  });

  it('refuses every call, name or form outside the language with invalid_object', () => {
    const refused = arr(out['formula_refused']).map(obj);
    assert.equal(refused.length, 14);
    for (const r of refused) assert.deepEqual(r, { ok: false, code: 'invalid_object' });
    assert.deepEqual(out['formula_not_found'], { ok: false, code: 'not_found' });
  });

  it('gives compiled formulas an environment with only the language in it, even unchecked', () => {
    const env = obj(out['env_direct']);
    assert.match(env['system'] as string, /could not find function "file.create"/);
    assert.match(env['colon'] as string, /could not find function "::"/);
    assert.match(env['assign'] as string, /could not find function "<-"/);
    assert.equal(env['parent_is_empty'], true);
    const names = arr(env['names']) as string[];
    for (const n of ['.d', '[[', 'mean', 'is.na', 'log']) assert.ok(names.includes(n), n);
    for (const n of ['system', 'eval', 'get', '<-', '::', 'file.create'])
      assert.ok(!names.includes(n), n);
    // The 30 of API 1.0 and the 8 data-work functions of API 1.1 (ifelse ... reverse).
    for (const n of ['ifelse', 'cut', 'recode', 'z', 'rowmean', 'rowsum', 'rank', 'reverse'])
      assert.ok(names.includes(n), n);
    assert.equal(names.length, 38);
  });

  it('full R: the value, the printed output with messages, warnings; errors as r_error', () => {
    const r = obj(out['eval_r']);
    assert.equal(r['ok'], true);
    const v = obj(r['value']);
    assert.deepEqual(v['value'], [2, 4]);
    assert.equal(v['output'], '[1] "hi"\nnote\na b \n2 4 ');
    assert.deepEqual(v['warnings'], ['careful']);
    assert.deepEqual(obj(out['eval_r_df'])['value'], {
      columns: ['n', 's', 'f'],
      rows: [
        [1, 'x', 'u'],
        [2, null, 'v'],
      ],
    });
    assert.match(obj(out['eval_r_fun'])['value'] as string, /UseMethod\("mean"\)/);
    assert.match(obj(out['eval_r_model'])['value'] as string, /Coefficients:/);
    assert.deepEqual(obj(out['eval_r_list'])['value'], {
      a: [1, 2, 3],
      b: { c: 'x' },
      when: '2020-01-02',
    });
    assert.deepEqual(out['eval_r_error'], { ok: false, code: 'r_error', message: 'boom' });
    assert.deepEqual(out['eval_r_parse'], { ok: false, code: 'r_error' });
    assert.equal(out['eval_r_global'], true, 'assignments land in the global environment');
    assert.equal(out['sinks_left'], 0);
  });

  it('the SVG whitelist passes svglite output and refuses script, handlers, links, foreign content', () => {
    assert.equal(out['svg_good'], true);
    const bad = obj(out['svg_bad']);
    assert.deepEqual(Object.keys(bad), [
      'script',
      'onload',
      'href',
      'image',
      'foreign',
      'style_url',
      'entity',
      'text',
    ]);
    for (const [k, v] of Object.entries(bad))
      assert.deepEqual(v, { ok: false, code: 'r_error' }, k);
  });

  it('answers each dispatch error with its API code and R errors with R’s message', () => {
    const e = obj(out['errors']);
    const code = (k: string): Json | undefined => obj(e[k])['code'];
    assert.equal(code('unknown_report'), 'unknown_type');
    assert.equal(code('unknown_graph'), 'unknown_type');
    assert.equal(code('missing_var'), 'not_found');
    for (const k of ['wrong_type', 'bad_option', 'unknown_option', 'bad_filter', 'three_groups']) {
      assert.equal(code(k), 'invalid_object', k);
    }
    assert.deepEqual(e['r_error'], {
      ok: false,
      code: 'r_error',
      message: "not enough 'x' observations",
    });
  });

  it('treats variable names that are R code as names: looked up, shown, never run', () => {
    const evil = obj(out['evil_names']);
    const lm = obj(obj(evil['lm'])['value']);
    const terms = arr(obj(lm['coefficients'])['rows']).map((r) => arr(r)[0]);
    assert.deepEqual(terms, ['(Intercept)', `file.create(${JSON.stringify(marker)})`]);
    assert.equal(evil['desc'], true);
    assert.equal(evil['aov'], true);
    assert.equal(out['marker_exists'], false);
    assert.equal(existsSync(marker), false);
  });

  it('registers the example extension beside the built-in kinds; shapiro.test equals R', () => {
    // Registration order follows the library's file order; what counts is the set.
    const reg = obj(out['registered']);
    const sorted = (k: string): Json[] => [...arr(reg[k])].sort();
    assert.deepEqual(
      { reports: sorted('reports'), tests: sorted('tests'), graphs: sorted('graphs') },
      {
        reports: ['descriptives', 'frequency'],
        tests: [
          't.test',
          'wilcox.test',
          'oneway.test',
          'kruskal.test',
          'friedman.test',
          'shapiro.test',
          'levene.test',
          'bartlett.test',
          'cor.test',
          'chisq.test',
          'fisher.test',
          'mcnemar.test',
          'binom.test',
          'prop.test',
          'lm',
          'aov',
          'glm',
          'cor',
          'alpha',
          'prcomp',
          'factanal',
        ].sort(),
        graphs: ['hist', 'box', 'scatter', 'bar', 'dot', 'quantile', 'qqnorm'].sort(),
      },
    );
    assertClose(out['shapiro'], obj(out['shapiro_ref']), 'shapiro.test');
    assert.deepEqual(obj(out['shapiro'])['warnings'], []);
    assert.deepEqual(out['register_errors'], [false, false, false]);
    const broken = obj(out['broken_extension']);
    assert.equal(broken['ok'], false);
    assert.match(broken['message'] as string, /^extension ".*\.R": cannot start$/);
    assert.equal(out['broken_registered_nothing'], true);
  });

  it('session set-up: the version sentinel, the pid, a private temp dir, UTF-8', () => {
    assert.equal(out['no_seed'], true, 'loading PanthR.r left a random seed for sessions to share');
    assert.equal(out['version'], '1.0.0');
    assert.equal(out['pid_ok'], true);
    assert.equal(out['tmpdir_ok'], true);
    assert.equal(out['utf8'], true);
  });
});
