/**
 * Small pages the server itself shows to a browser outside the client (the link in the
 * verification mail): the product's own look, through the built client's stylesheet, with
 * a message and a way on. Static text only: nothing of the request ends up in a page.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CLIENT_DIR } from './client.static.ts';

/** What a page says. */
export interface PageContent {
  /** The heading, also the document title. */
  readonly title: string;
  /** Paragraphs under the heading. */
  readonly paragraphs: readonly string[];
  /** Links on, the first one the main action. */
  readonly links: readonly { readonly href: string; readonly text: string }[];
  /** `error` marks a page that says something went wrong. */
  readonly tone: 'ok' | 'error';
}

/** Renders a page to a complete HTML document. */
export type PageRenderer = (content: PageContent) => Promise<string>;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/**
 * The hashed stylesheet the built client's index.html links, or null (client not built).
 * Read at each render: a rebuild changes the name, and these pages are rare.
 */
async function stylesheetOf(clientDir: string): Promise<string | null> {
  const index = await readFile(path.join(clientDir, 'index.html'), 'utf8').catch(() => null);
  return /href="(\/assets\/styles-[A-Za-z0-9_-]+\.css)"/.exec(index ?? '')?.[1] ?? null;
}

/** Pages styled like the client built in `clientDir` (unstyled when it is not built). */
export function pageRenderer(clientDir: string = DEFAULT_CLIENT_DIR): PageRenderer {
  return async (content) => {
    const css = await stylesheetOf(clientDir);
    const links = content.links
      .map(
        (l, i) =>
          `<a class="button${i === 0 ? ' primary' : ''}" href="${escapeHtml(l.href)}">${escapeHtml(l.text)}</a>`,
      )
      .join('');
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(content.title)} · PanthR</title>
<link rel="icon" href="/favicon.ico" type="image/png">
${css === null ? '' : `<link rel="stylesheet" href="${css}">`}
</head>
<body>
<main class="auth-card page-card page-${content.tone}">
<h1>${escapeHtml(content.title)}</h1>
${content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}
<div class="actions">${links}</div>
</main>
</body>
</html>
`;
  };
}
