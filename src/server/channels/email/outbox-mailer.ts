/**
 * The outbox mailer of the embedded default: without `SMTP_URL`, each email is written as an .eml
 * file (the complete MIME message, built by nodemailer's stream transport exactly as it would go
 * over SMTP) into `<data dir>/outbox/`. Any mail client opens the files, so the demo shows real
 * emails without a mail server.
 *
 * A file is named after the Message-ID, so a retried send overwrites its own file instead of adding
 * a second one, and is written atomically (temporary file, then rename): a reader never sees half a
 * message, and an existing file proves the delivery (`deliveredAt`), so the send job, finding an
 * attempt that died before recording its result, records it as sent instead of sending again.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { type Mailer, MailSendError, type OutgoingEmail, type SendResult } from './mailer';

/**
 * The file name of a message: its Message-ID without the angle brackets, every character outside
 * `A-Z a-z 0-9 @ . _ -` replaced by `_`, plus `.eml`.
 *
 * @example outboxFileName('<6f1c@nps.example.com>') // '6f1c@nps.example.com.eml'
 */
export function outboxFileName(messageId: string): string {
  const bare = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9@._-]/g, '_');
  // A leading dot would hide the file; an empty id cannot be named.
  const safe = bare.replace(/^\.+/, '_');
  if (safe === '') throw new RangeError('a message needs a Message-ID');
  return `${safe.slice(0, 200)}.eml`;
}

/** Creates the outbox mailer writing into `dir` (created on the first send). */
export function createOutboxMailer(options: { dir: string; from: string }): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  return {
    description: `outbox ${options.dir}`,
    async send(message: OutgoingEmail): Promise<SendResult> {
      const info = await transport.sendMail({
        from: message.from ?? options.from,
        to: { name: message.to.name ?? '', address: message.to.address },
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        headers: { ...message.headers },
      });
      const file = path.join(options.dir, outboxFileName(message.messageId));
      const temporary = path.join(options.dir, `.${randomBytes(8).toString('hex')}.tmp`);
      try {
        await mkdir(options.dir, { recursive: true });
        await writeFile(temporary, info.message as Buffer);
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        const code = (error as NodeJS.ErrnoException).code;
        // A full disk or a permission problem may be fixed by the operator: try again later.
        throw new MailSendError(`outbox: ${(error as Error).message}`, true, undefined, code);
      }
      return { status: 'accepted', messageId: message.messageId, response: `written to ${file}` };
    },
    // The file of a Message-ID appears only by the rename of a complete message: its existence
    // proves the delivery, and its modification time is when it happened. An empty file (a power
    // loss before the data reached the disk; the file is not fsynced) proves nothing.
    async deliveredAt(messageId: string): Promise<Date | null> {
      try {
        const file = await stat(path.join(options.dir, outboxFileName(messageId)));
        return file.size > 0 ? file.mtime : null;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw new MailSendError(
          `outbox: ${(error as Error).message}`,
          true,
          undefined,
          (error as NodeJS.ErrnoException).code,
        );
      }
    },
    async close() {
      transport.close();
    },
  };
}
