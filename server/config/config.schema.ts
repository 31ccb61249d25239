/**
 * The configuration file's schema (API.md §4): every key, its type and its default, in
 * one place. An empty object `{}` is a valid configuration.
 */
import { z } from 'zod';

const seconds = z.number().int().positive();
/** API.md's limits in seconds: any positive number (a test may want half a second). */
const limitSeconds = z.number().positive().finite();
const nameRe = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** The mail transport: SMTP when set, else `.eml` files in `data_dir/outbox`. */
const mailSchema = z.strictObject({
  smtp_url: z.string().regex(/^smtps?:\/\//, 'expected an smtp:// or smtps:// URL'),
  from: z.string().min(3).max(320),
});

/** Single sign-on through an organization's OpenID Connect provider (the project's own key). */
const oidcSchema = z.strictObject({
  /** The provider's issuer URL (its discovery document is at /.well-known/openid-configuration). */
  issuer: z.string().url(),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  /** Shown on the button: "Log in with NAME". */
  name: z.string().min(1).max(100),
  /** Seconds of clock difference tolerated when checking the ID token's times. */
  clock_tolerance: z.number().int().min(0).max(300).default(30),
});

/** Settings of the R session pool (the project's own keys). */
const rSchema = z.strictObject({
  /** Sessions forked ahead of demand. */
  warm_sessions: z.number().int().min(0).max(64).default(2),
  /** Sessions at most (one per connected user); null: as many as users. */
  max_sessions: z.number().int().positive().nullable().default(null),
  /** Address-space limit of one R session, in megabytes (prlimit); null: none. */
  session_memory_mb: z.number().int().min(256).nullable().default(4096),
  /** Seconds to wait for Rserve to be ready at start. */
  start_timeout: seconds.default(30),
  /** The R front-end to start Rserve with; null: Debian's /usr/bin/R. */
  binary: z.string().min(1).nullable().default(null),
  /**
   * Seconds an interrupted computation (compute_timeout, cancel) may take to stop before its
   * R session is killed and replaced: C code that never checks for SIGINT only stops so.
   */
  interrupt_grace: z.number().min(0.05).max(600).default(10),
  /**
   * Failed restarts in a row after which the supervisor gives up on R (backoff 0.5 s,
   * doubling, at most 30 s apart: 10 take about 150 s); then /ready answers 503 and the
   * process exits 1 ten seconds later, for a service manager to restart it.
   */
  restart_attempts: z.number().int().min(1).max(100).default(10),
  /**
   * The system user R (Rserve and every session) runs as when the server runs as root;
   * scripts/setup creates `panthr-r`. Ignored when the server is not root.
   */
  user: z
    .string()
    .regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'expected a system user name')
    .default('panthr-r'),
});

/**
 * Several nodes sharing one MongoDB store (the project's own key, docs/operations.md): this
 * node's id, Redis for what crosses nodes, and how long a user's lease lasts unrenewed.
 */
const clusterSchema = z.strictObject({
  /** This node's name: what nginx's cookie map and a `moved` refusal call it. */
  node_id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'expected letters, digits, _ . -'),
  redis_url: z.string().regex(/^rediss?:\/\//, 'expected a redis:// URL'),
  /** Seconds a node holds a user without renewing (renewed every third of it); at most 15. */
  lease_ttl: z.number().min(1).max(15).default(15),
});

/** The cross-key rules (applied by config.load.ts): a cluster shares its store and its secret. */
export function clusterRules(
  config: { cluster: unknown; mongodb_url: string | null; session_secret_file: string | null },
  ctx: z.core.$RefinementCtx,
): void {
  if (config.cluster === null) return;
  if (config.mongodb_url === null) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster'],
      message: 'needs mongodb_url: the embedded store is single-node',
    });
  }
  if (config.session_secret_file === null) {
    ctx.addIssue({
      code: 'custom',
      path: ['cluster'],
      message: 'needs session_secret_file: one secret file every node reads',
    });
  }
}

/** The whole configuration, with defaults. */
export const configSchema = z.strictObject({
  name: z.string().min(1).max(200).default('PanthR server'),
  owner: z.string().min(1).max(200).optional(),
  location: z.string().min(1).max(200).optional(),
  timeout: limitSeconds.default(3600),
  max_time: limitSeconds.nullable().default(86400),
  // 0 is a server that is always full: every login 503 `server_full` (API.md §1).
  max_users: z.number().int().min(0).nullable().default(null),
  max_data: z.number().int().positive().nullable().default(null),
  port: z.number().int().min(0).max(65535).default(80),
  /** Address to bind; the project's own key. */
  host: z.string().min(1).default('0.0.0.0'),
  user_validation: z.string().min(1).nullable().default(null),
  allow_full_r: z.boolean().default(false),
  extensions: z
    .record(
      z.string().regex(nameRe, 'extension names are letters, digits, _ . -'),
      z.string().min(1),
    )
    .default({}),
  public: z.boolean().default(false),
  data_dir: z.string().min(1).default('data'),
  mongodb_url: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'expected a mongodb:// URL')
    .nullable()
    .default(null),
  mail: mailSchema.nullable().default(null),
  compute_timeout: limitSeconds.default(60),
  /** The project's own keys. */
  /**
   * Messages one user may have waiting for R (sent, acknowledged, not yet started); once
   * that many wait, a message is answered `too_many_requests`.
   */
  max_queued: z.number().int().min(1).max(1_000_000).default(1000),
  /** Public URL of the server, used in mailed links; null: derived from the request. */
  base_url: z.string().url().nullable().default(null),
  /** Origins allowed besides the server's own (CSRF and Socket.IO handshake checks). */
  allowed_origins: z.array(z.string().url()).default([]),
  /** File holding the session secret; created (mode 0600) when missing. Default: in data_dir. */
  session_secret_file: z.string().min(1).nullable().default(null),
  /** Days a "keep me logged in" cookie lasts. */
  remember_days: z.number().int().positive().max(365).default(30),
  log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** Bearer token for GET /metrics; null: /metrics is served only on loopback. */
  metrics_token: z.string().min(16).nullable().default(null),
  /** Set when behind a reverse proxy (Express's `trust proxy`). */
  trust_proxy: z.union([z.boolean(), z.number().int().min(0), z.string()]).default(false),
  r: rSchema.default(rSchema.parse({})),
  /** Single sign-on; null: only email registration. */
  oidc: oidcSchema.nullable().default(null),
  /** Several nodes on one MongoDB store; null: this process is the whole server. */
  cluster: clusterSchema.nullable().default(null),
});

/** The validated, frozen configuration the server runs with. */
export type Config = z.infer<typeof configSchema>;
