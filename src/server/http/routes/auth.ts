/**
 * Dashboard sign-in: the first owner's set-up, sign-in and sign-out, the session, switching
 * workspaces, one's own name, language and password, and accepting an invitation. The session is
 * a cookie (auth/session-cookie.ts); its CSRF token comes with GET /auth/session.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import {
  DEFAULT_SCRYPT,
  hashPassword,
  needsRehash,
  passwordProblem,
  verifyPassword,
} from '../../auth/passwords';
import {
  clearSessionCookie,
  hashToken,
  newCsrfToken,
  newSessionToken,
  writeSessionCookie,
} from '../../auth/session-cookie';
import { clientIpOf } from '../../channels/link/client-ip';
import { rateLimitKeyOf, SlidingWindowRateLimiter } from '../../channels/link/rate-limiter';
import type { Queryable } from '../../db/port';
import {
  type ActiveSession,
  addMembership,
  countUsers,
  createSession,
  createUser,
  deleteSession,
  deleteSessionsOfUser,
  findSession,
  findUserByEmail,
  getUser,
  markInvitationAccepted,
  membershipsOf,
  openInvitationByTokenHash,
  switchSessionWorkspace,
  updateUser,
} from '../../repo/users';
import { createWorkspace, getWorkspace, updateWorkspace } from '../../repo/workspaces';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import type { AuthContext } from '../auth';
import { ApiError } from '../errors';
import { emailSchema, localeSchema, uuid } from '../schemas';

const DAY_MS = 86_400_000;
const FAILED_SIGN_IN_WINDOW_MS = 15 * 60_000;
const FAILED_SIGN_INS_PER_EMAIL = 5;

const passwordField = z.string().min(1, 'must not be empty').max(200);
const nameField = z.string().trim().min(1, 'must not be empty').max(200);

const membershipSchema = z.object({
  workspace_id: z.string(),
  workspace_name: z.string(),
  role: z.enum(['owner', 'admin', 'member', 'viewer']),
});

export const sessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), locale: z.string().nullable() }),
  workspace: z.object({ id: z.string(), name: z.string() }),
  role: z.enum(['owner', 'admin', 'member', 'viewer']),
  csrf_token: z.string().describe('Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE'),
  memberships: z.array(membershipSchema),
  expires_at: z.string(),
});

/** A password hash whose parameters are today's, to verify against when the email is unknown. */
let decoyHash: Promise<string> | undefined;

export function registerAuthRoutes(api: ApiRouter, ctx: AppContext): void {
  const scrypt = { ...DEFAULT_SCRYPT, N: 2 ** ctx.config.passwordCost };
  const perIp = new SlidingWindowRateLimiter({
    limit: ctx.config.signInRateLimit,
    windowMs: 60_000,
    clock: ctx.clock,
  });
  const perEmail = new SlidingWindowRateLimiter({
    limit: FAILED_SIGN_INS_PER_EMAIL,
    windowMs: FAILED_SIGN_IN_WINDOW_MS,
    clock: ctx.clock,
  });
  decoyHash ??= hashPassword('decoy password, never valid', scrypt);

  const limitIp = (c: Context) => {
    const hit = perIp.hit(rateLimitKeyOf(clientIpOf(c, ctx.config.trustProxy)));
    if (!hit.allowed) {
      c.header('Retry-After', String(hit.retryAfterSeconds));
      throw new ApiError(
        429,
        'rate_limited',
        'Too many sign-in attempts from this address; try again later',
        null,
      );
    }
  };

  /** Starts a session for the user in the workspace: cookie set, session JSON answered. */
  const startSession = async (
    c: Context,
    db: Queryable,
    userId: string,
    workspaceId: string,
    status: 200 | 201,
  ) => {
    const now = ctx.clock();
    const { token, hash } = newSessionToken();
    const expires = new Date(now.getTime() + ctx.config.sessionDays * DAY_MS);
    const id = await createSession(db, {
      token_hash: hash,
      user_id: userId,
      workspace_id: workspaceId,
      csrf_token: newCsrfToken(),
      now,
      expires_at: expires,
    });
    writeSessionCookie(c, ctx.config.publicUrl, token, ctx.config.sessionDays * 86_400);
    return { id, status };
  };

  /** A session read again by id (after it was started or changed in this request). */
  const reread = async (by: { id: string }) => {
    const session = await findSession(ctx.db, by, ctx.clock());
    if (!session) throw new ApiError(401, 'unauthorized', 'The session has ended; sign in again', null);
    return session;
  };

  const sessionJson = async (session: ActiveSession) => {
    const workspace = await getWorkspace(ctx.db, session.workspace_id);
    return {
      user: { id: session.user_id, email: session.email, name: session.name, locale: session.locale },
      workspace: { id: session.workspace_id, name: workspace?.name ?? '' },
      role: session.role,
      csrf_token: session.csrf_token,
      memberships: await membershipsOf(ctx.db, session.user_id),
      expires_at: new Date(session.expires_at).toISOString(),
    };
  };

  const requireSession = (auth: AuthContext) => {
    if (!auth.session) {
      throw new ApiError(
        400,
        'session_required',
        'This call is for a dashboard session, not an API key',
        null,
      );
    }
    return auth.session;
  };

  api.publicRoute(
    {
      method: 'get',
      path: '/auth/state',
      summary: 'Whether the first owner still has to be created (first visit)',
      tag: 'Sign-in',
      access: 'public',
      responses: {
        200: {
          description: 'The state',
          schema: z.object({ setup_required: z.boolean(), demo: z.boolean() }),
        },
      },
    },
    async ({ c }) => {
      const rows = await ctx.db.query<{ users: number; demo: number }>(
        'SELECT count(*)::int AS users, count(*) FILTER (WHERE is_demo)::int AS demo FROM app_user',
      );
      return c.json({ setup_required: rows[0]!.users === 0, demo: rows[0]!.demo > 0 });
    },
  );

  api.publicRoute(
    {
      method: 'post',
      path: '/auth/setup',
      summary: 'Create the first owner (only while no user exists) and sign in',
      tag: 'Sign-in',
      access: 'public',
      body: z.strictObject({
        name: nameField,
        email: emailSchema,
        password: passwordField,
        workspace_name: z.string().trim().min(1).max(200).optional(),
        locale: localeSchema.optional(),
      }),
      responses: { 201: { description: 'Signed in as the owner', schema: sessionSchema } },
    },
    async ({ c, body }) => {
      limitIp(c);
      const problem = passwordProblem(body.password, body);
      if (problem) throw new ApiError(400, 'invalid_request', `password: ${problem}`, 'password');
      const passwordHash = await hashPassword(body.password, scrypt);
      const started = await ctx.db.transaction(async (tx) => {
        // One set-up at a time; the second finds the first owner and is refused.
        await tx.query('SELECT pg_advisory_xact_lock(727001)');
        if ((await countUsers(tx)) > 0) {
          throw new ApiError(409, 'already_set_up', 'The first owner exists already; sign in instead', null);
        }
        const user = await createUser(tx, {
          email: body.email,
          name: body.name,
          password_hash: passwordHash,
          locale: body.locale ?? null,
        });
        // The workspace made at the first start (with its API key) becomes the owner's.
        const [first] = await tx.query<{ id: string }>(
          'SELECT id FROM workspace ORDER BY created_at, id LIMIT 1',
        );
        const workspaceId = first
          ? first.id
          : (await createWorkspace(tx, { name: body.workspace_name ?? 'My workspace' })).id;
        if (first && body.workspace_name) await updateWorkspace(tx, first.id, { name: body.workspace_name });
        await addMembership(tx, workspaceId, user.id, 'owner');
        return startSession(c, tx, user.id, workspaceId, 201);
      });
      return c.json(await sessionJson(await reread({ id: started.id })), 201);
    },
  );

  api.publicRoute(
    {
      method: 'post',
      path: '/auth/sign-in',
      summary: 'Sign in with email and password (sets the session cookie)',
      tag: 'Sign-in',
      access: 'public',
      body: z.strictObject({ email: emailSchema, password: passwordField, workspace_id: uuid.optional() }),
      responses: { 200: { description: 'Signed in', schema: sessionSchema } },
    },
    async ({ c, body }) => {
      limitIp(c);
      const email = body.email.toLowerCase();
      const wrong = () =>
        new ApiError(401, 'invalid_credentials', 'Email address or password is wrong', null);
      if (!perEmail.wouldAllow(email)) {
        throw new ApiError(
          429,
          'rate_limited',
          'Too many failed sign-ins for this address; try again in 15 minutes',
          null,
        );
      }
      const user = await findUserByEmail(ctx.db, email);
      // Unknown addresses cost the same time as wrong passwords: no way to probe who has an account.
      const valid = await verifyPassword(body.password, user?.password_hash ?? (await decoyHash!));
      if (!user || !valid) {
        perEmail.hit(email);
        throw wrong();
      }
      if (needsRehash(user.password_hash, scrypt)) {
        await updateUser(ctx.db, user.id, { password_hash: await hashPassword(body.password, scrypt) });
      }
      const memberships = await membershipsOf(ctx.db, user.id);
      const chosen = body.workspace_id
        ? memberships.find((m) => m.workspace_id === body.workspace_id)
        : memberships[0];
      if (!chosen) {
        throw new ApiError(
          403,
          'no_workspace',
          body.workspace_id
            ? 'You are not a member of that workspace'
            : 'You are not a member of any workspace',
          body.workspace_id ? 'workspace_id' : null,
        );
      }
      const started = await startSession(c, ctx.db, user.id, chosen.workspace_id, 200);
      return c.json(await sessionJson(await reread({ id: started.id })));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/auth/session',
      summary: 'The signed-in user, workspace, role and CSRF token',
      tag: 'Sign-in',
      responses: { 200: { description: 'The session', schema: sessionSchema } },
    },
    async ({ c, auth }) => {
      const session = requireSession(auth);
      return c.json(await sessionJson(session));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/auth/sign-out',
      summary: 'End this session',
      tag: 'Sign-in',
      access: 'read',
      responses: { 200: { description: 'Signed out', schema: z.object({ signed_out: z.literal(true) }) } },
    },
    async ({ c, auth }) => {
      await deleteSession(ctx.db, requireSession(auth).id);
      clearSessionCookie(c, ctx.config.publicUrl);
      return c.json({ signed_out: true as const });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/auth/sign-out-everywhere',
      summary: 'End every session of the signed-in user, on every device',
      tag: 'Sign-in',
      access: 'read',
      responses: {
        200: { description: 'Signed out everywhere', schema: z.object({ sessions_ended: z.number().int() }) },
      },
    },
    async ({ c, auth }) => {
      const ended = await deleteSessionsOfUser(ctx.db, requireSession(auth).user_id);
      clearSessionCookie(c, ctx.config.publicUrl);
      return c.json({ sessions_ended: ended });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/auth/switch-workspace',
      summary: "Continue this session in another of the user's workspaces",
      tag: 'Sign-in',
      access: 'read',
      body: z.strictObject({ workspace_id: uuid }),
      responses: { 200: { description: 'The session in that workspace', schema: sessionSchema } },
    },
    async ({ c, auth, body }) => {
      const session = requireSession(auth);
      const memberships = await membershipsOf(ctx.db, session.user_id);
      if (!memberships.some((m) => m.workspace_id === body.workspace_id)) {
        throw new ApiError(404, 'not_found', 'You are not a member of that workspace', 'workspace_id');
      }
      await switchSessionWorkspace(ctx.db, session.id, body.workspace_id);
      return c.json(await sessionJson(await reread({ id: session.id })));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/auth/me',
      summary: 'Change your name, language or password (a new password ends your other sessions)',
      tag: 'Sign-in',
      access: 'read',
      body: z
        .strictObject({
          name: nameField.optional(),
          locale: localeSchema.nullable().optional(),
          current_password: passwordField.optional(),
          new_password: passwordField.optional(),
        })
        .refine((b) => (b.new_password === undefined) === (b.current_password === undefined), {
          message: 'current_password and new_password go together',
          path: ['current_password'],
        }),
      responses: { 200: { description: 'The session', schema: sessionSchema } },
    },
    async ({ c, auth, body }) => {
      const session = requireSession(auth);
      let passwordHash: string | undefined;
      if (body.new_password !== undefined) {
        const user = await getUser(ctx.db, session.user_id);
        if (!user || !(await verifyPassword(body.current_password!, user.password_hash))) {
          throw new ApiError(400, 'invalid_request', 'current_password: is wrong', 'current_password');
        }
        const problem = passwordProblem(body.new_password, { email: session.email, name: session.name });
        if (problem) throw new ApiError(400, 'invalid_request', `new_password: ${problem}`, 'new_password');
        passwordHash = await hashPassword(body.new_password, scrypt);
      }
      await ctx.db.transaction(async (tx) => {
        await updateUser(tx, session.user_id, {
          name: body.name,
          locale: body.locale,
          password_hash: passwordHash,
        });
        if (passwordHash) {
          await tx.query('DELETE FROM user_session WHERE user_id = $1 AND id <> $2', [
            session.user_id,
            session.id,
          ]);
        }
      });
      return c.json(await sessionJson(await reread({ id: session.id })));
    },
  );

  const inviteToken = z.object({ token: z.string().regex(/^[\w-]{20,100}$/, 'must be an invitation token') });

  api.publicRoute(
    {
      method: 'get',
      path: '/auth/invitations/{token}',
      summary: 'What an invitation link invites to (workspace, address, role)',
      tag: 'Sign-in',
      access: 'public',
      params: inviteToken,
      responses: {
        200: {
          description: 'The invitation',
          schema: z.object({
            workspace_name: z.string(),
            email: z.string(),
            role: z.enum(['owner', 'admin', 'member', 'viewer']),
            user_exists: z
              .boolean()
              .describe("true: accept with that account's password; false: choose name and password"),
            expires_at: z.string(),
          }),
        },
      },
    },
    async ({ c, params }) => {
      limitIp(c);
      const invitation = await ctx.db.transaction((tx) =>
        openInvitationByTokenHash(tx, hashToken(params.token), ctx.clock()),
      );
      if (!invitation) throw invitationGone();
      return c.json({
        workspace_name: invitation.workspace_name,
        email: invitation.email,
        role: invitation.role,
        user_exists: (await findUserByEmail(ctx.db, invitation.email)) !== undefined,
        expires_at: new Date(invitation.expires_at).toISOString(),
      });
    },
  );

  api.publicRoute(
    {
      method: 'post',
      path: '/auth/invitations/{token}/accept',
      summary: 'Accept an invitation: join the workspace (creating the account) and sign in',
      tag: 'Sign-in',
      access: 'public',
      params: inviteToken,
      body: z.strictObject({
        name: nameField.optional(),
        password: passwordField,
        locale: localeSchema.optional(),
      }),
      responses: { 200: { description: 'Signed in, in the workspace', schema: sessionSchema } },
    },
    async ({ c, params, body }) => {
      limitIp(c);
      const now = ctx.clock();
      const started = await ctx.db.transaction(async (tx) => {
        const invitation = await openInvitationByTokenHash(tx, hashToken(params.token), now);
        if (!invitation) throw invitationGone();
        let user = await findUserByEmail(tx, invitation.email);
        if (user) {
          if (!(await verifyPassword(body.password, user.password_hash))) {
            throw new ApiError(
              401,
              'invalid_credentials',
              'password: is not the password of this account',
              'password',
            );
          }
        } else {
          if (!body.name)
            throw new ApiError(400, 'invalid_request', 'name: is required for a new account', 'name');
          const problem = passwordProblem(body.password, { email: invitation.email, name: body.name });
          if (problem) throw new ApiError(400, 'invalid_request', `password: ${problem}`, 'password');
          const created = await createUser(tx, {
            email: invitation.email,
            name: body.name,
            password_hash: await hashPassword(body.password, scrypt),
            locale: body.locale ?? null,
          });
          user = { ...created, password_hash: '' };
        }
        // Joining never lowers a role the user has already.
        const current = (await membershipsOf(tx, user.id)).find(
          (m) => m.workspace_id === invitation.workspace_id,
        );
        const order = ['viewer', 'member', 'admin', 'owner'];
        if (!current || order.indexOf(invitation.role) > order.indexOf(current.role)) {
          await addMembership(tx, invitation.workspace_id, user.id, invitation.role);
        }
        await markInvitationAccepted(tx, invitation.id, now);
        return startSession(c, tx, user.id, invitation.workspace_id, 200);
      });
      return c.json(await sessionJson(await reread({ id: started.id })));
    },
  );
}

function invitationGone(): ApiError {
  return new ApiError(
    404,
    'invitation_not_found',
    'The invitation link is unknown, used, revoked or expired',
    'token',
  );
}
