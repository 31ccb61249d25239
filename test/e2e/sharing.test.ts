// Sharing in a real browser (Debian's chromium through playwright-core): a teacher makes a
// group with a student in it and shares a workspace with the group; the student opens it
// from "Shared with me" (read-only), makes a copy and works on the copy. Screenshots go to
// test/e2e/screenshots/ (sharing-*.png) for a human to look at.
import { CHROMIUM, prepareBrowserTest } from '../fixtures/browser.ts';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { connect, createUser, type TestUser } from '../fixtures/users.ts';

const SHOTS = path.join(import.meta.dirname, 'screenshots');
const CSV = 'group,score\nA,50\nB,56\nA,52\nB,57\nA,49\nB,58\n';

async function logIn(page: Page, server: TestServer, u: TestUser): Promise<void> {
  await page.goto(server.url);
  await page.getByLabel('Email').fill(u.email);
  await page.getByLabel('Password', { exact: true }).fill(u.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.corner .dot.connected').waitFor();
}

async function corner(page: Page, item: string): Promise<void> {
  await page.locator('details.corner > summary').click();
  await page.getByRole('button', { name: item }).click();
}

describe('browser: share with a group, open, copy, work on the copy', function () {
  this.timeout(240_000);
  let server: TestServer;
  let browser: Browser;
  let teacher: TestUser;
  let student: TestUser;

  before(async () => {
    prepareBrowserTest();
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    teacher = await createUser(server, 'teacher');
    student = await createUser(server, 'student');
    const c = await connect(server, teacher.cookie);
    await c.request([
      { type: 'command', name: 'scores', command: 'read', format: 'csv', text: CSV },
    ]);
    c.close();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the teacher makes a group and shares a workspace with it; the student opens, copies, works', async () => {
    const tPage = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    tPage.setDefaultTimeout(20_000);
    await logIn(tPage, server, teacher);
    await corner(tPage, 'Groups…');
    await tPage.getByLabel('Group name').fill('Statistics 101');
    await tPage.getByRole('button', { name: 'Create group' }).click();
    await tPage.getByLabel('Add a member to Statistics 101').fill(student.email);
    await tPage.getByRole('button', { name: 'Add member' }).click();
    await tPage.locator('.group li', { hasText: student.email }).waitFor();
    await tPage.screenshot({ path: path.join(SHOTS, 'sharing-1-groups.png') });
    await tPage.keyboard.press('Escape');
    await corner(tPage, 'Workspaces…');
    await tPage.getByRole('button', { name: 'Share…' }).first().click();
    await tPage.getByLabel('Group').selectOption({ label: 'Statistics 101' });
    await tPage.getByRole('button', { name: 'Share with group' }).click();
    await tPage.locator('.share-list li', { hasText: 'Statistics 101' }).waitFor();
    await tPage.screenshot({ path: path.join(SHOTS, 'sharing-2-share.png') });

    const sPage = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    sPage.setDefaultTimeout(20_000);
    await logIn(sPage, server, student);
    await corner(sPage, 'Workspaces…');
    const shared = sPage.locator('.shared li', { hasText: teacher.email });
    await shared.waitFor();
    await sPage.screenshot({ path: path.join(SHOTS, 'sharing-3-shared-with-me.png') });
    await shared.getByRole('button', { name: 'Open' }).click();
    await sPage.getByText('scores').first().waitFor();
    const badge = sPage.locator('.breadcrumbs .badge', { hasText: 'shared, read-only' });
    await badge.waitFor();
    await sPage.screenshot({ path: path.join(SHOTS, 'sharing-4-opened.png') });
    // A reload (a new login session's /api/v1/me included) keeps the shared workspace.
    await sPage.reload();
    await sPage.locator('.corner .dot.connected').waitFor();
    await badge.waitFor();

    await corner(sPage, 'Workspaces…');
    await sPage.locator('.shared li').getByRole('button', { name: 'Make a copy' }).click();
    const copy = sPage.locator('.ws-list li', {
      has: sPage.getByLabel('Name of workspace Copy of Workspace 1'),
    });
    await copy.waitFor();
    await copy.getByRole('button', { name: 'Open' }).click();
    await sPage.getByText('scores').first().waitFor();
    // Working on the copy: a new variable from a formula, kept in the student's workspace.
    const { loadObjects, listWorkspaces } = await import('../../server/store/index.ts');
    const userDoc = await server.server.store.accounts.findByEmail(student.email);
    const mine = (await listWorkspaces(server.server.store, userDoc!._id)).find(
      (w) => w.name === 'Copy of Workspace 1',
    );
    assert.ok(mine !== undefined);
    const c = await connect(server, student.cookie);
    const [made] = await c.request([
      {
        type: 'command',
        name: 'nv',
        command: 'newvar',
        dataset: 'scores',
        variable: 'double',
        formula: 'score * 2',
      },
    ]);
    c.close();
    assert.notEqual(made?.type, 'error', JSON.stringify(made));
    const objects = await loadObjects(server.server.store, mine._id);
    assert.ok(objects.some((o) => o.name === 'scores'));
    await sPage.screenshot({ path: path.join(SHOTS, 'sharing-5-copy.png') });

    // Open the shared workspace again; the teacher removes the share: the student is told.
    await corner(sPage, 'Workspaces…');
    await sPage.locator('.shared li').getByRole('button', { name: 'Open' }).click();
    await badge.waitFor();
    const headers = { cookie: teacher.cookie };
    const own = (await (await fetch(`${server.url}/api/v1/workspaces`, { headers })).json()) as {
      workspaces: { id: string }[];
    };
    const wsId = own.workspaces[0]?.id ?? '';
    const list = (await (
      await fetch(`${server.url}/api/v1/workspaces/${wsId}/shares`, { headers })
    ).json()) as { shares: { id: string }[] };
    for (const share of list.shares)
      await fetch(`${server.url}/api/v1/workspaces/${wsId}/shares/${share.id}`, {
        method: 'DELETE',
        headers: { ...headers, origin: server.url },
      });
    await sPage.locator('#toasts', { hasText: 'Your access ended' }).waitFor();
    await sPage.screenshot({ path: path.join(SHOTS, 'sharing-6-revoked.png') });
  });
});
