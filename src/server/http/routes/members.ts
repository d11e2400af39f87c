/**
 * The people of a workspace: members with their roles, and invitations by email. Admins handle
 * viewers, members and admins; only owners handle owners (core/roles.ts `mayAssign`); a workspace
 * always keeps at least one owner. A removed member's sessions in the workspace end at once.
 */
import { z } from 'zod';
import { mayAssign, ROLES, type Role } from '../../../core/roles';
import { hashToken, newSessionToken } from '../../auth/session-cookie';
import { enqueue } from '../../jobs/queue';
import { SEND_MEMBER_INVITATION_QUEUE } from '../../jobs/send-member-invitation';
import {
  createMemberInvitation,
  getMember,
  listMembers,
  listOpenInvitations,
  lockOwners,
  type MemberInvitation,
  removeMembership,
  revokeInvitation,
  setRole,
} from '../../repo/users';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import type { AuthContext } from '../auth';
import { ApiError, notFound } from '../errors';
import { emailSchema, idParams } from '../schemas';

const INVITATION_DAYS = 7;
const roleSchema = z.enum(ROLES);

const memberSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  joined_at: z.string(),
});

const memberInvitationSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  created_at: z.string(),
  expires_at: z.string(),
});

const memberJson = (m: { id: string; email: string; name: string; role: Role; joined_at: Date }) => ({
  id: m.id,
  email: m.email,
  name: m.name,
  role: m.role,
  joined_at: new Date(m.joined_at).toISOString(),
});

const invitationJson = (i: MemberInvitation) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  created_at: new Date(i.created_at).toISOString(),
  expires_at: new Date(i.expires_at).toISOString(),
});

function checkAssign(auth: AuthContext, target: Role, current?: Role): void {
  if (!mayAssign(auth.role, target, current)) {
    throw new ApiError(403, 'forbidden', 'Only an owner can make or change owners', 'role');
  }
}

export function registerMemberRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/members',
      summary: 'The members of the workspace with their roles',
      tag: 'Members',
      responses: { 200: { description: 'Members', schema: z.object({ data: z.array(memberSchema) }) } },
    },
    async ({ c, auth }) => c.json({ data: (await listMembers(ctx.db, auth.workspaceId)).map(memberJson) }),
  );

  api.route(
    {
      method: 'patch',
      path: '/members/{id}',
      summary: "Change a member's role (the last owner stays an owner)",
      tag: 'Members',
      params: idParams,
      body: z.strictObject({ role: roleSchema }),
      responses: { 200: { description: 'The member', schema: memberSchema } },
    },
    async ({ c, auth, params, body }) => {
      const member = await ctx.db.transaction(async (tx) => {
        const owners = await lockOwners(tx, auth.workspaceId);
        const current = await getMember(tx, auth.workspaceId, params.id);
        if (!current) throw notFound('Member', 'id');
        checkAssign(auth, body.role, current.role);
        if (current.role === 'owner' && body.role !== 'owner' && owners.length === 1) {
          throw new ApiError(
            409,
            'last_owner',
            'The workspace needs an owner: make someone else owner first',
            'role',
          );
        }
        await setRole(tx, auth.workspaceId, params.id, body.role);
        return { ...current, role: body.role };
      });
      return c.json(memberJson(member));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/members/{id}',
      summary: 'Remove a member (or leave, with your own id); their sessions here end at once',
      tag: 'Members',
      params: idParams,
      // Anyone may leave; removing others needs `manage`, checked below.
      access: 'read',
      responses: { 200: { description: 'The removed member', schema: memberSchema } },
    },
    async ({ c, auth, params }) => {
      const member = await ctx.db.transaction(async (tx) => {
        const owners = await lockOwners(tx, auth.workspaceId);
        const current = await getMember(tx, auth.workspaceId, params.id);
        if (!current) throw notFound('Member', 'id');
        const self = auth.session?.user_id === params.id;
        if (!self) checkAssign(auth, current.role, current.role);
        if (current.role === 'owner' && owners.length === 1) {
          throw new ApiError(
            409,
            'last_owner',
            'The workspace needs an owner: make someone else owner first',
            'id',
          );
        }
        await removeMembership(tx, auth.workspaceId, params.id);
        return current;
      });
      return c.json(memberJson(member));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/member-invitations',
      summary: 'Open invitations (not accepted, revoked or expired)',
      tag: 'Members',
      access: 'manage',
      responses: {
        200: { description: 'Invitations', schema: z.object({ data: z.array(memberInvitationSchema) }) },
      },
    },
    async ({ c, auth }) =>
      c.json({
        data: (await listOpenInvitations(ctx.db, auth.workspaceId, ctx.clock())).map(invitationJson),
      }),
  );

  api.route(
    {
      method: 'post',
      path: '/member-invitations',
      summary: 'Invite someone by email with a role; the link is emailed, and shown in this answer once',
      tag: 'Members',
      body: z.strictObject({ email: emailSchema, role: roleSchema }),
      responses: {
        201: {
          description: 'The invitation with its link (valid once, for 7 days)',
          schema: memberInvitationSchema.extend({ invite_url: z.string() }),
        },
      },
    },
    async ({ c, auth, body }) => {
      checkAssign(auth, body.role);
      const existing = (await listMembers(ctx.db, auth.workspaceId)).find(
        (m) => m.email === body.email.toLowerCase(),
      );
      if (existing) throw new ApiError(409, 'already_member', 'This address is a member already', 'email');
      const now = ctx.clock();
      const { token } = newSessionToken();
      const inviteUrl = `${ctx.config.publicUrl}/app/join/${token}`;
      const invitation = await ctx.db.transaction(async (tx) => {
        const created = await createMemberInvitation(tx, {
          workspace_id: auth.workspaceId,
          email: body.email,
          role: body.role,
          token_hash: hashToken(token),
          invited_by: auth.session?.user_id ?? null,
          now,
          expires_at: new Date(now.getTime() + INVITATION_DAYS * 86_400_000),
        });
        await enqueue(
          tx,
          {
            queue: SEND_MEMBER_INVITATION_QUEUE,
            workspaceId: auth.workspaceId,
            payload: { invitation_id: created.id, invite_url: inviteUrl },
            uniqueKey: `member-invitation:${created.id}`,
          },
          { now },
        );
        return created;
      });
      return c.json({ ...invitationJson(invitation), invite_url: inviteUrl }, 201);
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/member-invitations/{id}',
      summary: 'Revoke an open invitation (its link stops working)',
      tag: 'Members',
      params: idParams,
      responses: { 200: { description: 'The revoked invitation', schema: memberInvitationSchema } },
    },
    async ({ c, auth, params }) => {
      const revoked = await revokeInvitation(ctx.db, auth.workspaceId, params.id, ctx.clock());
      if (!revoked) throw notFound('Invitation', 'id');
      return c.json(invitationJson(revoked));
    },
  );
}
