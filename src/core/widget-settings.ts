/**
 * Website-widget settings of a survey, and the decision whether a visitor may be asked now.
 *
 * - `validateWidgetSettings` checks settings from untrusted JSON (every problem with its field
 *   path) and fills the defaults;
 * - `contrastRatio` / `contrastWarnings`: WCAG 2.2 contrast of the widget's colours (text on
 *   background at least 4.5:1, the brand colour of buttons against the background at least 3:1);
 * - `mayAsk`: whether to show the survey to a visitor now: not after unsubscribing, not to a
 *   visitor outside the sample, not within the fatigue policy's days of the last survey on any
 *   channel, not within the cooldown after the visitor closed the widget.
 */
import { spreadOf } from './business-hours';
import { DAY_MS } from './calendar';
import {
  describeValue,
  type FieldError,
  isIntegerIn,
  isRecord,
  unknownKeyErrors,
  type Validated,
} from './validation';

/** What makes the widget open by itself (the page API `plaudit('show')` always does). */
export type WidgetTrigger =
  | { kind: 'page_view'; url_pattern: string }
  | { kind: 'event'; name: string }
  | { kind: 'seconds_on_page'; seconds: number }
  | { kind: 'scroll_depth'; percent: number };

export type WidgetPosition = 'bottom-right' | 'bottom-left' | 'center';

/** Per-locale overrides of the survey's texts in the widget. */
export interface WidgetTexts {
  question?: string;
  follow_up?: string;
  thank_you?: string;
}

export interface WidgetColors {
  brand: string;
  background: string;
  text: string;
}

export interface WidgetSettings {
  /** Empty: the widget opens only by `plaudit('show')` or the snippet's data-survey. */
  triggers: WidgetTrigger[];
  /** The share of visitors (by a stable hash of visitor and survey) that may be asked, 0-100. */
  sampling_percent: number;
  /** Seconds between a trigger and the widget opening. */
  delay_seconds: number;
  position: WidgetPosition;
  texts: Record<string, WidgetTexts>;
  colors: WidgetColors;
  /** Days a visitor who closed the widget is not asked again (0: asked again at once). */
  dismiss_cooldown_days: number;
}

export const MAX_TRIGGERS = 10;
export const MAX_URL_PATTERN = 200;
export const MAX_EVENT_NAME = 100;
export const POSITIONS: readonly WidgetPosition[] = ['bottom-right', 'bottom-left', 'center'];
export const TRIGGER_KINDS = ['page_view', 'event', 'seconds_on_page', 'scroll_depth'] as const;

export const DEFAULT_WIDGET_COLORS: WidgetColors = Object.freeze({
  brand: '#0b57d0',
  background: '#ffffff',
  text: '#1f2328',
});

/** The settings of a survey that has none (`survey.widget` NULL). */
export function defaultWidgetSettings(): WidgetSettings {
  return {
    triggers: [],
    sampling_percent: 100,
    delay_seconds: 0,
    position: 'bottom-right',
    texts: {},
    colors: { ...DEFAULT_WIDGET_COLORS },
    dismiss_cooldown_days: 30,
  };
}

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
const LOCALE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
const EVENT_NAME = /^[A-Za-z0-9_.:-]+$/;
/** A URL path glob: starts with /, no whitespace, query string or fragment; `*` matches anything. */
const URL_PATTERN = /^\/[^\s?#]*$/;
const TEXT_MAX: Record<keyof WidgetTexts, number> = { question: 500, follow_up: 500, thank_you: 1000 };

const at = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);

/**
 * Checks widget settings from untrusted JSON and returns them complete (omitted fields take their
 * defaults), or every problem with its field path (relative to `path`; '' for the top level).
 * @example validateWidgetSettings({ triggers: [{ kind: 'page_view', url_pattern: 'checkout' }] })
 * // { ok: false, errors: [{ path: 'triggers.0.url_pattern', message: 'must be a URL path starting with /, e.g. "/checkout/*"' }] }
 */
export function validateWidgetSettings(input: unknown, path = ''): Validated<WidgetSettings> {
  if (!isRecord(input))
    return { ok: false, errors: [{ path: path || 'body', message: 'must be an object' }] };
  const errors: FieldError[] = unknownKeyErrors(
    input,
    ['triggers', 'sampling_percent', 'delay_seconds', 'position', 'texts', 'colors', 'dismiss_cooldown_days'],
    path,
  ).map((e) => ({ ...e, path: e.path.replace(/^\./, '') }));
  const value = defaultWidgetSettings();

  const triggers = input['triggers'];
  if (triggers !== undefined) {
    if (!Array.isArray(triggers)) {
      errors.push({ path: at(path, 'triggers'), message: 'must be a list of triggers' });
    } else if (triggers.length > MAX_TRIGGERS) {
      errors.push({ path: at(path, 'triggers'), message: `at most ${MAX_TRIGGERS} triggers` });
    } else {
      value.triggers = [];
      triggers.forEach((trigger, i) => {
        const checked = validateTrigger(trigger, at(at(path, 'triggers'), i), errors);
        if (checked) value.triggers.push(checked);
      });
    }
  }

  const integer = (key: 'sampling_percent' | 'delay_seconds' | 'dismiss_cooldown_days', max: number) => {
    const given = input[key];
    if (given === undefined) return;
    if (isIntegerIn(given, 0, max)) value[key] = given;
    else errors.push({ path: at(path, key), message: `must be a whole number from 0 to ${max}` });
  };
  integer('sampling_percent', 100);
  integer('delay_seconds', 600);
  integer('dismiss_cooldown_days', 365);

  const position = input['position'];
  if (position !== undefined) {
    if (POSITIONS.includes(position as WidgetPosition)) value.position = position as WidgetPosition;
    else errors.push({ path: at(path, 'position'), message: `must be one of ${POSITIONS.join(', ')}` });
  }

  const texts = input['texts'];
  if (texts !== undefined) {
    const textsPath = at(path, 'texts');
    if (!isRecord(texts)) {
      errors.push({ path: textsPath, message: 'must be an object of texts per locale, e.g. {"de": {…}}' });
    } else {
      for (const [locale, given] of Object.entries(texts)) {
        const localePath = at(textsPath, locale);
        if (!LOCALE.test(locale)) {
          errors.push({ path: localePath, message: 'must be a locale such as "de", "en" or "de-AT"' });
          continue;
        }
        if (!isRecord(given)) {
          errors.push({ path: localePath, message: 'must be an object of question, follow_up, thank_you' });
          continue;
        }
        errors.push(...unknownKeyErrors(given, Object.keys(TEXT_MAX), localePath));
        const out: WidgetTexts = {};
        for (const field of Object.keys(TEXT_MAX) as (keyof WidgetTexts)[]) {
          const text = given[field];
          if (text === undefined) continue;
          if (typeof text !== 'string' || text.trim() === '' || text.trim().length > TEXT_MAX[field]) {
            errors.push({
              path: at(localePath, field),
              message: `must be a text of 1 to ${TEXT_MAX[field]} characters`,
            });
          } else {
            out[field] = text.trim();
          }
        }
        value.texts[locale] = out;
      }
    }
  }

  const colors = input['colors'];
  if (colors !== undefined) {
    const colorsPath = at(path, 'colors');
    if (!isRecord(colors)) {
      errors.push({ path: colorsPath, message: 'must be an object of brand, background, text' });
    } else {
      errors.push(...unknownKeyErrors(colors, ['brand', 'background', 'text'], colorsPath));
      for (const key of ['brand', 'background', 'text'] as const) {
        const color = colors[key];
        if (color === undefined) continue;
        if (typeof color === 'string' && HEX_COLOR.test(color)) value.colors[key] = color.toLowerCase();
        else
          errors.push({
            path: at(colorsPath, key),
            message: `must be a colour #rrggbb: ${describeValue(color)}`,
          });
      }
    }
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

function validateTrigger(input: unknown, path: string, errors: FieldError[]): WidgetTrigger | undefined {
  if (!isRecord(input)) {
    errors.push({ path, message: 'must be an object with a kind' });
    return undefined;
  }
  const kind = input['kind'];
  const problem = (key: string, message: string) => {
    errors.push({ path: at(path, key), message });
    return undefined;
  };
  switch (kind) {
    case 'page_view': {
      errors.push(...unknownKeyErrors(input, ['kind', 'url_pattern'], path));
      const pattern = input['url_pattern'];
      if (typeof pattern !== 'string' || pattern.length > MAX_URL_PATTERN || !URL_PATTERN.test(pattern)) {
        return problem(
          'url_pattern',
          `must be a URL path starting with / of at most ${MAX_URL_PATTERN} characters, e.g. "/checkout/*"`,
        );
      }
      return { kind, url_pattern: pattern };
    }
    case 'event': {
      errors.push(...unknownKeyErrors(input, ['kind', 'name'], path));
      const name = input['name'];
      if (
        typeof name !== 'string' ||
        name.length === 0 ||
        name.length > MAX_EVENT_NAME ||
        !EVENT_NAME.test(name)
      ) {
        return problem(
          'name',
          `must be an event name of 1 to ${MAX_EVENT_NAME} characters A-Z a-z 0-9 _ . : -`,
        );
      }
      return { kind, name };
    }
    case 'seconds_on_page': {
      errors.push(...unknownKeyErrors(input, ['kind', 'seconds'], path));
      const seconds = input['seconds'];
      if (!isIntegerIn(seconds, 1, 3600)) return problem('seconds', 'must be a whole number from 1 to 3600');
      return { kind, seconds };
    }
    case 'scroll_depth': {
      errors.push(...unknownKeyErrors(input, ['kind', 'percent'], path));
      const percent = input['percent'];
      if (!isIntegerIn(percent, 1, 100)) return problem('percent', 'must be a whole number from 1 to 100');
      return { kind, percent };
    }
    default:
      return problem('kind', `must be one of ${TRIGGER_KINDS.join(', ')}: ${describeValue(kind)}`);
  }
}

/**
 * Whether a URL path matches a trigger's pattern: `*` matches any characters (also `/`), the rest
 * literally; the whole path must match.
 * @example urlPatternMatches('/checkout/*', '/checkout/done') // true
 */
export function urlPatternMatches(pattern: string, path: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(path);
}

/**
 * The WCAG relative luminance of a colour #rrggbb, 0 (black) to 1 (white).
 * @throws RangeError on anything but #rrggbb.
 */
export function relativeLuminance(color: string): number {
  if (!HEX_COLOR.test(color)) throw new RangeError(`not a colour #rrggbb: ${color}`);
  const channel = (i: number) => {
    const c = Number.parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/**
 * The WCAG contrast ratio of two colours, 1 to 21 (either order).
 * @example contrastRatio('#000000', '#ffffff') // 21
 */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}

/** WCAG 2.2 AA: normal text 4.5:1 (1.4.3), user-interface components 3:1 (1.4.11). */
export const TEXT_CONTRAST_MIN = 4.5;
export const UI_CONTRAST_MIN = 3;

export interface ContrastWarning {
  field: string;
  message: string;
}

/**
 * Where the colours miss WCAG 2.2 AA: text on background (4.5:1), the brand colour (buttons, the
 * selected score) against the background (3:1). Empty when both pass. The ratio is shown rounded
 * down, so a failing ratio never reads as the minimum.
 * @example contrastWarnings({ brand: '#0b57d0', background: '#ffffff', text: '#999999' })
 * // [{ field: 'colors.text', message: 'text on background has contrast 2.8:1; WCAG 2.2 AA needs 4.5:1' }]
 */
export function contrastWarnings(colors: WidgetColors): ContrastWarning[] {
  const warnings: ContrastWarning[] = [];
  const shown = (ratio: number) => (Math.floor(ratio * 10) / 10).toFixed(1);
  const text = contrastRatio(colors.text, colors.background);
  if (text < TEXT_CONTRAST_MIN) {
    warnings.push({
      field: 'colors.text',
      message: `text on background has contrast ${shown(text)}:1; WCAG 2.2 AA needs ${TEXT_CONTRAST_MIN}:1`,
    });
  }
  const brand = contrastRatio(colors.brand, colors.background);
  if (brand < UI_CONTRAST_MIN) {
    warnings.push({
      field: 'colors.brand',
      message: `brand colour on background has contrast ${shown(brand)}:1; WCAG 2.2 AA needs ${UI_CONTRAST_MIN}:1 for buttons and controls`,
    });
  }
  return warnings;
}

/**
 * Every colour the widget paints with, derived from the three settings so the widget itself holds no
 * colour maths: `on_brand` is black or white, whichever contrasts more with the brand colour (at
 * least 4.58:1 for any colour); `muted` (the scale's end labels) and `line` (borders of controls)
 * are the text colour blended towards the background as far as they keep 4.5:1 and 3:1 against it.
 * When the text colour itself misses that (the PUT warned), they stay the text colour.
 * @example widgetPalette(DEFAULT_WIDGET_COLORS).on_brand // '#ffffff'
 */
export interface WidgetPalette extends WidgetColors {
  on_brand: string;
  muted: string;
  line: string;
}

export function widgetPalette(colors: WidgetColors): WidgetPalette {
  const onBrand =
    contrastRatio(colors.brand, '#000000') > contrastRatio(colors.brand, '#ffffff') ? '#000000' : '#ffffff';
  return {
    ...colors,
    on_brand: onBrand,
    muted: blendKeeping(colors.text, colors.background, TEXT_CONTRAST_MIN),
    line: blendKeeping(colors.text, colors.background, UI_CONTRAST_MIN),
  };
}

/** `fg` moved towards `bg` in 5% steps (at most 60%) while it keeps `min` contrast against `bg`. */
function blendKeeping(fg: string, bg: string, min: number): string {
  let best = fg;
  for (let step = 1; step <= 12; step++) {
    const mixed = mix(fg, bg, step / 20);
    if (contrastRatio(mixed, bg) < min) break;
    best = mixed;
  }
  return best;
}

function mix(a: string, b: string, share: number): string {
  const channel = (c: string, i: number) => Number.parseInt(c.slice(i, i + 2), 16);
  const parts = [1, 3, 5].map((i) => Math.round(channel(a, i) * (1 - share) + channel(b, i) * share));
  return `#${parts.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export type AskBlockReason = 'recently_surveyed' | 'recently_dismissed' | 'unsubscribed' | 'not_sampled';

export interface AskFacts {
  /** The visitor's or contact's last survey on any channel (sent invitation or answer). */
  lastSurveyedAt: Date | null;
  /** When the visitor or contact last closed the widget of this survey without answering. */
  lastDismissedAt: Date | null;
  unsubscribed: boolean;
  policy: { minDaysBetween: number };
  cooldownDays: number;
  samplingPercent: number;
  /** What the sample is drawn by: the same key is always in or always out (visitor and survey). */
  sampleKey: string;
}

export type AskDecision = { ask: true } | { ask: false; reason: AskBlockReason; until?: string };

/**
 * Whether the widget may ask now. Reasons that waiting does not change come first (unsubscribed,
 * not in the sample); of the two that end (recently surveyed, recently dismissed) the one ending
 * later is given, with `until` the instant from which the visitor may be asked.
 * @throws RangeError on an invalid date or number.
 * @example mayAsk({ lastSurveyedAt: null, lastDismissedAt: new Date('2024-05-01T00:00:00Z'), unsubscribed: false,
 *   policy: { minDaysBetween: 90 }, cooldownDays: 30, samplingPercent: 100, sampleKey: 'v1:s1' },
 *   new Date('2024-05-10T00:00:00Z'))
 * // { ask: false, reason: 'recently_dismissed', until: '2024-05-31T00:00:00.000Z' }
 */
export function mayAsk(facts: AskFacts, now: Date): AskDecision {
  const nowMs = now.getTime();
  if (Number.isNaN(nowMs)) throw new RangeError('invalid date: now');
  if (!isIntegerIn(facts.samplingPercent, 0, 100)) throw new RangeError('samplingPercent must be 0-100');
  if (!(facts.policy.minDaysBetween >= 0) || !(facts.cooldownDays >= 0)) {
    throw new RangeError('days must not be negative');
  }
  if (facts.unsubscribed) return { ask: false, reason: 'unsubscribed' };
  if (!isSampled(facts.sampleKey, facts.samplingPercent)) return { ask: false, reason: 'not_sampled' };
  let blocked: { reason: AskBlockReason; until: number } | undefined;
  const consider = (reason: AskBlockReason, last: Date | null, days: number) => {
    if (last === null || days === 0) return;
    const lastMs = last.getTime();
    if (Number.isNaN(lastMs)) throw new RangeError(`invalid date: ${reason}`);
    const until = lastMs + days * DAY_MS;
    if (nowMs < until && (!blocked || until > blocked.until)) blocked = { reason, until };
  };
  consider('recently_surveyed', facts.lastSurveyedAt, facts.policy.minDaysBetween);
  consider('recently_dismissed', facts.lastDismissedAt, facts.cooldownDays);
  if (blocked) return { ask: false, reason: blocked.reason, until: new Date(blocked.until).toISOString() };
  return { ask: true };
}

/**
 * Whether a key falls in a sample of `percent` % (stable: the same key always lands the same way,
 * and a key in a sample of 10 % is in every larger one).
 */
export function isSampled(sampleKey: string, percent: number): boolean {
  return spreadOf(sampleKey) * 100 < percent;
}

/** The sample key of a visitor for a survey (what `mayAsk` hashes). */
export const sampleKeyOf = (visitorId: string, surveyId: string) => `${surveyId}:${visitorId}`;
