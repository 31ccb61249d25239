/**
 * Workspace export and reports (API.md "Workspaces in API 1.1"):
 * `GET /workspaces/:id/export?format=zip` and `GET /workspaces/:id/report?format=html|docx`
 * of a workspace the logged-in user owns or reads through a share (a reader may copy the
 * whole workspace, so its export tells nothing more). The workspace is read once from the
 * store; the files are built from its stored objects (server/reports/), without R. And
 * `PUT /workspaces/:id/order` `{"names": [...]}` (the owner only; a reader gets 403
 * `forbidden`): those objects in that order (the report and the export follow it).
 */
import { Router, type Request, type Response } from 'express';
import { AppError, ErrorCode } from '../../errors.ts';
import {
  analysisR,
  datasetCsv,
  reportDocx,
  reportHtml,
  workspaceContent,
  zip,
  type WorkspaceContent,
} from '../../reports/index.ts';
import { NAME_RE } from '../../../converters/index.ts';
import {
  accessibleWorkspace,
  loadObjects,
  reorderObjects,
  type Store,
  type WorkspaceAccess,
} from '../../store/index.ts';
import { fieldsOf, userOf } from '../request.ts';

const ID_RE = /^[A-Za-z0-9-]{1,64}$/;
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** The report page may load nothing but its own inline styles and `data:` pictures. */
const REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/** The workspace of the request, owned or shared with the user; 404 for any other. */
async function workspaceOf(store: Store, req: Request, need: WorkspaceAccess) {
  const id = req.params.id;
  const found =
    typeof id === 'string' && ID_RE.test(id)
      ? await accessibleWorkspace(store, userOf(req).id, id)
      : null;
  if (found === null) throw new AppError(ErrorCode.notFound, 'no such workspace', { status: 404 });
  if (need === 'owner' && found.access !== 'owner')
    throw new AppError(ErrorCode.forbidden, 'this workspace is shared with you read-only', {
      status: 403,
    });
  return found.workspace;
}

async function contentOf(store: Store, req: Request): Promise<WorkspaceContent> {
  const workspace = await workspaceOf(store, req, 'reader');
  return workspaceContent(workspace.name, await loadObjects(store, workspace._id));
}

/** Most names one reorder may list. */
const MAX_ORDER = 10_000;

function namesOf(req: Request): string[] {
  const { names } = fieldsOf(req.body, ['names']);
  const ok =
    Array.isArray(names) &&
    names.length <= MAX_ORDER &&
    names.every((n) => typeof n === 'string' && NAME_RE.test(n)) &&
    new Set(names).size === names.length;
  if (!ok)
    throw new AppError(
      ErrorCode.badRequest,
      `"names" must be a list of distinct object names (at most ${MAX_ORDER})`,
    );
  return names as string[];
}

function formatOf(req: Request, allowed: readonly string[]): string {
  const format = req.query.format ?? allowed[0];
  if (typeof format !== 'string' || !allowed.includes(format))
    throw new AppError(ErrorCode.badRequest, `format must be one of: ${allowed.join(', ')}`);
  return format;
}

/** `Content-Disposition` for `name.ext`: an ASCII fallback and the UTF-8 name (RFC 6266). */
function disposition(kind: 'inline' | 'attachment', name: string, ext: string): string {
  const ascii = name.replace(/[^A-Za-z0-9 ._-]+/g, '_').trim() || 'workspace';
  return `${kind}; filename="${ascii}.${ext}"; filename*=UTF-8''${encodeURIComponent(`${name}.${ext}`)}`;
}

/** The zip of the workspace export: one CSV per dataset, analysis.R, report.html. */
export function exportZip(w: WorkspaceContent, when = new Date()): Buffer {
  return zip(
    [
      ...w.datasets.map((d) => ({ name: `${d.name}.csv`, data: datasetCsv(d) })),
      { name: 'analysis.R', data: analysisR(w, when) },
      { name: 'report.html', data: reportHtml(w, when) },
    ],
    when,
  );
}

function send(res: Response, type: string, body: string | Buffer, disp: string): void {
  res.set({ 'Content-Type': type, 'Content-Disposition': disp, 'Cache-Control': 'no-store' });
  res.send(body);
}

/** The routes, relative to /api/v1. */
export function exportRoutes(store: Store): Router {
  const router = Router();

  router.get('/workspaces/:id/export', async (req, res) => {
    formatOf(req, ['zip']);
    const w = await contentOf(store, req);
    send(res, 'application/zip', exportZip(w), disposition('attachment', w.name, 'zip'));
  });

  router.get('/workspaces/:id/report', async (req, res) => {
    const format = formatOf(req, ['html', 'docx']);
    const w = await contentOf(store, req);
    if (format === 'docx') {
      send(res, DOCX, await reportDocx(w), disposition('attachment', w.name, 'docx'));
      return;
    }
    res.set('Content-Security-Policy', REPORT_CSP);
    const kind = req.query.download === '1' ? 'attachment' : 'inline';
    send(res, 'text/html; charset=utf-8', reportHtml(w), disposition(kind, w.name, 'html'));
  });

  router.put('/workspaces/:id/order', async (req, res) => {
    const names = namesOf(req);
    const workspace = await workspaceOf(store, req, 'owner');
    const missing = await reorderObjects(store, userOf(req).id, workspace._id, names);
    if (missing !== null) {
      const shown = missing.slice(0, 3).join(', ');
      throw new AppError(ErrorCode.notFound, `not in the workspace: ${shown}`, { status: 404 });
    }
    res.status(204).end();
  });

  return router;
}
