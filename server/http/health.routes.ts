/**
 * `GET /health` and `GET /ready` (API.md, "Sharing, tokens and health in API 1.1"): what a
 * load balancer or service manager asks. /health says the process serves HTTP; /ready
 * says whether it can do its work: the store answers and R is running.
 */
import { Router } from 'express';
import type { RService } from '../../r/index.ts';
import type { Store } from '../store/index.ts';

/** How long the store may take to answer the readiness probe. */
const STORE_PROBE_MS = 2000;

/** What /ready checks. */
export interface ReadinessDeps {
  readonly store: Store;
  readonly r: RService;
}

/** The reason the server is not ready, or null when it is. */
export async function notReadyReason(deps: ReadinessDeps): Promise<string | null> {
  const state = deps.r.supervisor.state;
  if (state !== 'ready') {
    if (state === 'restarting') return 'R is restarting after it stopped unexpectedly';
    // main.ts exits soon after this, for the service manager to start the server afresh.
    if (state === 'failed')
      return 'R cannot be started again (the supervisor gave up; see the log)';
    return `R is not running (${state})`;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    // A point read by _id: cheap on both backends, and it goes through the real connection.
    await Promise.race([
      deps.store.accounts.findById(''),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${STORE_PROBE_MS} ms`)),
          STORE_PROBE_MS,
        );
      }),
    ]);
  } catch (err) {
    return `the store does not answer: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
  return null;
}

/** The /health and /ready routes; neither needs a session, neither is cached. */
export function healthRoutes(deps: ReadinessDeps): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const reason = await notReadyReason(deps);
    res.set('Cache-Control', 'no-store');
    if (reason === null) res.json({ status: 'ready' });
    else res.status(503).json({ error: 'not_ready', message: reason });
  });
  return router;
}
