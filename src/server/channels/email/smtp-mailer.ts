/**
 * The SMTP mailer: nodemailer's pooled transport (a few long-lived connections, reused for many
 * messages, instead of a handshake per email).
 *
 * `SMTP_URL` is `smtp://user:pass@host:587` (STARTTLS whenever the server offers it; nodemailer
 * does that by default) or `smtps://user:pass@host:465` (TLS from the first byte). Certificates
 * are verified.
 */
import nodemailer from 'nodemailer';
import { type Mailer, MailSendError, type OutgoingEmail, type SendResult } from './mailer';

export interface SmtpMailerOptions {
  url: string;
  /** Default sender, `Name <address>`. */
  from: string;
  /** Pooled connections at most (nodemailer's default is 5). */
  maxConnections?: number;
  /** Milliseconds to wait for a connection or the greeting before a send fails as retryable. */
  connectionTimeoutMs?: number;
}

/** Commands whose permanent rejection is about the recipient (or this message to it): a bounce. */
const RECIPIENT_COMMANDS = new Set(['RCPT TO', 'DATA']);

/**
 * Host, port and TLS mode of an SMTP URL, as nodemailer will use them (587 for smtp://, 465 for
 * smtps://, unless the URL names a port).
 */
export function smtpEndpointOf(url: string): { host: string; port: number; secure: boolean } {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  return { host: parsed.hostname, port: parsed.port ? Number(parsed.port) : secure ? 465 : 587, secure };
}

/** Creates the pooled SMTP mailer. Nothing connects until the first send (or `verify`). */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const timeout = options.connectionTimeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections ?? 5,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: 2 * timeout,
  });
  const { host, port, secure } = smtpEndpointOf(options.url);

  return {
    description: `SMTP ${host}:${port}${secure ? ' (TLS)' : ''}`,
    async send(message: OutgoingEmail): Promise<SendResult> {
      try {
        const info = await transport.sendMail({
          from: message.from ?? options.from,
          to: { name: message.to.name ?? '', address: message.to.address },
          subject: message.subject,
          text: message.text,
          html: message.html,
          messageId: message.messageId,
          headers: { ...message.headers },
        });
        return { status: 'accepted', messageId: message.messageId, response: info.response };
      } catch (error) {
        return bounceOrThrow(error, message.messageId);
      }
    },
    async verify() {
      try {
        await transport.verify();
      } catch (error) {
        throw sendErrorOf(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}

interface SmtpErrorFields {
  message?: string;
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
}

function fieldsOf(error: unknown): SmtpErrorFields {
  return typeof error === 'object' && error !== null
    ? (error as SmtpErrorFields)
    : { message: String(error) };
}

/** RFC 5321: 5yz is permanent, except 503 (bad sequence: the session, not the message, was wrong). */
function isPermanent(code: number | undefined): code is number {
  return code !== undefined && code >= 500 && code < 600 && code !== 503;
}

/**
 * A permanent rejection of the recipient or of the message to it (5xx to RCPT TO or DATA) is a
 * bounce: the address is suppressed. Everything else is thrown as a {@link MailSendError}.
 */
function bounceOrThrow(error: unknown, messageId: string): SendResult {
  const fields = fieldsOf(error);
  if (isPermanent(fields.responseCode) && RECIPIENT_COMMANDS.has(fields.command ?? '')) {
    return {
      status: 'bounced',
      messageId,
      response: fields.response ?? fields.message ?? String(fields.responseCode),
      responseCode: fields.responseCode,
    };
  }
  throw sendErrorOf(error);
}

/**
 * Transient (retryable): any 4xx reply, 503, and every failure without a reply (connection refused
 * or lost, DNS, timeout, TLS). Permanent: a 5xx to anything but the recipient, i.e. the set-up is
 * wrong (535 authentication failed, 550 sender refused); retrying would only repeat it.
 */
function sendErrorOf(error: unknown): MailSendError {
  const fields = fieldsOf(error);
  const retryable = !isPermanent(fields.responseCode);
  return new MailSendError(
    `SMTP: ${fields.message ?? 'sending failed'}`,
    retryable,
    fields.responseCode,
    fields.code,
  );
}
