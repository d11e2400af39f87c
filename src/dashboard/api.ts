/**
 * The dashboard's only door to data: the public REST API under /api/v1, with the session cookie
 * (same origin) and the session's CSRF token on every change.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

let csrfToken = '';

/** Remembers the CSRF token of the session (from sign-in, set-up or GET /auth/session). */
export const setCsrfToken = (token: string): void => {
  csrfToken = token;
};

type Query = Record<string, string | number | boolean | undefined | null>;

export const queryString = (query: Query = {}): string => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
};

export async function api<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}${queryString(options.query)}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : null;
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string; field?: string | null } } | null)
      ?.error;
    throw new ApiError(
      res.status,
      error?.code ?? 'error',
      error?.message ?? res.statusText,
      error?.field ?? null,
    );
  }
  return json as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', path, { query });
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, { body });
export const patch = <T>(path: string, body?: unknown) => api<T>('PATCH', path, { body });
