/**
 * A real SMTP server in the test process (login plaudit / pw, no TLS) that keeps every message it
 * receives in full, parsed by mailparser (a message cut off by its client going away is not kept).
 * Recipients `defer451@…` are deferred (451) and `reject550@…` refused for good (550), so tests can
 * provoke both.
 */

import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { Mailer } from '../../../src/server/channels/email/mailer';
import { createSmtpMailer } from '../../../src/server/channels/email/smtp-mailer';

export interface SmtpSinkOptions {
  /** Milliseconds each message is held after it arrived, before the 250 (a slower server). */
  readonly delayMs?: number;
  /**
   * Called with each message kept (it is in `received` already), before the server answers 250:
   * the receiving side has the message, the sender does not know yet. A test may kill the sender
   * here; the 250 goes out when the returned promise settles.
   */
  readonly onMessage?: (mail: ParsedMail, index: number) => Promise<void> | void;
}

export async function startSmtpServer(options: SmtpSinkOptions = {}) {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'plaudit' && auth.password === 'pw') return callback(null, { user: 'plaudit' });
      callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('defer451@')) {
        return callback(Object.assign(new Error('4.2.1 mailbox busy, try later'), { responseCode: 451 }));
      }
      if (address.address.startsWith('reject550@')) {
        return callback(
          Object.assign(new Error('5.1.1 <reject550@example.com>: no such user'), { responseCode: 550 }),
        );
      }
      callback();
    },
    onData(stream, _session, callback) {
      let ended = false;
      stream.once('end', () => {
        ended = true;
      });
      simpleParser(stream)
        .then(async (mail) => {
          if (!ended) throw new Error('message cut off');
          const index = received.push(mail) - 1;
          if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
          await options.onMessage?.(mail, index);
          callback();
        })
        .catch(callback);
    },
  });
  // A client that dies mid-transaction (a killed worker) resets its connection: not our error.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The link targets of an HTML mail, `&amp;` decoded. */
export function hrefsOf(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

/** Polls `condition` every 20 ms until it holds, or fails naming `what`. */
export async function waitFor(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The SMTP mailer of the tests: pooled, logged in to `sink` as plaudit/pw, from Taskwerk Feedback. */
export function mailerFor(sink: { port: number }, maxConnections = 2): Mailer {
  return createSmtpMailer({
    url: `smtp://plaudit:pw@127.0.0.1:${sink.port}`,
    from: 'Taskwerk Feedback <nps@taskwerk.example>',
    maxConnections,
  });
}
