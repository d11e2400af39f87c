/**
 * Strings of the survey email and of the unsubscribe page (`/u/<token>`), per locale. The survey's
 * own question comes from the survey; these are the words around it.
 *
 * To add a locale, add an entry to {@link emailCatalog}. It may be partial: every string it lacks
 * falls back to English (see {@link emailMessagesFor}). Placeholders in braces (`{product}`,
 * `{name}`) are replaced by the renderer; keep them in the translation.
 */

export interface EmailMessages {
  /** Subject of the first email; `{product}` is the product name. */
  subject: string;
  /** Subject of a recovery survey after a case ("you told us, we did"). */
  followUpSubject: string;
  /** Subject of a reminder. */
  reminderSubject: string;
  /** Hidden preview text shown by mail clients next to the subject. */
  preheader: string;
  /** Salutation with the contact's name (`{name}`). */
  greetingNamed: string;
  /** Salutation when the name is unknown. */
  greeting: string;
  /** One line above the question of the first email. */
  intro: string;
  /** One line above the question of a reminder. */
  reminderIntro: string;
  /** Under the buttons: what a click does. */
  clickHint: string;
  /** Meaning of 0, without the number (used in the accessible name "0 – …"). */
  lowAnchor: string;
  /** Meaning of 10, without the number. */
  highAnchor: string;
  /** Visible label under the scale, left. */
  notLikely: string;
  /** Visible label under the scale, right. */
  extremelyLikely: string;
  /** Why the recipient gets this email; `{product}` is the product name. */
  reason: string;
  /** Text of the visible unsubscribe link. */
  unsubscribe: string;
  /** Text part: the line before the eleven links. */
  textLinksIntro: string;
  /** Text part: the label before the unsubscribe URL. */
  textUnsubscribe: string;
  /** Unsubscribe page: `<title>` and heading; `{product}` is the product name. */
  unsubscribeTitle: string;
  /** Unsubscribe page: what the button does. */
  unsubscribeQuestion: string;
  /** Unsubscribe page: the button. */
  unsubscribeButton: string;
  /** Unsubscribe page after unsubscribing. */
  unsubscribedTitle: string;
  unsubscribedText: string;
  /** Unsubscribe page for an unknown link. */
  unsubscribeNotFoundTitle: string;
  unsubscribeNotFoundText: string;
}

const en: EmailMessages = {
  subject: 'How likely are you to recommend {product}?',
  reminderSubject: 'Reminder: your opinion on {product}',
  followUpSubject: 'You told us, we did: {product}',
  preheader: 'One click on a number from 0 to 10 is all it takes.',
  greetingNamed: 'Hello {name},',
  greeting: 'Hello,',
  intro: 'we would like to know what you think. One click is all it takes:',
  reminderIntro: 'a few days ago we asked you one question. If you have a moment, one click is all it takes:',
  clickHint: 'Click a number: your answer is saved at once, and you can add a comment on the next page.',
  lowAnchor: 'not at all likely',
  highAnchor: 'extremely likely',
  notLikely: '0 = not at all likely',
  extremelyLikely: '10 = extremely likely',
  reason: 'You are receiving this email because you use {product}.',
  unsubscribe: 'Unsubscribe from these surveys',
  textLinksIntro: 'Open the link of your answer:',
  textUnsubscribe: 'Unsubscribe',
  unsubscribeTitle: 'Unsubscribe from surveys about {product}',
  unsubscribeQuestion: 'You will not receive any more survey emails from us.',
  unsubscribeButton: 'Unsubscribe',
  unsubscribedTitle: 'You are unsubscribed',
  unsubscribedText: 'You will not receive any more survey emails from us.',
  unsubscribeNotFoundTitle: 'We could not find this link',
  unsubscribeNotFoundText: 'Please check that you opened the complete link from the email.',
};

const de: EmailMessages = {
  subject: 'Wie wahrscheinlich würden Sie {product} weiterempfehlen?',
  reminderSubject: 'Erinnerung: Ihre Meinung zu {product}',
  followUpSubject: 'Sie haben es uns gesagt, wir haben gehandelt: {product}',
  preheader: 'Ein Klick auf eine Zahl von 0 bis 10 genügt.',
  greetingNamed: 'Guten Tag {name},',
  greeting: 'Guten Tag,',
  intro: 'wir möchten gern wissen, was Sie denken. Ein Klick genügt:',
  reminderIntro:
    'vor einigen Tagen haben wir Ihnen eine Frage gestellt. Wenn Sie einen Moment Zeit haben, genügt ein Klick:',
  clickHint:
    'Klicken Sie auf eine Zahl: Ihre Antwort wird sofort gespeichert, und auf der nächsten Seite können Sie einen Kommentar ergänzen.',
  lowAnchor: 'überhaupt nicht wahrscheinlich',
  highAnchor: 'äußerst wahrscheinlich',
  notLikely: '0 = überhaupt nicht wahrscheinlich',
  extremelyLikely: '10 = äußerst wahrscheinlich',
  reason: 'Sie erhalten diese E-Mail, weil Sie {product} nutzen.',
  unsubscribe: 'Von diesen Umfragen abmelden',
  textLinksIntro: 'Öffnen Sie den Link Ihrer Antwort:',
  textUnsubscribe: 'Abmelden',
  unsubscribeTitle: 'Von Umfragen zu {product} abmelden',
  unsubscribeQuestion: 'Sie erhalten dann keine Umfrage-E-Mails mehr von uns.',
  unsubscribeButton: 'Abmelden',
  unsubscribedTitle: 'Sie sind abgemeldet',
  unsubscribedText: 'Sie erhalten keine Umfrage-E-Mails mehr von uns.',
  unsubscribeNotFoundTitle: 'Dieser Link wurde nicht gefunden',
  unsubscribeNotFoundText: 'Bitte prüfen Sie, ob Sie den vollständigen Link aus der E-Mail geöffnet haben.',
};

/** The built-in catalogue, keyed by lower-case language tag. English must stay complete. */
export const emailCatalog: Readonly<Record<string, Partial<EmailMessages>>> = Object.freeze({ en, de });

/** The locale whose strings fill the gaps of every other locale. */
export const EMAIL_FALLBACK_LOCALE = 'en';

/**
 * The catalogue entry for `locale`: exact tag first, then its language (`de-AT` → `de`), or
 * `undefined` when the catalogue has nothing for it.
 */
export function emailCatalogEntryFor(locale: string): Partial<EmailMessages> | undefined {
  const tag = locale.trim().replace(/_/g, '-').toLowerCase();
  if (Object.hasOwn(emailCatalog, tag)) return emailCatalog[tag];
  const language = tag.split('-')[0] ?? '';
  return Object.hasOwn(emailCatalog, language) ? emailCatalog[language] : undefined;
}

/**
 * The complete strings for `locale`: its own where the catalogue has them, English otherwise.
 *
 * @example emailMessagesFor('de-AT').unsubscribe // 'Von diesen Umfragen abmelden'
 * @example emailMessagesFor('fr').unsubscribe // 'Unsubscribe from these surveys'
 */
export function emailMessagesFor(locale: string): EmailMessages {
  const entry = emailCatalogEntryFor(locale);
  return entry === undefined || entry === en ? en : { ...en, ...entry };
}
