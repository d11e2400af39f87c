import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

/** An error the client caused or may see: rendered as `{ "error": { code, message, field } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export const notFound = (what: string, field: string | null = null) =>
  new ApiError(404, 'not_found', `${what} not found`, field);

export function errorBody(code: string, message: string, field: string | null = null) {
  return { error: { code, message, field } };
}

/** Turns the first zod issue into a 400 naming the field (dotted path, prefixed by where it was). */
export function validationError(error: z.ZodError, where: 'body' | 'query' | 'path'): ApiError {
  const issue = error.issues[0]!;
  // An unknown key is reported on the key itself, so a typo such as `survey=` names `survey`.
  const unknownKey = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const segments = [...issue.path.map(String), ...(unknownKey === undefined ? [] : [unknownKey])];
  const path = segments.join('.');
  const field = path === '' ? (where === 'body' ? null : where) : path;
  const text = unknownKey === undefined ? issue.message : 'unknown field';
  const message = field ? `${field}: ${text}` : text;
  return new ApiError(400, 'invalid_request', message, field);
}
