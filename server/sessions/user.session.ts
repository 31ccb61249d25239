/**
 * One logged-in user: the tabs they have open, their one R session, their current
 * workspace loaded into it, and the queue that runs their requests in order. Every change
 * is saved in the store before its result is sent.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isErrorObjectCode } from '../../converters/index.ts';
import { RError, type RegisteredKinds } from '../../r/index.ts';
import { AppError, ErrorCode } from '../errors.ts';
import type { ClientConnection } from './client.connection.ts';
import type { SessionMetrics } from './metrics.ts';
import {
  isErrorObject,
  type ErrorObject,
  type StoredPanthrObject,
  type RLease,
  type RInspector,
  type RLeaser,
  type RunOutcome,
  type RuntimeFactory,
  type WorkspacePersistence,
  type WorkspaceRuntime,
} from './ports.ts';
import { SerialQueue } from './serial.queue.ts';
import { WaitingBound } from './waiting.bound.ts';
import { changeOf, isRecorded, outputsToRerun, touchedData, undoKind } from './data.changes.ts';
import { UndoHistory, undoRedo } from './undo.history.ts';
import { AheadWrites } from './ahead.writes.ts';
import { wrongWorkspaceReply } from './workspace.guard.ts';
import { isLeanReply, LeanReplies } from './lean.replies.ts';

/** What a user session is built from. */
export interface UserSessionDeps {
  readonly leaser: RLeaser;
  readonly runtimes: RuntimeFactory;
  readonly persistence: WorkspacePersistence;
  readonly log: Logger;
  readonly metrics: SessionMetrics;
  readonly computeTimeoutMs: number;
  /** Messages of this user that may wait for R at once (`max_queued`). */
  readonly maxQueued: number;
}

/** An error object for `name`. */
export function errorObject(
  name: string | null,
  code: ErrorObject['code'],
  message: string,
): ErrorObject {
  return { type: 'error', name, code, message };
}

/**
 * The error object of a server fault: `internal`, with an id that the log line written here
 * (with `context` and the error) carries too; the fault itself is never shown.
 */
export function internalError(
  log: Logger,
  err: unknown,
  context: Record<string, unknown>,
  name: string | null = null,
): ErrorObject {
  const id = randomUUID();
  log.error({ ...context, err, id }, 'request failed');
  return errorObject(name, ErrorCode.internal, `internal error (id ${id})`);
}

/** The answer to any object sent to a read-only workspace or over a `read` token. */
export function readOnlyError(name: string | null): ErrorObject {
  return errorObject(
    name,
    ErrorCode.forbidden,
    'read-only: this workspace was shared with you, or your access token has only the "read" scope; make a copy to work on it',
  );
}

const PING_TIMEOUT_MS = 30_000;
/** Pings of one client that may wait for R's answer at once (see UserSession.pingR). */
const MAX_WAITING_PINGS = 100;

/** A workspace and its objects as just read from the store. */
interface LoadedWorkspace {
  readonly workspace: { id: string; name: string };
  readonly objects: readonly StoredPanthrObject[];
}

/** The server side of one user while at least one of their tabs is connected. */
export class UserSession {
  readonly clients = new Set<ClientConnection>();
  private readonly queue = new SerialQueue();
  private lease: RLease | null = null;
  private runtime: WorkspaceRuntime | null = null;
  private workspace: { id: string; name: string; readOnly?: boolean } | null = null;
  private readonly abort = new AbortController();
  /** When the work is cancelled (see cancelAfter), and its timer. */
  private cancelBy: number | undefined;
  private cancelTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Per client whose ping R is answering: the pings that came since (see pingR). */
  private readonly pinging = new WeakMap<ClientConnection, { t: unknown; at: number }[]>();
  private readonly leanReplies = new LeanReplies();
  private readonly history: UndoHistory;
  /** Refusing messages for too many waiting, since the last one admitted (logged once). */
  private refusing = false;

  /**
   * `waiting`: the user's bound on waiting messages; a session of a user who is back while
   * their previous one still ends takes over that one's (its queue runs first).
   */
  constructor(
    readonly userId: string,
    private readonly deps: UserSessionDeps,
    readonly waiting = new WaitingBound(() => deps.maxQueued),
  ) {
    this.history = new UndoHistory(deps.persistence);
  }

  /**
   * The kinds the R session this user holds knows; null before it is loaded (the next one
   * comes from the current Rserve).
   */
  get kinds(): RegisteredKinds | null {
    return this.runtime?.kinds ?? null;
  }

  /** Requests queued or running. */
  get queueDepth(): number {
    return this.queue.depth;
  }

  /**
   * Adds a tab and sends it the whole current workspace as its first `data`, once `after`
   * (the purge of the user's previous visit, whose failure was logged there) settled.
   */
  async attach(client: ClientConnection, after?: Promise<void>): Promise<void> {
    this.clients.add(client);
    await after?.catch(() => undefined);
    this.sendWorkspace([client], await this.loadWorkspace());
    if (this.runtime === null) {
      // Started ahead of the first request; if it fails, that request tries again and says why.
      this.queue
        .run(() => this.startRuntime())
        .catch((err: unknown) => {
          this.deps.log.warn({ err, user: this.userId }, 'could not start the R session');
        });
    }
  }

  /** Removes a tab; returns true when it was the last one. */
  detach(client: ClientConnection): boolean {
    this.clients.delete(client);
    // Its upload in row slices can never finish now: free what was put together of it.
    this.runtime?.dropUploads(client.socket.id);
    return this.clients.size === 0;
  }

  /**
   * Queues the checked objects of client message `seq` (`bytes` on the wire); results go
   * back as one `data`. `workspace` (the tab's, or null) is compared with the current one
   * when the message's turn comes, after any switch queued before it. Past the user's
   * bound on waiting messages ({@link WaitingBound}), every object is answered
   * `too_many_requests` at once (after the tab's workspace) and false is returned.
   */
  submit(
    client: ClientConnection,
    seq: number,
    items: readonly (StoredPanthrObject | ErrorObject)[],
    workspace: string | null = null,
    bytes = 0,
  ): boolean {
    const refusal = this.waiting.admit(bytes);
    if (refusal !== null) {
      if (!this.refusing) {
        this.refusing = true;
        this.deps.log.warn({ user: this.userId, seq }, `data refused: ${refusal}`);
      }
      const objects = items.map((o) => errorObject(o.name, ErrorCode.tooManyRequests, refusal));
      void client.ready
        .catch(() => undefined)
        .then(() => client.outbound.push({ replyTo: seq, objects }));
      return false;
    }
    this.refusing = false;
    const endWork = client.beginWork();
    const received = performance.now();
    void this.queue
      .run(() => {
        this.waiting.started(bytes);
        return this.process(client, seq, items, workspace);
      })
      .finally(() => {
        endWork();
        this.deps.log.info(
          {
            user: this.userId,
            seq,
            objects: items.length,
            ms: Math.round(performance.now() - received),
          },
          'data answered',
        );
      });
    return true;
  }

  /**
   * Answers a ping from R: a trivial evaluation in this user's session. One evaluation at a
   * time per client: pings that come while one runs wait for the next, which answers them
   * all (each `r_ms` from its own arrival); past {@link MAX_WAITING_PINGS} waiting, a ping is
   * answered at once with an error rather than queued.
   */
  async pingR(client: ClientConnection, t: unknown): Promise<void> {
    const arrived = { t, at: performance.now() };
    const waiting = this.pinging.get(client);
    if (waiting !== undefined) {
      if (waiting.length < MAX_WAITING_PINGS) waiting.push(arrived);
      else client.socket.emit('ping', { t, from: 'r', r_ms: null, error: 'too many pings' });
      return;
    }
    this.pinging.set(client, []);
    try {
      for (
        let batch = [arrived];
        batch.length > 0;
        batch = this.pinging.get(client)?.splice(0) ?? []
      ) {
        let error: string | null = null;
        try {
          // Right after connecting the session may still be starting: wait for it.
          if (this.lease === null) await this.queue.run(() => this.startRuntime());
          const lease = this.lease;
          if (lease === null) throw new RError('closed', 'no R session');
          await lease.conn.eval('NULL', { timeoutMs: PING_TIMEOUT_MS });
        } catch (err) {
          error = (err as Error).message;
        }
        const end = performance.now();
        for (const p of batch) {
          const r_ms = Math.round((end - p.at) * 100) / 100;
          client.socket.emit(
            'ping',
            error === null ? { t: p.t, from: 'r', r_ms } : { t: p.t, from: 'r', r_ms: null, error },
          );
        }
      }
    } finally {
      this.pinging.delete(client);
    }
  }

  /**
   * For tests and diagnostics: runs `fn` on this user's R session after every request
   * queued before it (loading the workspace first if no session is open), with the R
   * names of the datasets it holds. Never reachable from a client.
   */
  inspectR<T>(fn: RInspector<T>): Promise<T> {
    return this.queue.run(async () => {
      if (this.runtime === null) await this.startRuntime();
      const { lease, runtime } = this;
      if (lease === null || runtime === null) throw new RError('closed', 'no R session');
      return fn(lease.conn, runtime.heldDatasets());
    });
  }

  /** The current workspace changed (REST): load it and send it to every tab. */
  switchWorkspace(): void {
    this.queue
      .run(async () => {
        this.workspace = null;
        await this.stopRuntime();
        const loaded = await this.loadWorkspace();
        this.sendWorkspace(this.clients, loaded);
        // Within this one task nothing changes the store: R gets the objects just read.
        await this.startRuntime(loaded.objects);
      })
      .catch((err: unknown) => {
        this.deps.log.error({ err, user: this.userId }, 'could not switch workspace');
      });
  }

  /** Finishes queued work (bounded by `graceMs` if given, then cancelled) and gives R back. */
  async close(graceMs: number | null): Promise<void> {
    if (graceMs !== null) this.cancelAfter(graceMs);
    try {
      await this.queue.idle();
    } finally {
      clearTimeout(this.cancelTimer);
    }
    // A start queued from now on (a tab that left while attaching) must not lease R again.
    this.closed = true;
    await this.stopRuntime();
  }

  /**
   * Cancels the queued and running work in `ms` (or sooner if asked so before): what runs
   * then is stopped in R, what waits fails at once. For a session already closing, at
   * shutdown.
   */
  cancelAfter(ms: number): void {
    if (ms <= 0) {
      this.abort.abort();
      return;
    }
    if (
      this.abort.signal.aborted ||
      (this.cancelBy !== undefined && this.cancelBy <= Date.now() + ms)
    )
      return;
    clearTimeout(this.cancelTimer);
    this.cancelBy = Date.now() + ms;
    this.cancelTimer = setTimeout(() => this.abort.abort(), ms);
  }

  /** The workspace open now, if loaded, and whether it is another user's (read-only). */
  get openWorkspace(): { id: string; readOnly: boolean } | null {
    const w = this.workspace;
    return w === null ? null : { id: w.id, readOnly: w.readOnly === true };
  }

  private async currentWorkspace(): Promise<{ id: string; name: string; readOnly?: boolean }> {
    this.workspace ??= await this.deps.persistence.current(this.userId);
    return this.workspace;
  }

  private async loadWorkspace(): Promise<LoadedWorkspace> {
    const workspace = await this.currentWorkspace();
    return { workspace, objects: await this.deps.persistence.load(workspace.id) };
  }

  /** Sends `clients` the whole workspace, replacing what they hold. */
  private sendWorkspace(clients: Iterable<ClientConnection>, loaded: LoadedWorkspace): void {
    const { workspace, objects } = loaded;
    for (const c of clients) c.outbound.push({ replyTo: null, objects, workspace, reset: true });
  }

  /**
   * Leases an R session and loads the workspace into it: `objects` if the caller just read
   * them, else from the store. Runs inside the queue.
   */
  private async startRuntime(objects?: readonly StoredPanthrObject[]): Promise<void> {
    if (this.runtime !== null || this.closed || this.abort.signal.aborted) return;
    const workspace = await this.currentWorkspace();
    const cancelled = this.abort.signal;
    const lease = await this.deps.leaser
      .lease(this.userId, (reason) => this.lost(lease, reason), cancelled)
      .catch((err: unknown) => {
        throw cancelled.aborted ? new RError('cancelled', 'the session was closed') : err;
      });
    this.lease = lease;
    try {
      objects ??= await this.deps.persistence.load(workspace.id);
      this.runtime = await this.deps.runtimes.load(lease.conn, objects);
    } catch (err) {
      await this.stopRuntime();
      throw err;
    }
  }

  private async stopRuntime(): Promise<void> {
    const lease = this.lease;
    this.lease = null;
    this.runtime = null;
    await lease?.release();
  }

  /** The leased session died: forget it; the next request (or now) gets a fresh one. */
  private lost(lease: RLease, reason: string): void {
    if (this.lease !== lease) return;
    this.deps.log.warn({ user: this.userId, reason }, 'R session lost; starting a new one');
    this.lease = null;
    this.runtime = null;
    void lease.release().catch(() => undefined);
    if (this.clients.size > 0) {
      void this.queue
        .run(() => this.startRuntime())
        .catch((err: unknown) => {
          this.deps.log.error({ err, user: this.userId }, 'could not restart the R session');
        });
    }
  }

  private async process(
    client: ClientConnection,
    seq: number,
    items: readonly (StoredPanthrObject | ErrorObject)[],
    workspace: string | null,
  ): Promise<void> {
    await client.ready.catch(() => undefined);
    // A store that cannot say which workspace is current fails each object below instead.
    const current = await this.currentWorkspace().catch(() => null);
    const stale = current === null ? null : wrongWorkspaceReply(workspace, current, items);
    if (stale !== null) {
      client.outbound.push({ replyTo: seq, objects: stale });
      return;
    }
    // A workspace shared with this user is read-only: nothing sent may change it.
    const readOnly = current?.readOnly === true;
    const replies: (StoredPanthrObject | ErrorObject)[] = [];
    // Datasets and filters whose data this message changed: their outputs run again.
    const touched = new Set<string>();
    const changed: StoredPanthrObject[] = [];
    for (const item of items) {
      if (isErrorObject(item)) replies.push(item);
      else if (readOnly) replies.push(readOnlyError(item.name));
      else replies.push(...(await this.runOne(item, changed, touched, client.socket.id)));
    }
    client.outbound.push({ replyTo: seq, objects: replies });
    const shared = this.leanReplies.forOtherTabs(
      replies.filter((r): r is StoredPanthrObject => !isErrorObject(r)),
    );
    for (const other of this.clients) {
      if (other !== client && shared.length > 0)
        other.outbound.push({ replyTo: null, objects: shared });
    }
    // Outputs of changed data are computed again (live results); results the run only
    // marked stale (and not computed again) go too: every tab, after the reply (which
    // keeps one object per object sent).
    const fresh =
      touched.size === 0
        ? []
        : await this.rerunOutputs(touched, new Set(replies.map((r) => r.name ?? '')));
    const renewed = new Set(fresh.map((o) => o.name));
    const pushes = [...changed.filter((c) => !renewed.has(c.name)), ...fresh];
    if (pushes.length === 0) return;
    for (const c of this.clients) c.outbound.push({ replyTo: null, objects: pushes });
  }

  /**
   * Live results: runs again every output using a dataset or filter in `touched` (except
   * those in `skip`); a result that cannot be computed any more (its variable or dataset
   * is gone) is stored with `stale` saying why and sent as an error object in its place.
   */
  private async rerunOutputs(
    touched: ReadonlySet<string>,
    skip: ReadonlySet<string>,
  ): Promise<(StoredPanthrObject | ErrorObject)[]> {
    const fresh: (StoredPanthrObject | ErrorObject)[] = [];
    for (const { stored, request } of outputsToRerun(this.runtime?.list() ?? [], touched, skip)) {
      const replies = await this.runOne(request, []);
      const err = replies.find(isErrorObject);
      if (err !== undefined) {
        const why = `the data changed and this cannot be computed again: ${err.message}`;
        const ws = await this.currentWorkspace();
        await this.deps.persistence.save(ws.id, { ...stored, stale: why });
        fresh.push({ ...err, message: why });
      } else fresh.push(...replies);
    }
    return fresh;
  }

  /**
   * Runs one object and saves what it changed; never throws. Stored objects it changed as
   * a consequence (stale results) are added to `changed`; datasets and filters whose data
   * it changed, to `touched`.
   */
  private async runOne(
    object: StoredPanthrObject,
    changed: StoredPanthrObject[],
    touched?: Set<string>,
    owner?: string,
  ): Promise<readonly (StoredPanthrObject | ErrorObject)[]> {
    const started = performance.now();
    let outcome = 'ok';
    const ahead = new AheadWrites(
      this.deps.persistence,
      async () => {
        const workspace = await this.currentWorkspace();
        return workspace.readOnly === true ? undefined : workspace.id;
      },
      this.deps.log,
    );
    let stored: readonly StoredPanthrObject[] = [];
    try {
      if (this.runtime === null) await this.startRuntime();
      const runtime = this.runtime;
      if (runtime === null) throw new RError('cancelled', 'the server is shutting down');
      const which = undoKind(object);
      // Every object is copied only for a run that is a recorded change (most are not).
      const before = isRecorded(object, runtime.object(object.name ?? ''))
        ? new Map(runtime.list().map((o) => [o.name ?? '', o]))
        : null;
      const result =
        which !== null
          ? await undoRedo(this.history, runtime, {
              workspaceId: (await this.currentWorkspace()).id,
              object,
              which,
              touched: touched ?? new Set(),
              run: { timeoutMs: this.deps.computeTimeoutMs, signal: this.abort.signal },
            })
          : await runtime.run(object, {
              timeoutMs: this.deps.computeTimeoutMs,
              signal: this.abort.signal,
              ...(owner === undefined ? {} : { owner }),
              ...ahead.option(),
            });
      const saved = await this.persist(result);
      stored = result.store;
      const change = before === null ? null : changeOf(object, before, result);
      if (change !== null) {
        const workspaceId = (await this.currentWorkspace()).id;
        await this.history.record(workspaceId, change).catch(async (err: unknown) => {
          await this.history.forget(workspaceId).catch(() => undefined);
          throw err;
        });
        if (touched !== undefined) touchedData([...change.before, ...change.after], touched);
      }
      const err = result.reply.find(isErrorObject);
      if (err !== undefined) outcome = err.code;
      for (const c of result.changed ?? []) changed.push(saved.get(c.name ?? '') ?? c);
      return result.reply.map((r) => {
        if (isErrorObject(r) || r.name === null) return r;
        const s = saved.get(r.name);
        if (s === undefined) return r;
        // A row slice (or a dataset sent with echoValues false) is answered without values;
        // other tabs get the dataset as stored.
        if (isLeanReply(r)) return this.leanReplies.answer(r, s);
        // A part of an upload is answered as sent (not the whole dataset), with its hash.
        if (r.type === 'dataset' && r.append === true) return { ...r, hash: s.hash };
        // A `read` is answered as the command with its result (API.md §3), the dataset in it
        // as stored (with its hash); the command itself is not stored.
        if (r.type === 'command' && r.command === 'read' && s.type === 'dataset')
          return { ...r, result: { ...(r.result as object), dataset: s } };
        // A command is not stored: what is stored under its name (its dataset, when named
        // alike) is not its answer.
        if (r.type === 'command') return r;
        // The reply with its stored hash: a stored record may leave out what only the reply
        // carries (a newvar's values); a different object of that name is sent as stored.
        return s.type === r.type ? { ...r, hash: s.hash } : s;
      });
    } catch (err) {
      const failure = this.failure(object, err);
      outcome = failure.code;
      return [failure];
    } finally {
      // Values written ahead of a save that did not store them are deleted.
      await ahead.settle(stored);
      this.deps.metrics.observeRequest(object.type, outcome, (performance.now() - started) / 1000);
      this.deps.log.info(
        {
          user: this.userId,
          type: object.type,
          outcome,
          ms: Math.round(performance.now() - started),
        },
        'computation',
      );
    }
  }

  /**
   * Saves what a run changed; returns the stored objects by name. If the store fails, R
   * already holds the change and the store may hold part of it: the R session is given
   * back, so that the next request loads the workspace as the store has it.
   */
  private async persist(result: RunOutcome): Promise<Map<string, StoredPanthrObject>> {
    try {
      const workspace = await this.currentWorkspace();
      const saved = new Map<string, StoredPanthrObject>();
      for (const o of result.store) {
        const s = await this.deps.persistence.save(workspace.id, o);
        if (o.name !== null) saved.set(o.name, s);
      }
      for (const name of result.remove) await this.deps.persistence.remove(workspace.id, name);
      return saved;
    } catch (err) {
      await this.stopRuntime().catch((e: unknown) => {
        this.deps.log.warn({ err: e, user: this.userId }, 'could not release the R session');
      });
      throw err;
    }
  }

  private failure(object: StoredPanthrObject, err: unknown): ErrorObject {
    if (err instanceof RError) {
      switch (err.code) {
        case 'closed':
          this.runtime = null;
          return errorObject(
            object.name,
            ErrorCode.rError,
            'the R session ended unexpectedly; a new session was started with your workspace: send the request again',
          );
        case 'timeout':
          return errorObject(
            object.name,
            ErrorCode.timeout,
            'the computation took too long and was stopped',
          );
        case 'cancelled':
          return errorObject(
            object.name,
            ErrorCode.timeout,
            'the computation was stopped (server shutdown)',
          );
        case 'r_error':
        case 'parse_error':
        case 'protocol':
          return errorObject(object.name, ErrorCode.rError, err.message);
      }
    }
    // A refusal the store gave in words for the user (the workspace was deleted meanwhile).
    // An error object carries only the codes of API.md §2; an HTTP code here is a bug.
    if (err instanceof AppError && err.expose && isErrorObjectCode(err.code))
      return errorObject(object.name, err.code, err.message);
    return internalError(this.deps.log, err, { user: this.userId, type: object.type }, object.name);
  }
}
