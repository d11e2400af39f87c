/**
 * The email channel end to end: a real SMTP server in the test process (smtp-server) receives what
 * the pooled SMTP mailer sends, mailparser reads it, and the links in it are followed over real
 * HTTP against the real app.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  composeSurveyEmail,
  type SurveyEmailRecords,
} from '../../src/server/channels/email/compose-survey-email';
import { deliverSurveyEmail } from '../../src/server/channels/email/deliver-survey-email';
import { type Mailer, MailSendError } from '../../src/server/channels/email/mailer';
import { createOutboxMailer } from '../../src/server/channels/email/outbox-mailer';
import { createSmtpMailer } from '../../src/server/channels/email/smtp-mailer';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { isSuppressed } from '../../src/server/repo/suppressions';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = (res: Response): Promise<any> => res.json();
const FROM = 'Taskwerk Feedback <nps@taskwerk.example>';

/** An SMTP server that requires a login, refuses `reject550@…` for good and defers `defer451@…`. */
async function startSmtpServer() {
  const received: ParsedMail[] = [];
  const envelopes: string[][] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'plaudit' && auth.password === 's3cret:pw')
        return callback(null, { user: 'plaudit' });
      callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('reject550@')) {
        return callback(
          Object.assign(new Error('5.1.1 <reject550@example.com>: no such user'), { responseCode: 550 }),
        );
      }
      if (address.address.startsWith('defer451@')) {
        return callback(Object.assign(new Error('4.7.1 Try again later'), { responseCode: 451 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          envelopes.push((session.envelope.rcptTo ?? []).map((r) => r.address));
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    received,
    envelopes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function header(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line?.slice(line.indexOf(':') + 1).trim();
}

function hrefsOf(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

const addressesOf = (value: AddressObject | AddressObject[] | undefined) =>
  [value ?? []].flat().flatMap((a) => a.value);

for (const kind of databaseKinds()) {
  describe(`email channel on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let mailer: Mailer;
    let http: ReturnType<typeof serve>;
    let publicUrl = '';
    let app: ReturnType<typeof createApp>['app'];
    let workspaceId = '';
    let key = '';
    let survey: SurveyEmailRecords['survey'] & { id: string };
    let outboxDir = '';

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      smtp = await startSmtpServer();
      mailer = createSmtpMailer({
        url: `smtp://plaudit:${encodeURIComponent('s3cret:pw')}@127.0.0.1:${smtp.port}`,
        from: FROM,
        maxConnections: 2,
      });
      // The app needs its public URL before it exists, and the URL needs the port: listen first.
      let fetchApp: (request: Request, env: unknown) => Response | Promise<Response> = () =>
        new Response('starting', { status: 503 });
      http = serve({ fetch: (request, env) => fetchApp(request, env), port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((resolve) => http.once('listening', () => resolve()));
      publicUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      app = createApp({ config: loadConfig({}, { publicUrl }), db, clock: () => new Date() }).app;
      fetchApp = (request, env) => app.fetch(request, env);

      const ws = await createWorkspace(db, { name: 'Mail' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 't')).secret;
      survey = await json(await api('POST', '/surveys', { name: 'Relationship', product_name: 'Taskwerk' }));
      outboxDir = await mkdtemp(path.join(tmpdir(), 'plaudit-outbox-'));
    });
    afterAll(async () => {
      await mailer?.close();
      await new Promise<void>((resolve) => http?.close(() => resolve()));
      await smtp?.close();
      await rm(outboxDir, { recursive: true, force: true });
      await drop();
    });

    const api = (method: string, urlPath: string, body?: unknown) =>
      fetch(`${publicUrl}/api/v1${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    /** A real invitation (channel email) and its email, as the send job will build it. */
    const invitationEmail = async (contact: { email: string; name?: string; locale?: string }) => {
      const res = await api('POST', '/invitations', { survey_id: survey.id, contact, channel: 'email' });
      expect(res.status).toBe(201);
      const invitation = await json(res);
      const email = composeSurveyEmail({
        publicUrl,
        invitation,
        contact: { email: contact.email, name: contact.name ?? null, locale: contact.locale ?? null },
        survey,
      });
      return { invitation, email };
    };

    it('sends a German survey email over SMTP, and its button and unsubscribe links work over HTTP', async () => {
      const { invitation, email } = await invitationEmail({
        email: 'anna@example.de',
        name: 'Anna Müller',
        locale: 'de',
      });
      const result = await deliverSurveyEmail(
        db,
        mailer,
        email,
        { workspaceId, contactId: invitation.contact_id },
        () => new Date(),
      );
      expect(result).toMatchObject({ status: 'accepted', messageId: `<${invitation.id}@127.0.0.1>` });

      const mail = smtp.received.find((m) => m.messageId === `<${invitation.id}@127.0.0.1>`)!;
      expect(mail, 'the SMTP server received the email').toBeTruthy();
      expect(addressesOf(mail.from)).toEqual([
        { name: 'Taskwerk Feedback', address: 'nps@taskwerk.example' },
      ]);
      expect(addressesOf(mail.to)).toEqual([{ name: 'Anna Müller', address: 'anna@example.de' }]);
      expect(mail.subject).toBe('Wie wahrscheinlich würden Sie Taskwerk weiterempfehlen?');
      const unsubscribeUrl = `${publicUrl}/u/${invitation.token}`;
      expect(header(mail, 'List-Unsubscribe')).toBe(`<${unsubscribeUrl}>`);
      expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
      expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });

      // Both parts, German, with the eleven answer links and the unsubscribe link.
      const html = mail.html as string;
      expect(html).toContain('<html lang="de"');
      expect(html).toContain('Guten Tag Anna Müller,');
      expect(html).toContain(
        'Wie wahrscheinlich ist es, dass Sie Taskwerk einem Freund oder Kollegen weiterempfehlen?',
      );
      const links = hrefsOf(html);
      const scoreLinks = links.filter((href) => href.startsWith(invitation.url));
      expect(scoreLinks).toEqual(Array.from({ length: 11 }, (_, n) => `${invitation.url}?score=${n}`));
      expect(links).toContain(unsubscribeUrl);
      expect(mail.text).toContain('Guten Tag Anna Müller,');
      expect(mail.text).toContain(`0 (überhaupt nicht wahrscheinlich): ${invitation.url}?score=0`);
      expect(mail.text).toContain(`10 (äußerst wahrscheinlich): ${invitation.url}?score=10`);
      expect(mail.text).toContain(`Abmelden: ${unsubscribeUrl}`);

      // A click on the 9 button of the received email, over real HTTP.
      const click = await fetch(scoreLinks[9]!, { redirect: 'manual' });
      expect(click.status).toBe(303);
      const responses = (await json(await api('GET', `/responses?survey_id=${survey.id}`))).data;
      expect(responses).toHaveLength(1);
      expect(responses[0]).toMatchObject({
        invitation_id: invitation.id,
        contact_id: invitation.contact_id,
        score: 9,
        channel: 'email',
        locale: 'de',
      });

      // Opening the unsubscribe link shows a button and changes nothing (link scanners).
      const page = await fetch(unsubscribeUrl);
      expect(page.status).toBe(200);
      const pageHtml = await page.text();
      expect(pageHtml).toContain('<html lang="de">');
      expect(pageHtml).toContain(`<form method="post" action="/u/${invitation.token}">`);
      expect(await isSuppressed(db, workspaceId, 'anna@example.de')).toBe(false);

      // The RFC 8058 one-click POST a mail client sends to the List-Unsubscribe URL.
      const oneClick = () =>
        fetch(unsubscribeUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
      const unsubscribed = await oneClick();
      expect(unsubscribed.status).toBe(200);
      expect(await unsubscribed.text()).toContain('Sie sind abgemeldet');
      expect((await oneClick()).status).toBe(200);
      const [contact] = await db.query<{ unsubscribed_at: Date | null }>(
        'SELECT unsubscribed_at FROM contact WHERE id = $1',
        [invitation.contact_id],
      );
      expect(contact!.unsubscribed_at).toBeInstanceOf(Date);
      const suppressions = (await json(await api('GET', '/suppressions?reason=unsubscribed'))).data;
      expect(suppressions).toEqual([
        expect.objectContaining({
          email: 'anna@example.de',
          contact_id: invitation.contact_id,
          reason: 'unsubscribed',
          source: 'one-click',
        }),
      ]);
      expect(await isSuppressed(db, workspaceId, 'Anna@Example.de')).toBe(true);
      expect(await (await fetch(unsubscribeUrl)).text()).toContain('Sie sind abgemeldet');

      // The next email to the address is not sent.
      const before = smtp.received.length;
      const again = await deliverSurveyEmail(
        db,
        mailer,
        email,
        { workspaceId, contactId: invitation.contact_id },
        () => new Date(),
      );
      expect(again.status).toBe('suppressed');
      expect(smtp.received.length).toBe(before);
    });

    it("unsubscribes through the page's form, in English, and answers unknown links with 404", async () => {
      const { invitation } = await invitationEmail({ email: 'ben@example.com', locale: 'en' });
      const form = await fetch(`${publicUrl}/u/${invitation.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'source=page',
        redirect: 'manual',
      });
      expect(form.status).toBe(303);
      expect(form.headers.get('location')).toBe(`/u/${invitation.token}`);
      expect(await (await fetch(`${publicUrl}/u/${invitation.token}`)).text()).toContain(
        'You are unsubscribed',
      );
      const rows = await db.query<{ source: string }>(
        'SELECT source FROM suppression WHERE workspace_id = $1 AND email = $2',
        [workspaceId, 'ben@example.com'],
      );
      expect(rows).toEqual([{ source: 'page' }]);

      const unknown = await fetch(`${publicUrl}/u/no-such-token`, {
        method: 'POST',
        body: 'List-Unsubscribe=One-Click',
      });
      expect(unknown.status).toBe(404);
      expect(await unknown.text()).toContain('We could not find this link');
      expect((await fetch(`${publicUrl}/u/${'x'.repeat(200)}`)).status).toBe(404);
    });

    it('returns a 550 rejection as a bounce and suppresses the address; a 451 is retryable', async () => {
      const { invitation, email } = await invitationEmail({ email: 'reject550@example.com' });
      const result = await deliverSurveyEmail(
        db,
        mailer,
        email,
        { workspaceId, contactId: invitation.contact_id },
        () => new Date(),
      );
      expect(result).toMatchObject({ status: 'bounced', responseCode: 550 });
      expect(result.status === 'bounced' && result.response).toMatch(/^550 .*no such user/);
      const [bounce] = (await json(await api('GET', '/suppressions?reason=bounced'))).data;
      expect(bounce).toMatchObject({
        email: 'reject550@example.com',
        contact_id: invitation.contact_id,
        source: 'smtp',
      });
      expect(bounce.detail).toMatch(/550 .*no such user/);
      expect(await isSuppressed(db, workspaceId, 'reject550@example.com')).toBe(true);

      const deferred = await invitationEmail({ email: 'defer451@example.com' });
      const error = await mailer.send(deferred.email).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MailSendError);
      expect(error).toMatchObject({ retryable: true, responseCode: 451 });
      expect(await isSuppressed(db, workspaceId, 'defer451@example.com')).toBe(false);
    });

    it('throws a retryable error when the SMTP server cannot be reached, and a permanent one for a wrong password', async () => {
      const unreachable = createSmtpMailer({
        url: 'smtp://127.0.0.1:1',
        from: FROM,
        connectionTimeoutMs: 2000,
      });
      const { email } = await invitationEmail({ email: 'carla@example.com' });
      await expect(unreachable.send(email)).rejects.toMatchObject({ name: 'MailSendError', retryable: true });
      await unreachable.close();
      const wrongPassword = createSmtpMailer({
        url: `smtp://plaudit:nope@127.0.0.1:${smtp.port}`,
        from: FROM,
      });
      await expect(wrongPassword.send(email)).rejects.toMatchObject({ retryable: false, responseCode: 535 });
      await wrongPassword.close();
    });

    it('rate-limits the unsubscribe pages like the survey pages', async () => {
      const limited = createApp({
        config: loadConfig({}, { publicUrl, publicRateLimit: 2 }),
        db,
        clock: () => new Date(),
      });
      expect((await limited.app.request('/u/unknown-token')).status).toBe(404);
      expect((await limited.app.request('/u/unknown-token', { method: 'POST' })).status).toBe(404);
      const refused = await limited.app.request('/u/unknown-token', { headers: { 'accept-language': 'de' } });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.text()).toContain('Zu viele Anfragen');
      await limited.close();
    });

    it('writes the same message as an .eml file into the outbox, once per Message-ID', async () => {
      const outbox = createOutboxMailer({ dir: outboxDir, from: FROM });
      const { invitation, email } = await invitationEmail({
        email: 'dora@example.de',
        name: 'Dora',
        locale: 'de',
      });
      expect(await outbox.send(email)).toMatchObject({ status: 'accepted', messageId: email.messageId });
      expect(await outbox.send(email)).toMatchObject({ status: 'accepted' });
      await outbox.close();
      const files = await readdir(outboxDir);
      expect(files).toEqual([`${invitation.id}@127.0.0.1.eml`]);
      const raw = await readFile(path.join(outboxDir, files[0]!));
      expect(raw.includes('\r\n')).toBe(true);
      const mail = await simpleParser(raw);
      expect(mail.messageId).toBe(email.messageId);
      expect(addressesOf(mail.from)).toEqual([
        { name: 'Taskwerk Feedback', address: 'nps@taskwerk.example' },
      ]);
      expect(addressesOf(mail.to)).toEqual([{ name: 'Dora', address: 'dora@example.de' }]);
      expect(mail.subject).toBe(email.subject);
      expect(mail.text).toBe(email.text);
      expect((mail.html as string).trim()).toBe(email.html);
      expect(header(mail, 'List-Unsubscribe')).toBe(`<${publicUrl}/u/${invitation.token}>`);
      expect(header(mail, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    });
  });
}
