/**
 * JSON over HTTP to a CRM, with what both CRMs need: a 429 (or 503) is waited out as its
 * Retry-After says (at most `maxWaitMs` per wait, `maxRetries` times), then given up with a
 * `CrmRateLimitError`; everything else that is not 2xx becomes a `CrmHttpError` with the status and
 * the start of the body (control characters removed, at most `MAX_DETAIL` characters: it ends up in
 * the connection's last_error).
 *
 * The credentials never appear in an error message: the values of the authenticating headers (and
 * the token after "Bearer"), and `secrets` (e.g. a client secret sent in a form), are replaced by
 * `[redacted]` wherever a CRM echoes them back. Redirects are not followed (`redirect: 'manual'`):
 * the headers would go along to whatever origin the redirect names, so a 3xx is an error naming it.
 */
import { retryAfterMs } from '../../core/crm-mapping';

export class CrmHttpError extends Error {
  override readonly name: string = 'CrmHttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

/** Still rate-limited after the retries: the run stops here, the next run goes on. */
export class CrmRateLimitError extends CrmHttpError {
  override readonly name = 'CrmRateLimitError';
}

export interface CrmHttpOptions {
  readonly baseUrl: string;
  /** Headers that authenticate every request (Authorization or x-api-token); never in a message. */
  readonly headers: Readonly<Record<string, string>>;
  /** Other values never to show in an error message (sent in a body, e.g. a client secret). */
  readonly secrets?: readonly string[];
  /** Who we talk to, for error messages: "HubSpot", "Pipedrive". */
  readonly service: string;
  readonly clock?: () => Date;
  /** Waits `ms` (tests pass a recorder); default a timer that `signal` cuts short. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
  readonly maxRetries?: number;
  readonly maxWaitMs?: number;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
  /**
   * Answers that are rate limits besides 429/503 (Salesforce: 403 REQUEST_LIMIT_EXCEEDED). They are
   * waited out only when they carry Retry-After; without it the run gives up at once (a daily
   * limit is not over in seconds) and the next run tries again.
   */
  readonly isRateLimit?: (status: number, body: unknown) => boolean;
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Characters of a CRM's answer kept in an error message. */
export const MAX_DETAIL = 200;
/** Shorter values are not redacted (they would match ordinary text; credentials are longer). */
const MIN_SECRET_LENGTH = 6;

/** The credentials to hide: header values, the part after an auth scheme, and the extra secrets. */
export function secretsOf(
  headers: Readonly<Record<string, string>>,
  extra: readonly string[] = [],
): string[] {
  const values = new Set<string>();
  for (const value of [...Object.values(headers), ...extra]) {
    const trimmed = value.trim();
    values.add(trimmed);
    const scheme = /^\S+\s+(\S+)$/.exec(trimmed);
    if (scheme) values.add(scheme[1]!);
  }
  // Also as a CRM may echo them: JSON-escaped and URL-encoded.
  for (const v of [...values]) {
    values.add(JSON.stringify(v).slice(1, -1));
    values.add(encodeURIComponent(v));
  }
  // Longest first, so a header value goes before the token inside it.
  return [...values].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * Text of a CRM for an error message: the secrets redacted, control (and invisible format)
 * characters replaced by spaces, runs of spaces joined, cut at `max` characters.
 */
export function safeDetail(text: string, secrets: readonly string[], max = MAX_DETAIL): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  out = out
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

export type CrmRequest = <T>(
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  init?: {
    query?: Record<string, string | undefined>;
    body?: unknown;
    /** Sent as application/x-www-form-urlencoded instead of a JSON body (OAuth token requests). */
    form?: Record<string, string>;
  },
) => Promise<{ status: number; body: T }>;

/** A request function bound to one CRM connection. */
export function crmHttp(options: CrmHttpOptions): CrmRequest {
  const clock = options.clock ?? (() => new Date());
  const sleep = options.sleep ?? defaultSleep;
  const maxRetries = options.maxRetries ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const base = options.baseUrl.replace(/\/+$/, '');
  const secrets = secretsOf(options.headers, options.secrets);
  const detailOf = (body: unknown, text: string) =>
    safeDetail(typeof body === 'string' ? body : (JSON.stringify(body) ?? text), secrets);
  return async function request<T>(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    init: { query?: Record<string, string | undefined>; body?: unknown; form?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T }> {
    const url = new URL(base + path);
    for (const [key, value] of Object.entries(init.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, value);
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers: {
            accept: 'application/json',
            ...(init.form !== undefined
              ? { 'content-type': 'application/x-www-form-urlencoded' }
              : init.body === undefined
                ? {}
                : { 'content-type': 'application/json' }),
            ...options.headers,
          },
          body:
            init.form !== undefined
              ? new URLSearchParams(init.form).toString()
              : init.body === undefined
                ? undefined
                : JSON.stringify(init.body),
          signal,
          // Never to another origin with our headers: a 3xx is answered below as an error.
          redirect: 'manual',
        });
      } catch (error) {
        const reason =
          error instanceof Error
            ? ((error.cause as Error | undefined)?.message ?? error.message)
            : String(error);
        throw new CrmHttpError(
          0,
          `${options.service} could not be reached (${method} ${path}): ${safeDetail(reason, secrets)}`,
        );
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        throw new CrmHttpError(
          res.status,
          `${options.service} answered ${res.status} (a redirect${redirectTarget(res.headers.get('location'), url)}) to ${method} ${path}; redirects are not followed: check base_url`,
        );
      }
      const text = await res.text();
      let body: unknown = null;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        body = text;
      }
      if (res.ok) return { status: res.status, body: body as T };
      const otherLimit =
        res.status !== 429 && res.status !== 503 && (options.isRateLimit?.(res.status, body) ?? false);
      if (otherLimit && res.headers.get('retry-after') === null) {
        throw new CrmRateLimitError(
          res.status,
          `${options.service} answered ${res.status} (rate limit) to ${method} ${path}: ${detailOf(body, text)}; the next run tries again`,
          body,
        );
      }
      if (res.status === 429 || res.status === 503 || otherLimit) {
        const wait = retryAfterMs(res.headers.get('retry-after'), clock(), 10_000 * 2 ** attempt);
        if (attempt < maxRetries && wait <= maxWaitMs) {
          await sleep(wait, options.signal);
          continue;
        }
        throw new CrmRateLimitError(
          res.status,
          `${options.service} answered ${res.status} (rate limit) to ${method} ${path}; asked to wait ${Math.round(wait / 1000)} s`,
          body,
        );
      }
      throw new CrmHttpError(
        res.status,
        `${options.service} answered ${res.status} to ${method} ${path}: ${detailOf(body, text)}`,
        body,
      );
    }
  };
}

/** " to https://other.example" (the origin only), or "" when there is no usable Location. */
function redirectTarget(location: string | null, from: URL): string {
  if (location === null) return '';
  try {
    const target = new URL(location, from);
    return /^https?:$/.test(target.protocol) ? ` to ${target.origin}` : '';
  } catch {
    return '';
  }
}
