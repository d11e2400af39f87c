/**
 * Sends one survey email the way every sender must: never to a suppressed address, and a
 * permanent rejection at send time recorded as a bounce (which suppresses the address from then
 * on). Transient failures are thrown by the mailer as a retryable `MailSendError`.
 */
import type { Queryable } from '../../db/port';
import { isSuppressed, recordSuppression } from '../../repo/suppressions';
import type { Mailer, OutgoingEmail, SendResult } from './mailer';

export type DeliveryResult = SendResult | { status: 'suppressed'; messageId: string };

/**
 * Checks the suppression list, sends, and records a bounce.
 *
 * @throws MailSendError from the mailer (see its `retryable`).
 */
export async function deliverSurveyEmail(
  db: Queryable,
  mailer: Mailer,
  message: OutgoingEmail,
  recipient: { workspaceId: string; contactId: string | null },
  clock: () => Date,
): Promise<DeliveryResult> {
  if (await isSuppressed(db, recipient.workspaceId, message.to.address)) {
    return { status: 'suppressed', messageId: message.messageId };
  }
  const result = await mailer.send(message);
  if (result.status === 'bounced') {
    await recordSuppression(
      db,
      recipient.workspaceId,
      {
        email: message.to.address,
        reason: 'bounced',
        source: 'smtp',
        detail: result.response,
        contact_id: recipient.contactId,
      },
      clock(),
    );
  }
  return result;
}
