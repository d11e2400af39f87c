/** Picks the mailer from the configuration and describes it for the start-up log. */
import path from 'node:path';
import type { Config } from '../../config';
import type { Mailer } from './mailer';
import { createOutboxMailer } from './outbox-mailer';
import { createSmtpMailer, smtpEndpointOf } from './smtp-mailer';

export type MailConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'smtpMaxConnections' | 'dataDir'>;

/** The outbox folder of the embedded default: `<data dir>/outbox`. */
export function outboxDirOf(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'outbox');
}

/** The mailer the configuration asks for: SMTP when `SMTP_URL` is set, else the .eml outbox. */
export function createMailer(config: MailConfig): Mailer {
  return config.smtpUrl
    ? createSmtpMailer({
        url: config.smtpUrl,
        from: config.mailFrom,
        maxConnections: config.smtpMaxConnections,
      })
    : createOutboxMailer({ dir: outboxDirOf(config), from: config.mailFrom });
}

/**
 * The start-up line that says where mail goes, without opening anything.
 *
 * @example describeMailTransport(config) // 'Mail: SMTP mail.example.com:587'
 * @example describeMailTransport(config) // 'Mail: no SMTP_URL, writing .eml files to /srv/plaudit/data/outbox'
 */
export function describeMailTransport(config: Pick<Config, 'smtpUrl' | 'dataDir'>): string {
  if (!config.smtpUrl) return `Mail: no SMTP_URL, writing .eml files to ${outboxDirOf(config)}`;
  const { host, port, secure } = smtpEndpointOf(config.smtpUrl);
  return `Mail: SMTP ${host}:${port}${secure ? ' (TLS)' : ''}`;
}
