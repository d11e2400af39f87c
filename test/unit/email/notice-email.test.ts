import { describe, expect, it } from 'vitest';
import { MailSendError } from '../../../src/server/channels/email/mailer';
import {
  germanOrEnglish,
  mailErrorToJobError,
  renderNoticeEmail,
} from '../../../src/server/channels/email/notice-email';
import { PermanentJobError } from '../../../src/server/jobs/worker';

describe('renderNoticeEmail', () => {
  it('renders paragraphs, a quote, a button and a footer link, escaped, with a matching text part', () => {
    const { html, text } = renderNoticeEmail({
      blocks: [
        'Hello <Anna>,',
        'line one\nline two',
        { quote: '"5 < 6" & <b>' },
        { button: { label: 'Go', url: 'https://x.example/a?b=1&c=2', color: '#123456' } },
        { link: { label: 'Withdraw', url: 'https://x.example/w' } },
      ],
      footer: { text: 'No more?', link: { label: 'Unsubscribe', url: 'https://x.example/u/t' } },
    });
    expect(html).toMatch(/^<!doctype html><html><body [^>]*>/);
    expect(html).toContain('<p>Hello &lt;Anna&gt;,</p>');
    expect(html).toContain('<p>line one<br>line two</p>');
    expect(html).toContain('&quot;5 &lt; 6&quot; &amp; &lt;b&gt;</blockquote>');
    expect(html).toContain(
      'href="https://x.example/a?b=1&amp;c=2" style="display:inline-block;padding:10px 16px;background:#123456;',
    );
    expect(html).toContain('<a href="https://x.example/w"');
    expect(html).toContain('No more? <a href="https://x.example/u/t"');
    expect(html).not.toContain('<b>');
    expect(text).toBe(
      'Hello <Anna>,\n\nline one\nline two\n\n""5 < 6" & <b>"\n\nGo: https://x.example/a?b=1&c=2\n\n' +
        'Withdraw: https://x.example/w\n\nNo more?\nUnsubscribe: https://x.example/u/t\n',
    );
  });

  it('never puts anything but a hex colour into the style', () => {
    const { html } = renderNoticeEmail({
      blocks: [{ button: { label: 'Go', url: 'https://x.example', color: 'red;background:url(x)' } }],
    });
    expect(html).toContain('background:#0b57d0;');
    expect(html).not.toContain('url(x)');
  });
});

describe('germanOrEnglish', () => {
  it('picks German for de…, English otherwise', () => {
    expect(germanOrEnglish('de')).toBe('de');
    expect(germanOrEnglish('DE-at')).toBe('de');
    expect(germanOrEnglish('en-GB')).toBe('en');
    expect(germanOrEnglish('fr')).toBe('en');
    expect(germanOrEnglish(null)).toBe('en');
    expect(germanOrEnglish(undefined)).toBe('en');
  });
});

describe('mailErrorToJobError', () => {
  it('turns a permanent mail error into a PermanentJobError and passes everything else on', () => {
    expect(mailErrorToJobError(new MailSendError('535 auth', false, 535))).toBeInstanceOf(PermanentJobError);
    const transient = new MailSendError('451 later', true, 451);
    expect(mailErrorToJobError(transient)).toBe(transient);
    const other = new Error('db down');
    expect(mailErrorToJobError(other)).toBe(other);
  });
});
