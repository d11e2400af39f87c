/**
 * One outbound JSON POST to a URL a workspace configured (webhook endpoints, the Slack incoming
 * webhook): a timeout, no redirects (a 3xx is an answer; our headers never follow it to another
 * origin), at most `maxBodyBytes` of the answer read (a receiver cannot make us buffer megabytes),
 * and a network failure returned as a line of text rather than thrown, since the caller records it
 * and decides on a retry. It throws only when `signal` aborts: the job lost its lease or the
 * worker stops, and the job runs again.
 */
export type PostResult = { status: number; body: string | null } | { status: null; error: string };

export async function postJson(
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: { timeoutMs: number; maxBodyBytes: number; signal?: AbortSignal },
): Promise<PostResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      redirect: 'manual',
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
    return { status: res.status, body: await readExcerpt(res, options.maxBodyBytes) };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { status: null, error: describeFetchError(error, options.timeoutMs) };
  }
}

/** "No answer within 10 s", or the error with its cause ("fetch failed: connect ECONNREFUSED …"). */
function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError')
    return `No answer within ${timeoutMs / 1000} s`;
  if (error instanceof Error)
    return `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`;
  return String(error);
}

/** The first `maxBytes` of the body (the rest is not read), as text without NULs. */
async function readExcerpt(res: Response, maxBytes: number): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = Buffer.concat(chunks).subarray(0, maxBytes);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replaceAll('\0', '');
}
