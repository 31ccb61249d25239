// The logged-in application's state, shared by the views: the connection, the workspace
// model, the preference sets, the route and the requests still waiting for a result. The
// workspace the tab shows is the one the server last sent whole (`reset`): a switch made in
// any tab reaches every tab, and each request names that workspace so that a tab that has
// not followed a switch yet is refused (`wrong_workspace`) instead of changing another.
import { api, type Status, type WorkspaceInfo } from './api.ts';
import { Connection, type ConnState, type Latency } from './connection.ts';
import { WorkspaceModel } from './model.ts';
import { DisconnectedError } from './protocol.ts';
import { PrefsStore } from './prefs.ts';
import { hashToRoute, routeToHash, type Route } from './route.ts';
import type { LostReply, PanthrObject, Reply } from './types.ts';

/** Connection facts for the login menu. */
export interface ConnInfo {
  state: ConnState;
  detail: string | null;
  latency: Latency;
}

/** The application context handed to every view. */
export class App {
  readonly model = new WorkspaceModel();
  readonly prefs = new PrefsStore();
  readonly conn: Connection;
  readonly pending = new Map<string, PanthrObject>();
  route: Route = hashToRoute(location.hash);
  workspace: WorkspaceInfo | null = null;
  /** The workspace shown is another user's, shared with this one: it cannot be changed. */
  readOnly = false;
  /** True until the server's first `data` (the whole workspace) arrived: nothing to show yet. */
  loading = true;
  /** The workspace the server last sent whole: the one this tab shows and its requests name. */
  private shown: { id: string; name: string } | null = null;
  /** Sessions resumed through `/api/v1/me` since the last successful connect. */
  private resumes = 0;
  connInfo: ConnInfo = {
    state: 'connecting',
    detail: null,
    latency: { server: null, r: null, rReported: null },
  };
  /** Grows when the workspace or the pending requests change (not on latency updates). */
  version = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly status: Status | null,
    readonly email: string,
    private readonly onSignedOut: (reason: string | null) => void,
  ) {
    this.conn = new Connection({
      onState: (state, detail) => {
        if (state === 'refused' && detail === 'unauthorized') {
          void this.resume();
          return;
        }
        if (state === 'connected') this.resumes = 0;
        this.connInfo = { ...this.connInfo, state, detail };
        this.emit();
      },
      onLatency: (latency) => {
        this.connInfo = { ...this.connInfo, latency };
        this.emit();
      },
      onData: (msg, reset) => {
        if (!reset) this.model.apply(msg.objects);
        else this.showWorkspace(msg.objects, msg.workspace);
      },
    });
    this.model.subscribe(() => {
      this.version++;
      this.emit();
    });
    window.addEventListener('hashchange', this.onHash);
  }

  private readonly onHash = (): void => {
    this.route = hashToRoute(location.hash);
    this.remember();
    this.emit();
  };

  /**
   * The server sent a whole workspace (on connect, or a switch made in any tab): show it.
   * A different workspace than before also gets its own remembered place.
   */
  private showWorkspace(
    objects: Reply[],
    ws: { id: string; name: string; readOnly?: boolean } | undefined,
  ): void {
    const before = this.shown?.id;
    this.loading = false;
    if (ws !== undefined) {
      this.shown = ws;
      this.workspace = { id: ws.id, name: ws.name, current: true };
      this.readOnly = ws.readOnly === true;
    }
    // Requests whose reply the drop lost stay failed unless the server saved their result.
    const same = ws === undefined || before === ws.id;
    const lost = same ? this.model.failedOutputs().filter((e) => e.code === 'disconnected') : [];
    this.model.reset(objects);
    const unsaved = lost.filter((e) => !this.model.has(e.name));
    if (unsaved.length > 0) this.model.apply(unsaved);
    if (ws !== undefined && before !== undefined && before !== ws.id) {
      const saved = localStorage.getItem(this.routeKey());
      this.navigate(saved === null ? { view: 'workspace' } : hashToRoute(saved));
    }
  }

  /**
   * The server refused the connection as `unauthorized`: the session cookie is gone (a
   * restart may have outlived it). `/api/v1/me` logs in again from a "keep me logged in"
   * cookie if there is one; otherwise (or if that did not help) back to the log-in screen.
   */
  private async resume(): Promise<void> {
    const me = await api.me().catch(() => null);
    if (me?.email === this.email && this.resumes++ === 0) this.conn.open();
    else this.signOut('Your session has ended. Please log in again.');
  }

  /** Ends this session's app: no more events reach its views, the connection is closed. */
  private signOut(reason: string | null): void {
    window.removeEventListener('hashchange', this.onHash);
    this.listeners.clear();
    this.conn.close();
    this.onSignedOut(reason);
  }

  /** Calls `fn` after any change of state (model, route, connection, pending). */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Notifies the views. */
  emit(): void {
    for (const fn of this.listeners) fn();
  }

  /** Loads the workspace list and preferences, then connects. */
  async start(): Promise<void> {
    await this.refreshWorkspaces();
    await this.prefs.load();
    if (location.hash === '' || location.hash === '#') {
      const saved = localStorage.getItem(this.routeKey());
      if (saved !== null) this.navigate(hashToRoute(saved));
    }
    this.conn.open();
  }

  /** Re-reads the workspace list; returns it. */
  async refreshWorkspaces(): Promise<WorkspaceInfo[]> {
    const list = await api.workspaces();
    // The tab keeps showing the workspace it was sent until the server sends another.
    this.workspace =
      list.find((w) => w.id === this.shown?.id) ?? list.find((w) => w.current) ?? list[0] ?? null;
    this.emit();
    return list;
  }

  private routeKey(): string {
    return `panthr.route.${this.email}.${this.workspace?.id ?? ''}`;
  }

  private remember(): void {
    localStorage.setItem(this.routeKey(), routeToHash(this.route));
  }

  /** Goes to `r` (a new history entry, so Back works). */
  navigate(r: Route): void {
    const hash = routeToHash(r);
    if (location.hash !== hash) location.hash = hash;
    this.route = r;
    this.remember();
    this.emit();
  }

  /**
   * Sends request objects; they show as pending until their reply. Resolves with the
   * reply's objects; error objects are returned too (callers show them where they belong).
   */
  async request(objects: PanthrObject[]): Promise<Reply[]> {
    for (const o of objects) this.pending.set(o.name, o);
    this.version++;
    this.emit();
    try {
      return await this.conn.send(objects, this.shown?.id ?? null);
    } catch (e) {
      if (e instanceof DisconnectedError) {
        const failed = objects.map((o): LostReply => ({
          type: 'error',
          name: o.name,
          code: 'disconnected',
          message: `${e.message} If it finished, its result appears once the connection is back.`,
        }));
        // Shown among the outputs until dismissed or replaced by the reloaded workspace.
        this.model.apply(failed);
        return failed;
      }
      throw e;
    } finally {
      for (const o of objects) this.pending.delete(o.name);
      this.version++;
      this.emit();
    }
  }

  /**
   * Switches to another workspace: the server makes it current and sends it whole to every
   * tab of the user, this one included (`showWorkspace`).
   */
  async switchWorkspace(id: string): Promise<void> {
    await api.switchWorkspace(id);
    // Until it arrives (a large one takes a while), say so rather than show the old one.
    if (this.shown?.id !== id) {
      this.loading = true;
      this.version++;
    }
    await this.refreshWorkspaces();
  }

  /** Logs out: saves pending preferences, ends the session and the connection. */
  async logout(): Promise<void> {
    await this.prefs.flush().catch(() => undefined);
    this.conn.close();
    await api.logout();
    this.signOut(null);
  }
}
