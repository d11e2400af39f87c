/**
 * How survey emails leave Plaudit. Two implementations of one small interface:
 * - SMTP through nodemailer's connection pool, when `SMTP_URL` is set (smtp-mailer.ts);
 * - the outbox, which writes each message as an .eml file into `<data dir>/outbox/`, so the demo
 *   works offline without a mail server (outbox-mailer.ts).
 * create-mailer.ts picks one from the configuration.
 *
 * The caller (the send job) decides from the result: `accepted` is done; `bounced` (a permanent
 * rejection of the recipient at send time) is recorded as a bounce and the address suppressed; a
 * thrown {@link MailSendError} with `retryable: true` (4xx, connection trouble) is tried again
 * later with the same Message-ID.
 */
/** One survey email, fully rendered. */
export interface OutgoingEmail {
  /** `Name <address>`; defaults to the mailer's sender (`PLAUDIT_MAIL_FROM`). */
  from?: string;
  to: { address: string; name?: string | null };
  subject: string;
  html: string;
  text: string;
  /**
   * A stable `<id@host>` (see `messageIdFor`): a retried send carries the same id, so receivers
   * and the outbox recognise the same message.
   */
  messageId: string;
  /** Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post` (`listUnsubscribeHeaders`). */
  headers?: Readonly<Record<string, string>>;
}

export type SendResult =
  | { status: 'accepted'; messageId: string; response: string }
  | {
      status: 'bounced';
      messageId: string;
      /** The server's reply, e.g. `550 5.1.1 <x@example.com>: no such user`. */
      response: string;
      responseCode: number;
    };

/**
 * Sending failed without a verdict on the recipient. `retryable`: a transient failure (4xx reply,
 * connection refused or lost, timeout, a full disk for the outbox) that may pass; otherwise a
 * permanent failure of the set-up (authentication, a refused sender) that retrying will not fix.
 */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly responseCode?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'MailSendError';
  }
}

export interface Mailer {
  /** One line for the start-up log, e.g. `SMTP mail.example.com:587`. Never contains credentials. */
  readonly description: string;
  send(message: OutgoingEmail): Promise<SendResult>;
  /**
   * When the message with this Message-ID was delivered, if this transport can prove it was, else
   * null. Asked by the send job when it finds an attempt that ended without a recorded result (a
   * crash between the delivery and the record): a proven delivery is recorded as sent, nothing is
   * sent again. The outbox can tell (the message's file exists); SMTP cannot (no receiving server
   * answers "did you get Message-ID X?"), so it has no such method and the job sends again with the
   * same Message-ID.
   */
  deliveredAt?(messageId: string): Promise<Date | null>;
  /** Checks the connection and credentials (SMTP only). */
  verify?(): Promise<void>;
  /** Closes pooled connections; sending afterwards is an error. */
  close(): Promise<void>;
}
