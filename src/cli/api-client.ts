/**
 * What the CLI's HTTP commands share: where the server is, the API key, and turning a refused
 * request into a readable line. The running server owns the database (PGlite has one connection),
 * so these commands never open it themselves.
 */
export interface ApiTarget {
  /** Base URL of the server, e.g. http://localhost:3000 (PLAUDIT_URL). */
  url: string;
  /** Secret API key (PLAUDIT_API_KEY). */
  key: string;
}

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stderr is a terminal: progress bars only then. */
  isTTY: boolean;
  /** Defaults from the environment, read by main.ts. */
  env: { url?: string | undefined; key?: string | undefined };
}

export const DEFAULT_URL = 'http://localhost:3000';

/** A problem with how the command was called: exit code 2. */
export class UsageError extends Error {}

/** The server and key from `--url`/`--key`, else from the environment. */
export function apiTargetOf(
  values: { url?: string | undefined; key?: string | undefined },
  io: CliIo,
): ApiTarget {
  const url = (values.url ?? io.env.url ?? DEFAULT_URL).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(url))
    throw new UsageError(`--url must be an http(s) URL, not ${JSON.stringify(url)}`);
  const key = values.key ?? io.env.key;
  if (!key) throw new UsageError('no API key: pass --key or set PLAUDIT_API_KEY');
  return { url, key };
}

/** The `{ error: { message } }` of a refused request, or its status line. */
export async function errorMessageOf(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    if (body.error?.message) return `${body.error.message} (HTTP ${res.status})`;
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 200)}` : ''}`;
}

/** Why fetch failed, in words (connection refused, unknown host …). */
export function networkErrorOf(error: unknown, url: string): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return `cannot reach ${url}: ${detail}`;
}

export const count = (n: number): string => n.toLocaleString('en-US');
