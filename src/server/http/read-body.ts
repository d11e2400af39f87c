import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ApiError } from './errors';

/** JSON bodies above this are refused with 413; CSV uploads are streamed with their own limit. */
export const JSON_BODY_LIMIT = 256 * 1024;

const tooLarge = (limit: number) =>
  new ApiError(413, 'payload_too_large', `The request body is larger than ${limit} bytes`);

/**
 * The request body as text, refused with 413 beyond `limit` bytes (declared or counted).
 *
 * Under @hono/node-server the body is read straight from the Node request: going through
 * `c.req.text()` would first build a WHATWG Request with an AbortSignal and a web stream around
 * it, which costs more CPU than the rest of a response submission (see docs/PERFORMANCE.md).
 * Elsewhere (tests with `app.request()`, other runtimes) the standard body is read.
 */
export async function readBodyText(c: Context, limit = JSON_BODY_LIMIT): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > limit) throw tooLarge(limit);
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming || typeof incoming.on !== 'function') {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > limit) throw tooLarge(limit);
    return text;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
