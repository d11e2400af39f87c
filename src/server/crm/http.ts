/**
 * JSON over HTTP to a CRM, with what both CRMs need: a 429 (or 503) is waited out as its
 * Retry-After says (at most `maxWaitMs` per wait, `maxRetries` times), then given up with a
 * `CrmRateLimitError`; everything else that is not 2xx becomes a `CrmHttpError` with the status and
 * the start of the body. The token never appears in an error message.
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
  /** Headers that authenticate every request (Authorization or x-api-token). */
  readonly headers: Readonly<Record<string, string>>;
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
        });
      } catch (error) {
        const reason =
          error instanceof Error
            ? ((error.cause as Error | undefined)?.message ?? error.message)
            : String(error);
        throw new CrmHttpError(0, `${options.service} could not be reached (${method} ${path}): ${reason}`);
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
        const detail = typeof body === 'string' ? body : JSON.stringify(body);
        throw new CrmRateLimitError(
          res.status,
          `${options.service} answered ${res.status} (rate limit) to ${method} ${path}: ${(detail ?? '').slice(0, 300)}; the next run tries again`,
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
      const detail = typeof body === 'string' ? body : JSON.stringify(body);
      throw new CrmHttpError(
        res.status,
        `${options.service} answered ${res.status} to ${method} ${path}: ${(detail ?? '').slice(0, 300)}`,
        body,
      );
    }
  };
}
