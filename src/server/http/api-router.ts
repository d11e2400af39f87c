import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { can, defaultPermission, type Permission } from '../../core/roles';
import type { AuthContext } from './auth';
import { ApiError, validationError } from './errors';
import { readBodyText } from './read-body';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/**
 * One route of the REST API: the same zod schemas validate the request and generate the OpenAPI
 * document, so the two cannot drift apart.
 */
export interface RouteSpec<Q extends z.ZodType, B extends z.ZodType, P extends z.ZodType> {
  method: Method;
  /** OpenAPI-style path below /api/v1, e.g. `/surveys/{id}`. */
  path: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** `text/csv` bodies are streamed to the handler unparsed. */
  bodyType?: 'json' | 'csv';
  /**
   * What the caller's role must allow (core/roles.ts); default `read` for GET, else `manage`.
   * `public`: no authentication at all (sign-in, setup, accepting an invitation).
   */
  access?: Permission | 'public';
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

export interface RouteInput<Q, B, P> {
  c: Context;
  auth: AuthContext;
  query: Q;
  body: B;
  params: P;
}

export type Handler<Q, B, P> = (input: RouteInput<Q, B, P>) => Promise<Response>;
export type PublicHandler<Q, B, P> = (input: Omit<RouteInput<Q, B, P>, 'auth'>) => Promise<Response>;

/** The permission a route needs, as the router enforces it. */
export const permissionOf = (spec: Pick<RouteSpec<z.ZodType, z.ZodType, z.ZodType>, 'access' | 'method'>) =>
  spec.access ?? defaultPermission(spec.method);

export interface RegisteredRoute {
  spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>;
}

/**
 * PostgreSQL text cannot hold U+0000; a string with it would fail in the database (a 500) instead
 * of being refused here (a 400 naming the field).
 */
export function nulError(field: string): ApiError {
  return new ApiError(
    400,
    'invalid_request',
    `${field}: must not contain the NUL character (\\u0000)`,
    field,
  );
}

/** The dotted path of the first string (or key) holding U+0000, if any. */
export function pathWithNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path || 'body' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\0')) return at;
    const found = pathWithNul(inner, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Query strings arrive as strings; repeated keys become arrays. */
function queryObject(c: Context): Record<string, string | string[]> {
  const all = c.req.queries();
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(all)) {
    if (key.includes('\0') || values.some((v) => v.includes('\0'))) throw nulError(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type) && !/\+json\b/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'Content-Type must be application/json');
  }
  const text = await readBodyText(c);
  if (text.trim() === '') throw new ApiError(400, 'invalid_json', 'The request body is empty; JSON expected');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The request body is not valid JSON');
  }
  const field = pathWithNul(parsed);
  if (field !== undefined) throw nulError(field);
  return parsed;
}

const LEAST_ROLE_WORDS: Record<Permission, string> = {
  read: 'a viewer or above',
  respond: 'a member or above',
  manage: 'an admin or owner',
  own: 'an owner',
};

export class ApiRouter {
  readonly routes: RegisteredRoute[] = [];

  constructor(
    private readonly app: Hono,
    private readonly prefix: string,
    private readonly authenticate: (c: Context) => Promise<AuthContext>,
  ) {}

  route<Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType>(
    spec: RouteSpec<Q, B, P>,
    handler: Handler<z.infer<Q>, z.infer<B>, z.infer<P>>,
  ): void {
    if (spec.access === 'public') throw new Error(`${spec.path}: register public routes with publicRoute()`);
    this.register(spec, handler as Handler<unknown, unknown, unknown>);
  }

  /** A route without authentication (its handler gets no `auth`). */
  publicRoute<
    Q extends z.ZodType = z.ZodType,
    B extends z.ZodType = z.ZodType,
    P extends z.ZodType = z.ZodType,
  >(
    spec: RouteSpec<Q, B, P> & { access: 'public' },
    handler: PublicHandler<z.infer<Q>, z.infer<B>, z.infer<P>>,
  ): void {
    this.register(spec, handler as Handler<unknown, unknown, unknown>);
  }

  private register<Q extends z.ZodType, B extends z.ZodType, P extends z.ZodType>(
    spec: RouteSpec<Q, B, P>,
    handler: Handler<unknown, unknown, unknown>,
  ): void {
    this.routes.push({ spec: spec as unknown as RouteSpec<z.ZodType, z.ZodType, z.ZodType> });
    // Unknown query parameters are refused rather than ignored: a typo such as `?survey=` would
    // otherwise silently return unfiltered data. Schemas with a catch-all (attr.<name>) check theirs.
    const querySchema =
      spec.query instanceof z.ZodObject && spec.query._zod.def.catchall === undefined
        ? spec.query.strict()
        : spec.query;
    const honoPath = this.prefix + spec.path.replace(/\{(\w+)\}/g, ':$1');
    this.app.on(spec.method.toUpperCase(), honoPath, async (c) => {
      const permission = permissionOf(spec);
      const auth = permission === 'public' ? undefined : await this.authenticate(c);
      if (auth && permission !== 'public' && !can(auth.role, permission)) {
        throw new ApiError(
          403,
          'forbidden',
          `Your role (${auth.role}) may not do this; it needs ${LEAST_ROLE_WORDS[permission]}`,
          null,
        );
      }
      const params = spec.params ? spec.params.safeParse(c.req.param()) : undefined;
      if (params && !params.success) throw validationError(params.error, 'path');
      const query = querySchema ? querySchema.safeParse(queryObject(c)) : undefined;
      if (query && !query.success) throw validationError(query.error, 'query');
      let body: unknown;
      if (spec.body && spec.bodyType !== 'csv') {
        const parsed = spec.body.safeParse(await readJson(c));
        if (!parsed.success) throw validationError(parsed.error, 'body');
        body = parsed.data;
      }
      return handler({
        c,
        auth: auth as AuthContext,
        query: query?.data,
        body,
        params: params?.data,
      });
    });
  }
}
