/**
 * A reader of a shared workspace (API.md "Sharing, tokens and health": read-only, may copy
 * it) exports it and gets its reports; it may not reorder it (403), a stranger gets 404,
 * and a removed share ends that access at once.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { useTestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestUser } from '../fixtures/users.ts';
import { assertError, call } from './auth-http.helpers.ts';

const execFileP = promisify(execFile);
const CSV = 'g,y\na,1.5\nb,2.25\na,3.75\nb,4.5\na,5.125\nb,6\n';

describe('export and reports of a shared workspace', function () {
  this.timeout(120_000);
  const ts = useTestServer();
  let owner: TestUser;
  let reader: TestUser;
  let stranger: TestUser;
  let ws: string;
  let share: string;
  const as = (u: TestUser) => ({ cookie: u.cookie });
  const get = (u: TestUser, path: string) =>
    fetch(`${ts.url}/api/v1/workspaces/${ws}/${path}`, { headers: as(u) });

  before(async () => {
    owner = await createUser(ts, 'exsh-owner');
    reader = await createUser(ts, 'exsh-reader');
    stranger = await createUser(ts, 'exsh-stranger');
    const client = await connect(ts, owner.cookie);
    const reply = await client.request(
      [
        { type: 'command', name: 'sc', command: 'read', format: 'csv', text: CSV },
        { type: 'report', name: 'd1', reportType: 'descriptives', dataset: 'sc', variables: ['y'] },
        { type: 'note', name: 'n1', text: 'Shared note.' },
      ],
      60_000,
    );
    client.close();
    for (const o of reply) assert.notEqual(o['type'], 'error', JSON.stringify(o));
    const list = await call(ts, 'GET', '/api/v1/workspaces', undefined, as(owner));
    ws = (list.body.workspaces as { id: string; current: boolean }[]).find((w) => w.current)!.id;
    const made = await call(
      ts,
      'POST',
      `/api/v1/workspaces/${ws}/shares`,
      { with: reader.email },
      as(owner),
    );
    assert.equal(made.status, 201, made.text);
    share = made.body.id as string;
  });

  it('the reader gets the zip, the HTML report and the Word report with the numbers', async () => {
    const html = await get(reader, 'report?format=html');
    assert.equal(html.status, 200);
    const page = await html.text();
    // Numbers as reports print them: 4 significant digits (blocks.ts).
    assert.ok(page.includes('Shared note.') && page.includes('<td>3.854</td>'), page);
    // A result that is itself a table (descriptives) is shown as that table, its header the
    // result's columns in readers' words.
    const d1 = /<section class="output" id="d1">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    assert.match(d1, /<thead><tr><th>Variable<\/th><th>N<\/th><th>Missing<\/th><th>Mean<\/th>/);
    assert.match(d1, /<tr><td>y<\/td><td>6<\/td><td>0<\/td><td>3.854<\/td>/);
    const zip = await get(reader, 'export?format=zip');
    assert.equal(zip.status, 200);
    assert.equal(zip.headers.get('content-type'), 'application/zip');
    const docx = await get(reader, 'report?format=docx');
    assert.equal(docx.status, 200);
    const dir = await mkdtemp(join(tmpdir(), 'panthr-exsh-'));
    try {
      await writeFile(join(dir, 'w.zip'), Buffer.from(await zip.arrayBuffer()));
      await writeFile(join(dir, 'r.docx'), Buffer.from(await docx.arrayBuffer()));
      await execFileP('unzip', ['-q', join(dir, 'w.zip'), '-d', join(dir, 'zip')]);
      await execFileP('unzip', ['-q', join(dir, 'r.docx'), '-d', join(dir, 'docx')]);
      const csv = await readFile(join(dir, 'zip', 'sc.csv'), 'utf8');
      assert.equal(csv.split('\n')[0], '"g","y"');
      const xml = await readFile(join(dir, 'docx', 'word', 'document.xml'), 'utf8');
      assert.ok(xml.includes('>3.854<') && xml.includes('Shared note.'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the reader may not reorder (403); a stranger sees nothing (404)', async () => {
    const path = `/api/v1/workspaces/${ws}/order`;
    assertError(await call(ts, 'PUT', path, { names: ['n1', 'd1'] }, as(reader)), 403, 'forbidden');
    assertError(
      await call(ts, 'PUT', path, { names: ['n1', 'd1'] }, as(stranger)),
      404,
      'not_found',
    );
    for (const p of ['export?format=zip', 'report?format=html', 'report?format=docx'])
      assert.equal((await get(stranger, p)).status, 404, p);
    // The owner still may; the reader's report follows.
    assert.equal((await call(ts, 'PUT', path, { names: ['n1', 'd1'] }, as(owner))).status, 204);
    const page = await (await get(reader, 'report?format=html')).text();
    const ids = [...page.matchAll(/<section class="output" id="([^"]+)">/g)].map((m) => m[1]);
    assert.deepEqual(ids, ['n1', 'd1']);
  });

  it('a removed share ends the reader export at once', async () => {
    const del = await call(
      ts,
      'DELETE',
      `/api/v1/workspaces/${ws}/shares/${share}`,
      undefined,
      as(owner),
    );
    assert.equal(del.status, 204, del.text);
    for (const p of ['export?format=zip', 'report?format=html', 'report?format=docx'])
      assert.equal((await get(reader, p)).status, 404, p);
  });
});
