/**
 * Workspace export and reports over real HTTP (API.md "Workspaces in API 1.1"), on a
 * workspace with every kind of output (test/fixtures/export-workspace.ts):
 * - the zip unpacks (with Debian's unzip), `Rscript analysis.R` runs in the folder, and
 *   every result's numbers are among those its section prints;
 * - the CSV of a dataset with coded labels, missing codes, a logical and datetimes.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readableDf, readableNumber, readableP } from '../../converters/index.ts';
import { fillWorkspace } from '../fixtures/export-workspace.ts';
import { assertWellNested } from '../fixtures/markup.ts';
import { close, runRJson } from '../fixtures/r/run-r.ts';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestClient, type TestUser } from '../fixtures/users.ts';
import { assertError, call } from './auth-http.helpers.ts';

const execFileP = promisify(execFile);
const SOFFICE = '/usr/bin/soffice';

type Rec = Record<string, unknown>;

const HTEST_KEYS = ['statistic', 'df', 'p_value', 'estimate', 'conf_int'];
const TABLE_KEYS = ['rows', 'coefficients', 'table', 'posthoc', 'loadings'];

function numbersIn(v: unknown): number[] {
  if (typeof v === 'number') return Number.isFinite(v) ? [v] : [];
  if (Array.isArray(v)) return v.flatMap(numbersIn);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(numbersIn);
  return [];
}

/** The numbers of a result its r_code prints (as the analyses' own r_code tests check). */
function checkedNumbers(result: Rec): number[] {
  const m = result['matrix'] as Rec | undefined;
  return [
    ...HTEST_KEYS.flatMap((k) => numbersIn(result[k])),
    ...TABLE_KEYS.flatMap((k) =>
      numbersIn((result[k] as Rec | undefined)?.['rows'] ?? (k === 'rows' ? result[k] : [])),
    ),
    ...(m ? numbersIn([m['r'], m['p_value']]) : []),
  ];
}

/**
 * The numbers of a result as a report shows them (blocks.ts): those of {@link checkedNumbers}
 * but p-values, which the report writes as APA does (`.026`, `< .001`), apart.
 */
function reportNumbers(result: Rec): { numbers: number[]; pValues: number[] } {
  const pValues: number[] = numbersIn(result['p_value']);
  const tables = TABLE_KEYS.flatMap((k) => {
    // A result that is a table itself (descriptives) has its rows and columns at the top.
    const t = (k === 'rows' ? result : result[k]) as Rec | undefined;
    const rows = (t?.['rows'] ?? []) as unknown[];
    const p = Array.isArray(t?.['columns']) ? (t['columns'] as unknown[]).indexOf('p_value') : -1;
    return rows.flatMap((row) =>
      Array.isArray(row)
        ? row.flatMap((x, j) => {
            if (j === p) {
              pValues.push(...numbersIn(x));
              return [];
            }
            return numbersIn(x);
          })
        : numbersIn(row),
    );
  });
  const m = result['matrix'] as Rec | undefined;
  if (m) pValues.push(...numbersIn(m['p_value']));
  const htest = HTEST_KEYS.filter((k) => k !== 'p_value').flatMap((k) => numbersIn(result[k]));
  return { numbers: [...htest, ...tables, ...(m ? numbersIn(m['r']) : [])], pValues };
}

async function get(url: string, cookie: string): Promise<Response> {
  return fetch(url, { headers: { cookie } });
}

describe('export and reports', function () {
  this.timeout(240_000);
  const ts = useTestServer();
  let user: TestUser;
  let client: TestClient;
  let wsId: string;
  let outputs: Map<string, Rec>;
  let dir: string;

  before(async () => {
    user = await createUser(ts, 'export');
    client = await connect(ts, user.cookie);
    outputs = await fillWorkspace(client);
    // A helper view of the browser's (its variable view): kept, never in a report or script.
    const [view] = await client.request([
      {
        type: 'report',
        name: 'view.sum.tg.len',
        reportType: 'descriptives',
        dataset: 'tg',
        variables: ['len'],
      },
    ]);
    assert.equal(view?.['type'], 'report', JSON.stringify(view));
    const list = (await (await get(`${ts.url}/api/v1/workspaces`, user.cookie)).json()) as {
      workspaces: { id: string; current: boolean }[];
    };
    wsId = list.workspaces.find((w) => w.current)!.id;
    dir = await mkdtemp(join(tmpdir(), 'panthr-export-'));
  });
  after(async () => {
    client?.close();
    if (dir && process.env.PANTHR_KEEP_EXPORT === undefined)
      await rm(dir, { recursive: true, force: true });
  });

  it('the zip holds one CSV per dataset, analysis.R and report.html; Rscript reproduces every result', async () => {
    const res = await get(`${ts.url}/api/v1/workspaces/${wsId}/export?format=zip`, user.cookie);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/zip');
    await writeFile(join(dir, 'w.zip'), Buffer.from(await res.arrayBuffer()));
    await execFileP('unzip', ['-q', '-o', join(dir, 'w.zip'), '-d', join(dir, 'out')]);
    const files = (await readdir(join(dir, 'out'))).sort();
    assert.deepEqual(files, ['analysis.R', 'coded.csv', 'mt.csv', 'report.html', 'tg.csv']);
    // Exactly as an analyst runs it.
    await execFileP('Rscript', ['--vanilla', 'analysis.R'], {
      cwd: join(dir, 'out'),
      timeout: 120_000,
    });
    const printed = (await runRJson('analysis-sections.R', [join(dir, 'out')])) as Record<
      string,
      number[]
    >;
    const script = await readFile(join(dir, 'out', 'analysis.R'), 'utf8');
    assert.doesNotMatch(script, /view\.sum/);
    let checked = 0;
    for (const [name, o] of outputs) {
      if (o['type'] === 'note') continue;
      assert.ok(name in printed, `analysis.R has no section for ${name}`);
      const got = printed[name] ?? [];
      for (const x of checkedNumbers(o['result'] as Rec)) {
        assert.ok(
          got.some((p) => close(p, x, 1e-9) || Math.abs(p - x) < 1e-12),
          `${name}: ${x} is not among the numbers its code printed`,
        );
        checked++;
      }
    }
    assert.ok(checked > 200, `only ${checked} numbers checked`);
    // The sections follow the workspace order, each headed by the label.
    const heads = [...script.matchAll(/^# ---- (.*) \(([A-Za-z0-9_.]+)\) ----$/gm)];
    assert.deepEqual(
      heads.map((h) => h[2]),
      [...outputs.keys()].filter((n) => outputs.get(n)!['type'] !== 'note'),
    );
    assert.equal(heads[0]?.[1], 'Length by supplement');
  });

  it("the coded dataset's CSV writes labels, missing codes as they are, datetimes in UTC", async () => {
    const csv = await readFile(join(dir, 'out', 'coded.csv'), 'utf8');
    const lines = csv.trimEnd().split('\n');
    assert.equal(lines[0], '"score","grp","if","ok","when"');
    assert.equal(lines[1], '3.5,"high, H","b",TRUE,1970-01-01 00:00:00');
    assert.equal(lines[3], '-99,"high, H","c",TRUE,2001-09-09 01:46:40');
    assert.equal(lines[4], '5,"no answer","a",,2023-11-14 22:13:20');
    assert.equal(lines[2], '4.25,"low ""L""","a",FALSE,1970-01-02 00:00:00.500');
  });
});

describe('reports', function () {
  this.timeout(240_000);
  const ts = useTestServer();
  let user: TestUser;
  let client: TestClient;
  let wsId: string;
  let outputs: Map<string, Rec>;

  before(async () => {
    user = await createUser(ts, 'report');
    client = await connect(ts, user.cookie);
    outputs = await fillWorkspace(client);
    const list = (await (await get(`${ts.url}/api/v1/workspaces`, user.cookie)).json()) as {
      workspaces: { id: string; current: boolean }[];
    };
    wsId = list.workspaces.find((w) => w.current)!.id;
  });
  after(() => client?.close());

  it('the HTML report is one well-formed page with no external URL, in workspace order, user text escaped', async () => {
    const res = await get(`${ts.url}/api/v1/workspaces/${wsId}/report?format=html`, user.cookie);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await res.text();
    assert.match(html, /^<!DOCTYPE html>\n<html lang="en">/);
    const names = assertWellNested(html, true);
    for (const one of ['html', 'head', 'body', 'title'])
      assert.equal(names.filter((n) => n === one).length, 1, one);
    assert.ok(!names.includes('script') && !names.includes('link') && !names.includes('iframe'));
    // Every URL the page could load is a data: URL.
    for (const m of html.matchAll(/\b(?:src|href|action|poster|srcset)\s*=\s*"([^"]*)"/gi))
      assert.match(m[1] as string, /^data:image\/(?:svg\+xml|png);base64,/);
    assert.doesNotMatch(html, /url\(|@import|https?:\/\//i);
    assert.equal((html.match(/<img src="data:image\/svg\+xml;base64,/g) ?? []).length, 4);
    assert.match(html, /@media print/);
    // The note's text is text.
    assert.ok(html.includes('A &#60;script&#62;alert(1)&#60;/script&#62; note.'));
    assert.ok(html.includes('<h3>Tooth growth</h3>') && html.includes('<li>one</li>'));
    // Outputs in workspace order.
    const ids = [...html.matchAll(/<section class="output" id="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(ids, [...outputs.keys()]);
    assert.doesNotMatch(html, /view\.sum/);
    // Each output says what it was computed from, as the app's card does.
    assert.ok(html.includes('<p>descriptives of len by supp in tg, all rows</p>'), 'context');
  });

  it('the Word report unzips; document.xml has real tables holding the numbers, graphs as PNG', async () => {
    const res = await get(`${ts.url}/api/v1/workspaces/${wsId}/report?format=docx`, user.cookie);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename=".*\.docx"/);
    const dir = await mkdtemp(join(tmpdir(), 'panthr-docx-'));
    try {
      await writeFile(join(dir, 'r.docx'), Buffer.from(await res.arrayBuffer()));
      await execFileP('unzip', ['-q', join(dir, 'r.docx'), '-d', join(dir, 'x')]);
      const xml = await readFile(join(dir, 'x', 'word', 'document.xml'), 'utf8');
      assertWellNested(xml, false);
      for (const part of [
        '[Content_Types].xml',
        '_rels/.rels',
        'word/_rels/document.xml.rels',
        'word/styles.xml',
      ])
        assertWellNested(await readFile(join(dir, 'x', part), 'utf8'), false);
      const media = (await readdir(join(dir, 'x', 'word', 'media'))).sort();
      assert.equal(media.length, 4);
      for (const f of media) {
        const png = await readFile(join(dir, 'x', 'word', 'media', f));
        assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', f);
      }
      const tables = (xml.match(/<w:tbl>/g) ?? []).length;
      assert.ok(tables >= 30);
      // Each table's first row is its header, repeated on each page Word lays out.
      assert.equal((xml.match(/<w:tblHeader\/>/g) ?? []).length, tables);
      // Each output is a Word heading, in workspace order.
      const headings = [...xml.matchAll(/<w:pStyle w:val="Heading2"\/>.*?<w:t[^>]*>([^<]*)</g)];
      const titles = [...outputs.values()]
        .filter((o) => o['type'] !== 'note' || typeof o['label'] === 'string')
        .map((o) => (typeof o['label'] === 'string' ? o['label'] : o['name']));
      assert.deepEqual(
        headings.map((h) => h[1]),
        titles,
      );
      // Every number of every result's tables is in a table cell, written as the browser's
      // cards write it (three decimals; whole numbers among fractional ones in a column with
      // decimals too; df with two; a p-value as APA writes it).
      const cells = [...xml.matchAll(/<w:tc>(.*?)<\/w:tc>/g)].map((m) =>
        [...(m[1] as string).matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
      );
      const parts = cells.flatMap((c) =>
        c
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&')
          .split(/, |; |\[|\]|: /)
          .map((s) => s.trim()),
      );
      const shown = new Set(parts);
      let checked = 0;
      for (const [name, o] of outputs) {
        if (o['type'] !== 'report' && o['type'] !== 'test') continue;
        const { numbers, pValues } = reportNumbers(o['result'] as Rec);
        for (const x of numbers) {
          assert.ok(
            shown.has(readableNumber(x)) ||
              shown.has(readableNumber(x, 3, false)) ||
              shown.has(readableDf(x)),
            `${name}: ${x} (${readableNumber(x)})`,
          );
          checked++;
        }
        for (const p of pValues) assert.ok(shown.has(readableP(p)), `${name}: p ${p}`);
      }
      assert.ok(checked > 200);
      assert.ok(xml.includes('A &lt;script&gt;alert(1)&lt;/script&gt; note.'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('LibreOffice, when installed, opens the Word report and reads its tables', async function () {
    if (!existsSync(SOFFICE)) this.skip(); // optional: apt-get install libreoffice-writer-nogui
    const res = await get(`${ts.url}/api/v1/workspaces/${wsId}/report?format=docx`, user.cookie);
    const dir = await mkdtemp(join(tmpdir(), 'panthr-lo-'));
    try {
      await writeFile(join(dir, 'r.docx'), Buffer.from(await res.arrayBuffer()));
      // A profile of its own, so that a LibreOffice already running elsewhere is not used.
      await execFileP(
        SOFFICE,
        [
          `-env:UserInstallation=file://${dir}/profile`,
          '--headless',
          '--convert-to',
          'txt:Text',
          '--outdir',
          dir,
          join(dir, 'r.docx'),
        ],
        { timeout: 120_000 },
      );
      const text = await readFile(join(dir, 'r.txt'), 'utf8');
      assert.ok(text.includes('Length by supplement'), text.slice(0, 500));
      const d1 = outputs.get('d1')?.['result'] as Rec;
      const mean = numbersIn(d1).find((x) => !Number.isInteger(x));
      assert.ok(mean !== undefined && text.includes(readableNumber(mean)), text.slice(0, 2000));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('PUT .../order reorders the outputs (the report follows); a replaced note keeps its place', async () => {
    const as = { cookie: user.cookie };
    const path = `/api/v1/workspaces/${wsId}/order`;
    const moved = ['mid', 'g1', 'd1'];
    const r = await call(ts, 'PUT', path, { names: moved }, as);
    assert.equal(r.status, 204, r.text);
    // The three take the places the three held, in the new sequence.
    const want = [...outputs.keys()];
    const places = moved.map((n) => want.indexOf(n)).sort((a, b) => a - b);
    places.forEach((p, i) => (want[p] = moved[i] as string));
    const sections = async () => {
      const html = await (
        await get(`${ts.url}/api/v1/workspaces/${wsId}/report`, user.cookie)
      ).text();
      return [...html.matchAll(/<section class="output" id="([^"]+)">/g)].map((m) => m[1]);
    };
    assert.deepEqual(await sections(), want);
    // A note sent again with new text stays where it is.
    const [note] = await client.request([{ type: 'note', name: 'mid', text: 'Edited.' }]);
    assert.equal(note?.['text'], 'Edited.');
    assert.deepEqual(await sections(), want);
    assertError(await call(ts, 'PUT', path, { names: ['mid', 'nope'] }, as), 404, 'not_found');
    assertError(await call(ts, 'PUT', path, { names: ['mid', 'mid'] }, as), 400, 'bad_request');
    assertError(await call(ts, 'PUT', path, { names: 'mid' }, as), 400, 'bad_request');
    assert.deepEqual(await sections(), want);
  });

  it('refuses an unknown format (400) and a workspace of another user (404)', async () => {
    const bad = await get(`${ts.url}/api/v1/workspaces/${wsId}/report?format=pdf`, user.cookie);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as Rec)['error'], 'bad_request');
    const other = await createUser(ts, 'report-other');
    for (const path of ['export?format=zip', 'report?format=html', 'report?format=docx']) {
      const r = await get(`${ts.url}/api/v1/workspaces/${wsId}/${path}`, other.cookie);
      assert.equal(r.status, 404, path);
    }
    const anon = await fetch(`${ts.url}/api/v1/workspaces/${wsId}/report?format=html`);
    assert.equal(anon.status, 401);
  });
});
