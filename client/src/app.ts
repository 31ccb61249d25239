// The logged-in application's state, shared by the views: the connection, the workspace
// model, the preference sets, the route and the requests still waiting for a result.
import { api, type Status, type WorkspaceInfo } from './api.ts';
import { Connection, type ConnState, type Latency } from './connection.ts';
import { WorkspaceModel } from './model.ts';
import { DisconnectedError } from './protocol.ts';
import { PrefsStore } from './prefs.ts';
import { hashToRoute, routeToHash, type Route } from './route.ts';
import type { ErrorObject, PObject } from './types.ts';

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
  readonly pending = new Map<string, PObject>();
  route: Route = hashToRoute(location.hash);
  workspace: WorkspaceInfo | null = null;
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
          this.signOut('Your session has ended. Please log in again.');
          return;
        }
        this.connInfo = { ...this.connInfo, state, detail };
        this.emit();
      },
      onLatency: (latency) => {
        this.connInfo = { ...this.connInfo, latency };
        this.emit();
      },
      onData: (msg, first) => {
        if (first) this.model.reset(msg.objects);
        else this.model.apply(msg.objects);
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
    this.workspace = list.find((w) => w.current) ?? list[0] ?? null;
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
  async request(objects: PObject[]): Promise<PObject[]> {
    for (const o of objects) this.pending.set(o.name, o);
    this.version++;
    this.emit();
    try {
      return await this.conn.send(objects);
    } catch (e) {
      if (e instanceof DisconnectedError) {
        return objects.map((o): ErrorObject => ({
          type: 'error',
          name: o.name,
          code: 'disconnected',
          message: e.message,
        }));
      }
      throw e;
    } finally {
      for (const o of objects) this.pending.delete(o.name);
      this.version++;
      this.emit();
    }
  }

  /** Switches to another workspace: the server makes it current, the connection reloads it. */
  async switchWorkspace(id: string): Promise<void> {
    await api.switchWorkspace(id);
    await this.refreshWorkspaces();
    const saved = localStorage.getItem(this.routeKey());
    this.navigate(saved === null ? { view: 'workspace' } : hashToRoute(saved));
    this.conn.reopen();
  }

  /** Logs out: saves pending preferences, ends the session and the connection. */
  async logout(): Promise<void> {
    await this.prefs.flush().catch(() => undefined);
    this.conn.close();
    await api.logout();
    this.signOut(null);
  }
}
