// The HTTP half of API.md section 1. Same-origin fetch with the session cookie and JSON
// bodies (the server checks Origin against CSRF). Every failure becomes an ApiError with
// the server's code and a message in plain words.

/** A failed HTTP call: the wire `code` (API.md), the HTTP status, a message for people. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Plain-words messages for the codes a person can act on. */
const MESSAGES: Record<string, string> = {
  email_taken: 'An account with this email already exists. Log in instead.',
  invalid_email: 'This does not look like an email address.',
  weak_password: 'This password is too weak. Use a longer one.',
  not_allowed: 'This server does not accept accounts for this email address.',
  bad_credentials: 'The email or the password is wrong.',
  unverified: 'Please confirm your email address first: open the link we mailed you.',
  server_full: 'The server is full right now. Please try again in a few minutes.',
  unauthorized: 'You are not logged in.',
  network: 'The server cannot be reached. Check your connection and try again.',
};

/** Codes whose server message names the rule (e.g. the password policy): shown as sent. */
const SERVER_WORDS = new Set(['weak_password']);

/** The message to show for an error code (the server's own message as a fallback). */
export function messageFor(code: string, fallback?: string): string {
  if (SERVER_WORDS.has(code) && fallback)
    return fallback.charAt(0).toUpperCase() + fallback.slice(1);
  return MESSAGES[code] ?? fallback ?? 'Something went wrong. Please try again.';
}

/** The words to show for a caught error: its message (never "Error: ..."). */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A caught account-call failure as `{code, message}`: an ApiError's own, otherwise the
 * network failure's (the request or its answer never arrived whole).
 */
export function failureOf(e: unknown): { code: string; message: string } {
  return e instanceof ApiError ? e : { code: 'network', message: messageFor('network') };
}

/**
 * A JSON request to the server: the parsed body, or an {@link ApiError} (also for a network
 * failure and for a body that is not JSON, such as a proxy's error page).
 */
export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError('network', 0, messageFor('network'));
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (json ?? {}) as { error?: unknown; message?: unknown };
    const code = typeof e.error === 'string' ? e.error : `http_${res.status}`;
    throw new ApiError(
      code,
      res.status,
      messageFor(code, typeof e.message === 'string' ? e.message : undefined),
    );
  }
  return json as T;
}

/** `/status`: the server's public configuration. */
export interface Status {
  name: string;
  owner?: string;
  location?: string;
  server_version: string;
  api_version: string;
  timeout: number;
  max_time: number | null;
  no_users: number;
  max_users: number | null;
}

/** A workspace as the list endpoint returns it; `current` marks the current one. */
export interface WorkspaceInfo {
  id: string;
  name: string;
  current: boolean;
}

/** `GET /api/v1/me`: the logged-in user, or nulls. */
export interface Me {
  email: string | null;
  workspace: { id: string; name: string } | null;
}

/** The logged-in user as `/login` answers. */
export interface LoginResult {
  email: string;
  workspace: { id: string; name: string };
}

/** Reads the workspace list (`{workspaces: [{id, name, current}]}`), skipping bad entries. */
export function normalizeWorkspaces(raw: unknown): WorkspaceInfo[] {
  const list = (raw as { workspaces?: unknown } | null)?.workspaces;
  if (!Array.isArray(list)) return [];
  return list.flatMap((w) => {
    const o = w as { id?: unknown; name?: unknown; current?: unknown } | null;
    return typeof o?.id === 'string' && typeof o.name === 'string'
      ? [{ id: o.id, name: o.name, current: o.current === true }]
      : [];
  });
}

/** Reads the preference-set list (`{preferences: [{name, updatedAt}]}`): the names. */
export function normalizePrefNames(raw: unknown): string[] {
  const list = (raw as { preferences?: unknown } | null)?.preferences;
  if (!Array.isArray(list)) return [];
  return list.flatMap((x) => {
    const name = (x as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

/** The HTTP calls the client makes. */
export const api = {
  status: (): Promise<Status> => call<Status>('GET', '/status'),
  register: (email: string, password: string): Promise<unknown> =>
    call('POST', '/register', { email, password }),
  /** Asks for a new verification mail (`POST /verify/resend`). */
  resend: (email: string): Promise<unknown> => call('POST', '/verify/resend', { email }),
  /** Changes the logged-in user's password (`POST /api/v1/password`). */
  changePassword: (current: string, password: string): Promise<unknown> =>
    call('POST', '/api/v1/password', { current, password }),
  /** Asks for a password-reset mail (`POST /password/forgot`). */
  forgotPassword: (email: string): Promise<unknown> => call('POST', '/password/forgot', { email }),
  /** Sets a new password with a mailed link's token (`POST /password/reset`). */
  resetPassword: (token: string, password: string): Promise<unknown> =>
    call('POST', '/password/reset', { token, password }),
  login: (email: string, password: string, remember: boolean): Promise<LoginResult> =>
    call<LoginResult>('POST', '/login', { email, password, remember }),
  logout: (): Promise<unknown> => call('POST', '/logout'),
  /** Who is logged in (`GET /api/v1/me`): `{email, workspace}`, both null when nobody is. */
  me: (): Promise<Me> => call<Me>('GET', '/api/v1/me'),
  workspaces: async (): Promise<WorkspaceInfo[]> =>
    normalizeWorkspaces(await call('GET', '/api/v1/workspaces')),
  createWorkspace: (name: string): Promise<unknown> => call('POST', '/api/v1/workspaces', { name }),
  renameWorkspace: (id: string, name: string): Promise<unknown> =>
    call('PATCH', `/api/v1/workspaces/${encodeURIComponent(id)}`, { name }),
  deleteWorkspace: (id: string): Promise<unknown> =>
    call('DELETE', `/api/v1/workspaces/${encodeURIComponent(id)}`),
  switchWorkspace: (id: string): Promise<unknown> =>
    call('POST', `/api/v1/workspaces/${encodeURIComponent(id)}/current`),
  prefNames: async (): Promise<string[]> =>
    normalizePrefNames(await call('GET', '/api/v1/preferences')),
  getPrefs: (name: string): Promise<unknown> =>
    call('GET', `/api/v1/preferences/${encodeURIComponent(name)}`),
  putPrefs: (name: string, value: unknown): Promise<unknown> =>
    call('PUT', `/api/v1/preferences/${encodeURIComponent(name)}`, value),
  deletePrefs: (name: string): Promise<unknown> =>
    call('DELETE', `/api/v1/preferences/${encodeURIComponent(name)}`),
};
