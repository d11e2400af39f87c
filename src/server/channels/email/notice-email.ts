/**
 * The plain emails that are not survey invitations (the playbook's follow-ups, the testimonial
 * notice, the member invitation): one bare HTML shell and its text part, the de/en pick of their
 * language, and the rule that a permanent mail error fails the job at once.
 */
import { escapeHtml } from '../../http/escape-html';
import { PermanentJobError } from '../../jobs/worker';
import { type Mailer, MailSendError, type OutgoingEmail, type SendResult } from './mailer';

/**
 * A block of a notice email, in order:
 * - a string: a paragraph (a newline in it becomes `<br>`);
 * - `quote`: the customer's words, as a blockquote (text part: in double quotes);
 * - `button`: a link styled as a button in `color` (default `#0b57d0`);
 * - `link`: a plain link. Text part of both: `label: url`.
 */
export type NoticeBlock =
  | string
  | { readonly quote: string }
  | { readonly button: { readonly label: string; readonly url: string; readonly color?: string } }
  | { readonly link: { readonly label: string; readonly url: string } };

export interface NoticeEmailInput {
  readonly blocks: readonly NoticeBlock[];
  /** Small grey print under the message, e.g. the unsubscribe line: `text` and an optional link. */
  readonly footer?: {
    readonly text: string;
    readonly link?: { readonly label: string; readonly url: string };
  };
}

const DEFAULT_COLOR = '#0b57d0';
/** A colour goes into a style attribute: only `#rgb`/`#rrggbb`, anything else is the default. */
const safeColor = (color: string | undefined): string =>
  color && /^#(?:[0-9a-fA-F]{3}){1,2}$/.test(color) ? color : DEFAULT_COLOR;
const paragraph = (text: string): string => `<p>${escapeHtml(text).replace(/\n/g, '<br>')}</p>`;

/**
 * The HTML and text parts of a notice email. Every string is escaped; URLs go into `href` escaped
 * (the caller passes only http(s) URLs it built or validated).
 *
 * @example renderNoticeEmail({ blocks: ['Hello,', { link: { label: 'Open', url: 'https://x.example/a' } }] })
 *   // { html: '<!doctype html>…<p>Hello,</p><p><a href="https://x.example/a" …>Open</a></p>…', text: 'Hello,\n\nOpen: https://x.example/a\n' }
 */
export function renderNoticeEmail(input: NoticeEmailInput): { html: string; text: string } {
  const html: string[] = [];
  const text: string[] = [];
  for (const block of input.blocks) {
    if (typeof block === 'string') {
      html.push(paragraph(block));
      text.push(block);
    } else if ('quote' in block) {
      html.push(
        `<blockquote style="margin:0 0 1em;padding:.5em 1em;border-left:4px solid ${DEFAULT_COLOR}">` +
          `${escapeHtml(block.quote).replace(/\n/g, '<br>')}</blockquote>`,
      );
      text.push(`"${block.quote}"`);
    } else if ('button' in block) {
      const { label, url, color } = block.button;
      html.push(
        `<p><a href="${escapeHtml(url)}" style="display:inline-block;padding:10px 16px;background:${safeColor(color)};` +
          `color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(label)}</a></p>`,
      );
      text.push(`${label}: ${url}`);
    } else {
      const { label, url } = block.link;
      html.push(
        `<p><a href="${escapeHtml(url)}" style="color:${DEFAULT_COLOR}">${escapeHtml(label)}</a></p>`,
      );
      text.push(`${label}: ${url}`);
    }
  }
  const footer = input.footer;
  if (footer) {
    const link = footer.link
      ? ` <a href="${escapeHtml(footer.link.url)}" style="color:#57606a">${escapeHtml(footer.link.label)}</a>`
      : '';
    html.push(`<p style="color:#57606a;font-size:13px">${escapeHtml(footer.text)}${link}</p>`);
    text.push(footer.link ? `${footer.text}\n${footer.link.label}: ${footer.link.url}` : footer.text);
  }
  return {
    html:
      '<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2328;max-width:560px">' +
      `${html.join('')}</body></html>`,
    text: `${text.join('\n\n')}\n`,
  };
}

/**
 * German for a `de…` locale, English for anything else (the two languages of these emails).
 *
 * @example germanOrEnglish('de-AT') // 'de'
 * @example germanOrEnglish(null) // 'en'
 */
export function germanOrEnglish(locale: string | null | undefined): 'de' | 'en' {
  return (locale ?? '').toLowerCase().startsWith('de') ? 'de' : 'en';
}

/**
 * What a job handler throws for an error of sending: a non-retryable {@link MailSendError} (a
 * refused sender, failed authentication) becomes a {@link PermanentJobError}, so the job fails at
 * once; anything else (4xx, a lost connection) is returned as it is and retried with backoff.
 */
export function mailErrorToJobError(error: unknown): unknown {
  return error instanceof MailSendError && !error.retryable ? new PermanentJobError(error.message) : error;
}

/** Sends through `mailer`, throwing {@link mailErrorToJobError}'s verdict on failure. */
export async function sendNotice(mailer: Mailer, message: OutgoingEmail): Promise<SendResult> {
  try {
    return await mailer.send(message);
  } catch (error) {
    throw mailErrorToJobError(error);
  }
}
