/**
 * Headers of a survey email that the caller builds: a stable Message-ID and the RFC 8058
 * one-click unsubscribe pair.
 */

/**
 * A stable Message-ID for an invitation's email: `<invitation-id[.suffix]@host of the public URL>`.
 * Stable, so a send retried after a timeout is recognisable as the same message (receivers and the
 * outbox de-duplicate by it). A reminder passes a suffix (e.g. `r1`) so it is a message of its own.
 *
 * @example messageIdFor('6f1c…', 'https://nps.example.com') // '<6f1c…@nps.example.com>'
 */
export function messageIdFor(invitationId: string, publicUrl: string, suffix?: string): string {
  const local = suffix ? `${invitationId}.${suffix}` : invitationId;
  if (!/^[A-Za-z0-9._-]+$/.test(local)) throw new RangeError(`not usable in a Message-ID: ${local}`);
  return `<${local}@${new URL(publicUrl).hostname}>`;
}

/**
 * `List-Unsubscribe` with the https link and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
 * (RFC 8058): mail clients show an unsubscribe button and POST to the link without opening a
 * browser. Gmail and Yahoo require both for bulk senders.
 *
 * @example listUnsubscribeHeaders('https://nps.example.com/u/abc')
 *   // { 'List-Unsubscribe': '<https://nps.example.com/u/abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
 */
export function listUnsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  const url = new URL(unsubscribeUrl);
  // RFC 8058 requires an https URI for one-click; http is allowed for local set-ups (the demo).
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RangeError(`List-Unsubscribe needs an http(s) URL: ${unsubscribeUrl}`);
  }
  return {
    'List-Unsubscribe': `<${url.toString()}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** The unsubscribe link of an invitation: `<public URL>/u/<invitation token>`. */
export function unsubscribeUrlFor(publicUrl: string, invitationToken: string): string {
  return `${publicUrl}/u/${encodeURIComponent(invitationToken)}`;
}

/** The hosted survey page of an invitation: `<public URL>/s/<invitation token>`. */
export function surveyPageUrlFor(publicUrl: string, invitationToken: string): string {
  return `${publicUrl}/s/${encodeURIComponent(invitationToken)}`;
}

/**
 * The open-tracking pixel of an invitation: `<public URL>/o/<invitation token>.gif` (only in emails
 * of workspaces with `track_opens`; the token is the one of the email's links, no new secret).
 */
export function openPixelUrlFor(publicUrl: string, invitationToken: string): string {
  return `${publicUrl}/o/${encodeURIComponent(invitationToken)}.gif`;
}
