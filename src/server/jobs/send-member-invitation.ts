/**
 * The `send-member-invitation` job: the email inviting a colleague into a workspace, in the
 * workspace's language (German or English). The payload carries the invitation link, since the
 * database keeps only a hash of its token; the handler removes the link from the payload as soon
 * as the mail server has taken the message, so a finished job holds no usable link. Nothing is
 * sent for an invitation that was accepted, revoked or has expired meanwhile.
 */

import type { Mailer } from '../channels/email/mailer';
import { germanOrEnglish, renderNoticeEmail, sendNotice } from '../channels/email/notice-email';
import { type JobHandler, PermanentJobError } from './worker';

export const SEND_MEMBER_INVITATION_QUEUE = 'send-member-invitation';

export interface SendMemberInvitationPayload {
  invitation_id: string;
  /** Removed once sent. */
  invite_url?: string;
}

interface Row {
  email: string;
  role: string;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
  workspace_name: string;
  default_locale: string;
  inviter_name: string | null;
}

const TEXTS = {
  en: {
    subject: (ws: string) => `You are invited to ${ws} on Plaudit`,
    intro: (who: string, ws: string, role: string) =>
      `${who} invites you to the workspace "${ws}" on Plaudit as ${role}.`,
    button: 'Accept the invitation',
    expiry: (day: string) => `The link works once, until ${day}.`,
    someone: 'A colleague',
    roles: { owner: 'owner', admin: 'admin', member: 'member', viewer: 'viewer' } as Record<string, string>,
  },
  de: {
    subject: (ws: string) => `Einladung zu ${ws} in Plaudit`,
    intro: (who: string, ws: string, role: string) =>
      `${who} lädt Sie in den Arbeitsbereich „${ws}“ in Plaudit ein, als ${role}.`,
    button: 'Einladung annehmen',
    expiry: (day: string) => `Der Link gilt einmal, bis ${day}.`,
    someone: 'Eine Kollegin oder ein Kollege',
    roles: { owner: 'Inhaber', admin: 'Admin', member: 'Mitglied', viewer: 'Betrachter' } as Record<
      string,
      string
    >,
  },
};

export function sendMemberInvitationHandler(deps: {
  publicUrl: string;
  mailer: Mailer;
  clock: () => Date;
}): JobHandler {
  return async ({ job, db }) => {
    const payload = job.payload as unknown as SendMemberInvitationPayload;
    const url = payload.invite_url;
    if (!url) return; // sent before (the link was removed after the 250)
    const rows = await db.query<Row>(
      `SELECT i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at, w.name AS workspace_name,
              w.default_locale, u.name AS inviter_name
       FROM member_invitation i JOIN workspace w ON w.id = i.workspace_id
       LEFT JOIN app_user u ON u.id = i.invited_by WHERE i.id = $1`,
      [payload.invitation_id],
    );
    const row = rows[0];
    if (!row || row.accepted_at || row.revoked_at || new Date(row.expires_at) <= deps.clock()) return;
    const t = TEXTS[germanOrEnglish(row.default_locale)];
    const day = new Date(row.expires_at).toISOString().slice(0, 10);
    const intro = t.intro(row.inviter_name ?? t.someone, row.workspace_name, t.roles[row.role] ?? row.role);
    const host = new URL(deps.publicUrl).hostname;
    const { html, text } = renderNoticeEmail({
      blocks: [intro, { button: { label: t.button, url } }],
      footer: { text: t.expiry(day) },
    });
    const forgetLink = () =>
      db.query(`UPDATE job SET payload = payload - 'invite_url' WHERE id = $1`, [job.id]);
    try {
      await sendNotice(deps.mailer, {
        to: { address: row.email },
        subject: t.subject(row.workspace_name),
        text,
        html,
        messageId: `<member-invitation.${payload.invitation_id}@${host}>`,
      });
    } catch (error) {
      // A job that ends here (a permanent failure, or its last attempt) keeps no usable link.
      if (error instanceof PermanentJobError || job.attempts >= job.maxAttempts) await forgetLink();
      throw error;
    }
    await forgetLink();
  };
}
