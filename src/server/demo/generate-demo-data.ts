/**
 * Deterministic generator of realistic demo data: about two years of an NPS programme of a
 * German/international B2B + B2C SaaS company ("Taskwerk").
 *
 * Pure: no Math.random, no clock reads (`now` is passed in), no I/O. The same options always
 * give deep-equal output. All randomness comes from one seeded mulberry32 stream.
 *
 * The data tells a story an analysis can find:
 * - plans differ (enterprise highest NPS, free lowest), sales reps and accounts differ, a few
 *   accounts fall over time (churn risks), a few are champions (upsell candidates);
 * - volume follows a weekday/weekend rhythm, grows slowly and dips over Christmas;
 * - "Release 4.0 – neue Abrechnung" (about 8 months before `now`) causes a dip of roughly
 *   20 NPS points for about six weeks, strongest among starter/pro customers and finance
 *   contacts, and a wave of comments about the new billing;
 * - about 40% of responses carry a comment in the respondent's language, built from templates
 *   by topic (support, price, onboarding, reports/export, billing, performance, integrations,
 *   usability).
 */
import {
  ACCOUNT_TEMPLATES,
  COMMENT_CLOSERS,
  COMMENT_CORES,
  COMMENT_DETAILS,
  COMMENT_OPENERS,
  COUNTRIES,
  type CountryInfo,
  DIP_RELEASE_NAME,
  EXPORT_FORMATS,
  FILLERS,
  HTML_COMMENT,
  INTEGRATIONS,
  NAMES,
  type NameRegion,
  PRODUCT_NAME,
  RELEASE_TEMPLATES,
  type SalesRep,
  type Sentiment,
  SHORT_COMMENTS,
  SURVEY_TEMPLATES,
  type SurveyKey,
  TIME_ZONE_OFFSETS,
  type Tier,
  type Topic,
} from './demo-texts';

export type DemoLocale = 'de' | 'en';

export interface DemoSurveyTexts {
  /** contains the placeholder {product} */
  question: string;
  followUp: string;
  thankYou: string;
}

export interface DemoSurvey {
  key: string;
  name: string;
  kind: 'relational' | 'transactional';
  journeyStage: 'awareness' | 'consideration' | 'acquisition' | 'service' | 'loyalty';
  productName: string;
  /** #rrggbb */
  brandColor: string;
  defaultLocale: DemoLocale;
  texts: Record<DemoLocale, DemoSurveyTexts>;
}

export interface DemoAccount {
  key: string;
  externalId: string;
  name: string;
  /** annual EUR */
  revenue: number;
  /** industry, country, tier, account_owner */
  attributes: Record<string, string | number | boolean>;
}

export interface DemoContact {
  key: string;
  email: string;
  externalId: string;
  name: string;
  locale: DemoLocale;
  timeZone: string;
  accountKey: string | null;
  /** plan, country, sales_rep, customer_since, acquisition_channel, role (B2B only), team */
  attributes: Record<string, string | number | boolean>;
}

export interface DemoResponse {
  surveyKey: string;
  contactKey: string | null;
  /** integer 0-10 */
  score: number;
  comment: string | null;
  locale: DemoLocale;
  channel: 'email' | 'link' | 'widget' | 'api';
  createdAt: Date;
}

export interface DemoRelease {
  name: string;
  /** YYYY-MM-DD */
  day: string;
  note: string;
}

export interface DemoData {
  surveys: DemoSurvey[];
  accounts: DemoAccount[];
  contacts: DemoContact[];
  responses: DemoResponse[];
  releases: DemoRelease[];
}

export interface GenerateDemoDataOptions {
  now: Date;
  seed?: number;
  /** length of the range in days, default 730 */
  days?: number;
  /** mean number of responses per day, default 24 */
  responsesPerDay?: number;
}

export const DEFAULT_DEMO_SEED = 20_240_611;
export const DEFAULT_DEMO_DAYS = 730;
export const DEFAULT_DEMO_RESPONSES_PER_DAY = 24;
export { DIP_RELEASE_NAME };

const DAY_MS = 86_400_000;
const INDIVIDUAL_CONTACTS = 1500;

type Plan = 'free' | 'starter' | 'pro' | 'enterprise';
type Role = 'decision_maker' | 'champion' | 'user' | 'finance';
type Channel = DemoResponse['channel'];

// ---------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------

class Rng {
  private state: number;

  constructor(seed: number) {
    // Mix the seed so that small neighbouring seeds give unrelated streams.
    this.state = (Math.imul(Math.trunc(seed) ^ 0x5bd1e995, 0x9e3779b1) ^ 0x3c6ef372) >>> 0;
  }

  /** mulberry32: uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** integer in [min, max] */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i] ?? 0;
      if (r < 0) return items[i] as T;
    }
    return items[items.length - 1] as T;
  }

  /** standard normal (Box-Muller) */
  gauss(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** standard logistic */
  logistic(): number {
    const u = this.next() * 0.999998 + 0.000001;
    return Math.log(u / (1 - u));
  }

  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 60) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.gauss()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }
}

// ---------------------------------------------------------------------------------------------
// Model parameters (latent satisfaction x; ordered logit with cut points C1 < C2)
// ---------------------------------------------------------------------------------------------

/** P(detractor) = 18% and P(promoter) = 50% at x = 0 */
const C1 = Math.log(0.18 / 0.82);
const C2 = 0;
const BASE_X = -0.06;
const TREND_X = 0.25; // slow improvement over the whole range

const PLAN_X: Record<Plan, number> = { free: -0.4, starter: -0.05, pro: 0.2, enterprise: 0.5 };
const PLAN_DIP: Record<Plan, number> = { free: 0.2, starter: 1.0, pro: 0.9, enterprise: 0.35 };
const ANON_X = -0.15;
const ANON_DIP = 0.3;
const ROLE_X: Record<Role, number> = { decision_maker: 0.1, champion: 0.45, user: -0.05, finance: -0.25 };
const FINANCE_EXTRA_DIP = 0.45;
const SURVEY_X: Record<SurveyKey, number> = {
  relationship: 0,
  support: 0.15,
  onboarding: 0.3,
  website: -0.15,
};
const REP_X: Record<SalesRep, number> = {
  'Julia Hoffmann': 0.12,
  'Markus Weber': -0.05,
  'Sabine Gruber': 0.08,
  'Reto Baumgartner': 0.15,
  'Emily Clarke': 0,
  'Thomas de Vries': -0.15,
};
const COUNTRY_X: Record<string, number> = {
  DE: 0,
  AT: 0.05,
  CH: 0.1,
  US: 0.15,
  GB: 0,
  NL: -0.05,
  FR: -0.1,
  IT: 0,
  ES: 0.05,
  PL: 0,
  SE: 0.05,
};
const ACQ_X: Record<string, number> = {
  organic_search: 0,
  paid_search: -0.12,
  referral: 0.25,
  social: -0.05,
  partner: 0.1,
  content: 0.05,
  event: 0.1,
  outbound: -0.05,
};

const SURVEY_KEYS: readonly SurveyKey[] = ['relationship', 'support', 'onboarding', 'website'];
const SURVEY_BASE_WEIGHT: Record<SurveyKey, number> = {
  relationship: 0.28,
  support: 0.34,
  onboarding: 0.12,
  website: 0.26,
};
const B2B_SHARE: Record<SurveyKey, number> = {
  relationship: 0.3,
  support: 0.22,
  onboarding: 0.12,
  website: 0.08,
};
const ANONYMOUS_WIDGET_SHARE = 0.6;

const CHANNELS: Record<SurveyKey, { items: readonly Channel[]; weights: readonly number[] }> = {
  relationship: { items: ['email', 'link', 'api'], weights: [0.8, 0.15, 0.05] },
  support: { items: ['email', 'api', 'link'], weights: [0.55, 0.35, 0.1] },
  onboarding: { items: ['email', 'api', 'widget'], weights: [0.65, 0.25, 0.1] },
  website: { items: ['widget', 'link'], weights: [0.9, 0.1] },
};

const COMMENT_P: Record<Sentiment, number> = { promoter: 0.39, passive: 0.39, detractor: 0.57 };

/** local hour of day weights for answering */
const HOUR_WEIGHTS = [
  0.2, 0.1, 0.05, 0.05, 0.05, 0.2, 0.6, 1.5, 3, 4, 4, 3.5, 2.5, 3, 3.5, 3.2, 2.8, 2.2, 1.6, 1.5, 1.6, 1.3,
  0.8, 0.4,
];
const HOURS = HOUR_WEIGHTS.map((_, i) => i);

const TOPICS: readonly Topic[] = [
  'support',
  'price',
  'onboarding',
  'reports',
  'billing',
  'newBilling',
  'performance',
  'integrations',
  'usability',
  'general',
];

const TOPIC_BASE: Record<SurveyKey, Partial<Record<Topic, number>>> = {
  relationship: {
    support: 0.12,
    price: 0.13,
    onboarding: 0.03,
    reports: 0.14,
    billing: 0.05,
    performance: 0.12,
    integrations: 0.14,
    usability: 0.16,
    general: 0.11,
  },
  support: {
    support: 0.6,
    usability: 0.07,
    billing: 0.06,
    performance: 0.06,
    integrations: 0.07,
    reports: 0.04,
    general: 0.1,
  },
  onboarding: {
    onboarding: 0.5,
    usability: 0.14,
    price: 0.08,
    integrations: 0.1,
    support: 0.07,
    general: 0.11,
  },
  website: { usability: 0.28, performance: 0.15, price: 0.2, reports: 0.1, integrations: 0.1, general: 0.17 },
};

const TOPIC_SENTIMENT: Record<Sentiment, Partial<Record<Topic, number>>> = {
  promoter: { general: 1.5, usability: 1.3, support: 1.3, price: 0.6, performance: 0.7, billing: 0.6 },
  passive: {},
  detractor: { price: 1.4, performance: 1.4, general: 0.6, billing: 1.3 },
};

const NEW_BILLING_WAVE: Record<Sentiment, number> = { promoter: 0.25, passive: 1.6, detractor: 3.2 };

const USERS = [
  3, 4, 5, 6, 8, 10, 12, 14, 15, 18, 20, 22, 25, 28, 30, 35, 40, 45, 50, 60, 75, 80, 90, 100, 120, 150, 200,
  250,
];
const PERCENTS = [8, 10, 12, 15, 18, 20, 25, 30];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function asciiSlug(s: string, sep: string): string {
  return s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .replace(/ł/g, 'l')
    .replace(/ø/g, 'o')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, sep)
    .replace(new RegExp(`^\\${sep}+|\\${sep}+$`, 'g'), '');
}

/** first index i with arr[i] > value (arr sorted ascending) */
function upperBound(arr: readonly number[], value: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function dipFactor(daysSinceRelease: number): number {
  const t = daysSinceRelease;
  if (t < 0) return 0;
  if (t < 4) return t / 4;
  if (t < 30) return 1;
  if (t < 60) return 1 - (t - 30) / 30;
  return 0;
}

function repFor(country: string, rng: Rng): SalesRep {
  switch (country) {
    case 'DE':
      return rng.chance(0.5) ? 'Julia Hoffmann' : 'Markus Weber';
    case 'AT':
      return 'Sabine Gruber';
    case 'CH':
      return 'Reto Baumgartner';
    case 'US':
    case 'GB':
      return 'Emily Clarke';
    default:
      return 'Thomas de Vries';
  }
}

function isDach(country: string): boolean {
  return country === 'DE' || country === 'AT' || country === 'CH';
}

function localeFor(country: string, rng: Rng): DemoLocale {
  if (country === 'DE' || country === 'AT') return 'de';
  if (country === 'CH') return rng.chance(0.85) ? 'de' : 'en';
  return 'en';
}

function sentimentOf(score: number): Sentiment {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

interface ContactModel {
  key: string;
  sinceMs: number;
  plan: Plan;
  role: Role | null;
  locale: DemoLocale;
  timeZone: string;
  x: number; // all static effects (contact, plan, role, rep, country, account health)
  trend: number; // account trend over the range
  dip: number; // size of the release dip for this contact
}

interface Pool {
  contacts: ContactModel[];
  since: number[];
}

function makePool(contacts: ContactModel[]): Pool {
  const sorted = [...contacts].sort((a, b) => a.sinceMs - b.sinceMs || (a.key < b.key ? -1 : 1));
  return { contacts: sorted, since: sorted.map((c) => c.sinceMs) };
}

// ---------------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------------

export function generateDemoData(options: GenerateDemoDataOptions): DemoData {
  const nowMs = options.now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('generateDemoData: invalid now');
  const days = Math.max(1, Math.round(options.days ?? DEFAULT_DEMO_DAYS));
  const responsesPerDay = Math.max(0.1, options.responsesPerDay ?? DEFAULT_DEMO_RESPONSES_PER_DAY);
  const rng = new Rng(options.seed ?? DEFAULT_DEMO_SEED);

  const startMs = nowMs - days * DAY_MS;
  const rangeMs = days * DAY_MS;
  const nowDayMs = Math.floor(nowMs / DAY_MS) * DAY_MS;

  // --- releases -------------------------------------------------------------------------------
  const releases: DemoRelease[] = [];
  let dipReleaseMs = Number.POSITIVE_INFINITY;
  let perfReleaseMs = Number.POSITIVE_INFINITY;
  for (const tpl of RELEASE_TEMPLATES) {
    let ms = nowDayMs - tpl.daysBeforeNow * DAY_MS;
    ms += ((2 - new Date(ms).getUTCDay() + 7) % 7) * DAY_MS; // ship on a Tuesday
    if (ms < startMs || ms > nowMs) continue;
    releases.push({ name: tpl.name, day: isoDay(ms), note: tpl.note });
    if (tpl.name === DIP_RELEASE_NAME) dipReleaseMs = ms;
    if (tpl.name.startsWith('Release 4.2')) perfReleaseMs = ms;
  }

  // --- surveys --------------------------------------------------------------------------------
  const surveys: DemoSurvey[] = SURVEY_TEMPLATES.map((t) => ({
    key: t.key,
    name: t.name,
    kind: t.kind,
    journeyStage: t.journeyStage,
    productName: PRODUCT_NAME,
    brandColor: t.brandColor,
    defaultLocale: t.defaultLocale,
    texts: { de: { ...t.texts.de }, en: { ...t.texts.en } },
  }));

  // --- people ---------------------------------------------------------------------------------
  const countryByCode = new Map<string, CountryInfo>(COUNTRIES.map((c) => [c.code, c]));
  const usedEmails = new Set<string>();
  const uniqueEmail = (local: string, domain: string): string => {
    let email = `${local}@${domain}`;
    for (let n = 2; usedEmails.has(email); n++) email = `${local}${n}@${domain}`;
    usedEmails.add(email);
    return email;
  };
  const personName = (region: NameRegion): { first: string; last: string } => ({
    first: rng.pick(NAMES[region].first),
    last: rng.pick(NAMES[region].last),
  });
  const emailLocal = (first: string, last: string): string => {
    const f = asciiSlug(first, '');
    const l = asciiSlug(last, '');
    const r = rng.next();
    if (r < 0.55) return `${f}.${l}`;
    if (r < 0.7) return `${f.charAt(0)}.${l}`;
    if (r < 0.8) return `${f}${l}`;
    if (r < 0.9) return `${f}.${l}${rng.int(70, 99)}`;
    return `${f}_${l.charAt(0)}`;
  };
  const tzFor = (country: CountryInfo): string => rng.pick(country.timeZones);

  let contactSeq = 0;
  const contacts: DemoContact[] = [];
  const b2bModels: ContactModel[] = [];
  const individualModels: ContactModel[] = [];

  // --- accounts -------------------------------------------------------------------------------
  const accounts: DemoAccount[] = [];
  const n = ACCOUNT_TEMPLATES.length;
  const accountHealth = ACCOUNT_TEMPLATES.map(() => rng.gauss() * 0.3);
  const accountTrend = ACCOUNT_TEMPLATES.map(() => 0);
  // A few designated stories: falling accounts (churn risks), unhappy ones, champions.
  const order = ACCOUNT_TEMPLATES.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  // Strong enough that account analytics (one voice per stakeholder, core/account-nps.ts) show
  // falling accounts and detractor accounts with revenue at risk, not only a lower segment NPS.
  for (const i of order.slice(0, 3)) accountTrend[i] = -2.6;
  for (const i of order.slice(3, 6)) accountHealth[i] = -1.8;
  for (const i of order.slice(6, 10)) accountHealth[i] = 0.7;

  for (let i = 0; i < n; i++) {
    const tpl = ACCOUNT_TEMPLATES[i]!;
    const country = countryByCode.get(tpl.country) ?? COUNTRIES[0]!;
    const key = `acct-${String(i + 1).padStart(2, '0')}`;
    const owner = repFor(tpl.country, rng);
    const revenueRange: Record<Tier, [number, number]> = {
      enterprise: [60_000, 240_000],
      'mid-market': [18_000, 60_000],
      smb: [3_600, 18_000],
    };
    const [lo, hi] = revenueRange[tpl.tier];
    const revenue = Math.round((lo + rng.next() * (hi - lo)) / 100) * 100;
    accounts.push({
      key,
      externalId: `ACC-${2000 + i * 7 + rng.int(1, 6)}`,
      name: tpl.name,
      revenue,
      attributes: { industry: tpl.industry, country: tpl.country, tier: tpl.tier, account_owner: owner },
    });

    // Most accounts are older than the range; some were won during it (but not in its last months).
    const sinceMs =
      rng.chance(0.75) || days < 200
        ? startMs - rng.int(30, 5 * 365) * DAY_MS
        : startMs + rng.int(0, Math.max(0, days - 150)) * DAY_MS;
    const plan: Plan =
      tpl.tier === 'enterprise'
        ? 'enterprise'
        : tpl.tier === 'mid-market'
          ? rng.chance(0.75)
            ? 'pro'
            : 'enterprise'
          : rng.chance(0.55)
            ? 'pro'
            : 'starter';
    const team =
      tpl.tier === 'enterprise'
        ? 'Key Accounts'
        : isDach(tpl.country)
          ? 'Customer Success DACH'
          : 'Customer Success International';
    const acquisition = rng.weighted(
      ['outbound', 'event', 'partner', 'referral', 'organic_search'],
      [0.35, 0.2, 0.15, 0.15, 0.15],
    );
    const size =
      tpl.tier === 'enterprise' ? rng.int(5, 8) : tpl.tier === 'mid-market' ? rng.int(3, 6) : rng.int(2, 4);
    const roles: Role[] = ['decision_maker', 'champion'];
    if (size >= 3 && (tpl.tier !== 'smb' || rng.chance(0.5))) roles.push('finance');
    while (roles.length < size) roles.push('user');

    for (const role of roles) {
      contactSeq++;
      const region: NameRegion = rng.chance(0.12) ? (isDach(tpl.country) ? 'en' : 'de') : country.names;
      const { first, last } = personName(region);
      const locale = localeFor(tpl.country, rng);
      const timeZone = tzFor(country);
      const contactSince =
        role === 'decision_maker' || role === 'champion' || rng.chance(0.6)
          ? sinceMs
          : Math.min(nowDayMs - 30 * DAY_MS, sinceMs + rng.int(30, 600) * DAY_MS);
      const contactKey = `contact-${String(contactSeq).padStart(5, '0')}`;
      const attributes: Record<string, string | number | boolean> = {
        plan,
        country: tpl.country,
        sales_rep: owner,
        customer_since: isoDay(Math.max(contactSince, sinceMs)),
        acquisition_channel: acquisition,
        role,
        team,
      };
      contacts.push({
        key: contactKey,
        email: uniqueEmail(emailLocal(first, last), `${tpl.slug}.example.com`),
        externalId: `CUST-${10000 + contactSeq}`,
        name: `${first} ${last}`,
        locale,
        timeZone,
        accountKey: key,
        attributes,
      });
      b2bModels.push({
        key: contactKey,
        sinceMs: Math.max(contactSince, sinceMs),
        plan,
        role,
        locale,
        timeZone,
        x:
          rng.gauss() * 0.4 +
          PLAN_X[plan] +
          ROLE_X[role] +
          REP_X[owner] +
          (COUNTRY_X[tpl.country] ?? 0) +
          (ACQ_X[acquisition] ?? 0) +
          (accountHealth[i] ?? 0),
        trend: accountTrend[i] ?? 0,
        dip: PLAN_DIP[plan] + (role === 'finance' ? FINANCE_EXTRA_DIP : 0),
      });
    }
  }

  // --- individual contacts ---------------------------------------------------------------------
  const countryWeights = COUNTRIES.map((c) => c.weight);
  const plans: readonly Plan[] = ['free', 'starter', 'pro', 'enterprise'];
  const planWeights = [0.38, 0.31, 0.26, 0.05];
  const acqChannels = ['organic_search', 'paid_search', 'referral', 'social', 'partner', 'content', 'event'];
  const acqWeights = [0.3, 0.2, 0.15, 0.12, 0.08, 0.1, 0.05];
  for (let i = 0; i < INDIVIDUAL_CONTACTS; i++) {
    contactSeq++;
    const country = rng.weighted(COUNTRIES, countryWeights);
    const plan = rng.weighted(plans, planWeights);
    const { first, last } = personName(country.names);
    const locale = localeFor(country.code, rng);
    const timeZone = tzFor(country);
    // 20% joined before the range; the rest during it, with slowly growing sign-ups.
    let sinceMs: number;
    if (rng.chance(0.2)) {
      sinceMs = startMs - rng.int(1, 3 * 365) * DAY_MS;
    } else {
      const u = rng.next();
      const p = (-0.7 + Math.sqrt(0.49 + 1.2 * u)) / 0.6; // density ∝ 0.7 + 0.6p
      sinceMs = Math.min(nowDayMs - DAY_MS, startMs + Math.floor(p * days) * DAY_MS);
    }
    sinceMs = Math.floor(sinceMs / DAY_MS) * DAY_MS;
    const rep = repFor(country.code, rng);
    const acquisition = rng.weighted(acqChannels, acqWeights);
    const team =
      plan === 'free' || plan === 'starter'
        ? 'Self-Service'
        : isDach(country.code)
          ? 'Customer Success DACH'
          : 'Customer Success International';
    const contactKey = `contact-${String(contactSeq).padStart(5, '0')}`;
    contacts.push({
      key: contactKey,
      email: uniqueEmail(emailLocal(first, last), rng.pick(country.emailDomains)),
      externalId: `CUST-${10000 + contactSeq}`,
      name: `${first} ${last}`,
      locale,
      timeZone,
      accountKey: null,
      attributes: {
        plan,
        country: country.code,
        sales_rep: rep,
        customer_since: isoDay(sinceMs),
        acquisition_channel: acquisition,
        team,
      },
    });
    individualModels.push({
      key: contactKey,
      sinceMs,
      plan,
      role: null,
      locale,
      timeZone,
      x:
        rng.gauss() * 0.55 +
        PLAN_X[plan] +
        REP_X[rep] * 0.5 +
        (COUNTRY_X[country.code] ?? 0) +
        (ACQ_X[acquisition] ?? 0),
      trend: 0,
      dip: PLAN_DIP[plan],
    });
  }

  const b2bPool = makePool(b2bModels);
  const individualPool = makePool(individualModels);

  // --- daily volume -----------------------------------------------------------------------------
  const firstDayMs = Math.floor(startMs / DAY_MS) * DAY_MS;
  const numDays = Math.round((nowDayMs - firstDayMs) / DAY_MS) + 1;
  const volume = new Float64Array(numDays);
  let volumeSum = 0;
  for (let d = 0; d < numDays; d++) {
    const dayStart = firstDayMs + d * DAY_MS;
    const from = Math.max(dayStart, startMs);
    const to = Math.min(dayStart + DAY_MS, nowMs);
    const coverage = Math.max(0, to - from) / DAY_MS;
    const date = new Date(dayStart);
    const dow = date.getUTCDay();
    const month = date.getUTCMonth();
    const dom = date.getUTCDate();
    const progress = Math.min(1, Math.max(0, (dayStart + DAY_MS / 2 - startMs) / rangeMs));
    let w = (0.7 + 0.6 * progress) * (dow === 0 ? 0.42 : dow === 6 ? 0.55 : 1.2);
    if ((month === 11 && dom >= 23) || (month === 0 && dom <= 2)) w *= 0.4;
    else if (month === 7) w *= 0.85;
    volume[d] = w * coverage;
    volumeSum += w * coverage;
  }
  const volumeScale = volumeSum > 0 ? (responsesPerDay * days) / volumeSum : 0;

  // --- responses ----------------------------------------------------------------------------------
  const responses: DemoResponse[] = [];
  const surveyWeights = [0, 0, 0, 0];
  const topicWeights = new Array<number>(TOPICS.length).fill(0);
  const dayBuffer: DemoResponse[] = [];

  const chooseTopic = (
    surveyKey: SurveyKey,
    sentiment: Sentiment,
    plan: Plan | null,
    role: Role | null,
    ms: number,
  ) => {
    const base = TOPIC_BASE[surveyKey];
    const sent = TOPIC_SENTIMENT[sentiment];
    const sinceRelease = (ms - dipReleaseMs) / DAY_MS;
    for (let t = 0; t < TOPICS.length; t++) {
      const topic = TOPICS[t] as Topic;
      let w = (base[topic] ?? 0.02) * (sent[topic] ?? 1);
      if (topic === 'newBilling') {
        w = sinceRelease >= 0 ? NEW_BILLING_WAVE[sentiment] * (dipFactor(sinceRelease) + 0.04) : 0;
        if (surveyKey === 'onboarding') w *= 0.3;
      } else if (topic === 'billing' && sinceRelease >= 0) {
        w *= 0.4;
      } else if (topic === 'performance' && ms >= perfReleaseMs) {
        w *= sentiment === 'promoter' ? 1.6 : 0.45;
      } else if (topic === 'price' && plan === 'free') {
        w *= 2;
      }
      if ((topic === 'billing' || topic === 'newBilling') && role === 'finance') w *= 2.5;
      topicWeights[t] = w;
    }
    return rng.weighted(TOPICS, topicWeights);
  };

  const fill = (template: string, locale: DemoLocale): string =>
    template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      switch (name) {
        case 'product':
          return PRODUCT_NAME;
        case 'agent':
        case 'weekday':
        case 'report':
        case 'page':
          return rng.pick(FILLERS[locale][name]);
        case 'hours':
          return String(rng.int(2, 8));
        case 'days':
          return String(rng.int(2, 14));
        case 'users':
          return String(rng.pick(USERS));
        case 'percent':
          return String(rng.pick(PERCENTS));
        case 'seconds':
          return String(rng.int(5, 40));
        case 'months':
          return String(rng.int(3, 48));
        case 'integration':
          return rng.pick(INTEGRATIONS);
        case 'format':
          return rng.pick(EXPORT_FORMATS);
        default:
          return whole;
      }
    });

  const usedComments = new Set<string>();
  const composeComment = (
    locale: DemoLocale,
    sentiment: Sentiment,
    surveyKey: SurveyKey,
    plan: Plan | null,
    role: Role | null,
    ms: number,
    attempt: number,
  ): string => {
    const long = rng.chance(0.04);
    const extraP = long ? 0.75 : 0.3 + 0.2 * attempt;
    const topic = chooseTopic(surveyKey, sentiment, plan, role, ms);
    const parts: string[] = [];
    if (rng.chance(extraP)) parts.push(rng.pick(COMMENT_OPENERS[locale][sentiment]));
    parts.push(rng.pick(COMMENT_CORES[locale][topic][sentiment]));
    if (rng.chance(extraP)) {
      const detail = rng.pick(COMMENT_DETAILS[locale]);
      if (rng.chance(0.5)) parts.push(detail);
      else parts.splice(parts.length - 1, 0, detail);
    }
    if (long) {
      for (let extra = rng.int(1, 2); extra > 0; extra--) {
        const other = chooseTopic(surveyKey, rng.chance(0.7) ? sentiment : 'passive', plan, role, ms);
        const core = rng.pick(COMMENT_CORES[locale][other][rng.chance(0.7) ? sentiment : 'passive']);
        if (!parts.includes(core)) parts.push(core);
      }
    }
    if (rng.chance(extraP)) parts.push(rng.pick(COMMENT_CLOSERS[locale][sentiment]));
    let text = fill(parts.join(' '), locale);
    const v = rng.next();
    if (v < 0.05) text = text.charAt(0).toLowerCase() + text.slice(1);
    else if (v < 0.1 && text.endsWith('.')) text = text.slice(0, -1);
    else if (v < 0.13 && text.endsWith('.')) text = `${text.slice(0, -1)}!`;
    else if (v < 0.15 && sentiment === 'detractor' && text.endsWith('.')) text = `${text.slice(0, -1)}!!`;
    return text;
  };

  /** Template comments are re-rolled (richer each time) until new; short ones may repeat. */
  const buildComment = (
    locale: DemoLocale,
    sentiment: Sentiment,
    surveyKey: SurveyKey,
    plan: Plan | null,
    role: Role | null,
    ms: number,
  ): string => {
    if (rng.chance(0.07)) return rng.pick(SHORT_COMMENTS[locale][sentiment]);
    let text = '';
    for (let attempt = 0; attempt < 4; attempt++) {
      text = composeComment(locale, sentiment, surveyKey, plan, role, ms, attempt);
      if (!usedComments.has(text)) break;
    }
    usedComments.add(text);
    return text;
  };

  for (let d = 0; d < numDays; d++) {
    const dayStart = firstDayMs + d * DAY_MS;
    const windowFrom = Math.max(dayStart, startMs);
    const windowTo = Math.min(dayStart + DAY_MS - 1000, nowMs);
    const count = Math.max(1, rng.poisson((volume[d] ?? 0) * volumeScale));
    const date = new Date(dayStart);
    const month = date.getUTCMonth();
    const inQuarterWave = month % 3 === 0 && date.getUTCDate() <= 21;
    const summer = month >= 3 && month <= 9;
    const progress = Math.min(1, Math.max(0, (dayStart + DAY_MS / 2 - startMs) / rangeMs));
    const dip = dipFactor((dayStart + DAY_MS / 2 - dipReleaseMs) / DAY_MS);
    const eligibleB2b = upperBound(b2bPool.since, dayStart);
    const eligibleIndividuals = upperBound(individualPool.since, dayStart);
    const recentFrom = dayStart - 60 * DAY_MS;
    const recentTo = dayStart - DAY_MS;

    for (let s = 0; s < SURVEY_KEYS.length; s++) {
      const k = SURVEY_KEYS[s] as SurveyKey;
      surveyWeights[s] = SURVEY_BASE_WEIGHT[k] * (k === 'relationship' ? (inQuarterWave ? 1.9 : 0.7) : 1);
    }

    dayBuffer.length = 0;
    for (let i = 0; i < count; i++) {
      const surveyKey = rng.weighted(SURVEY_KEYS, surveyWeights);
      const channelSpec = CHANNELS[surveyKey];
      const channel = rng.weighted(channelSpec.items, channelSpec.weights);

      // who answers
      let model: ContactModel | null = null;
      if (!(surveyKey === 'website' && rng.chance(ANONYMOUS_WIDGET_SHARE))) {
        const useB2b = rng.chance(B2B_SHARE[surveyKey]);
        const pool = useB2b && eligibleB2b > 0 ? b2bPool : individualPool;
        const eligible = pool === b2bPool ? eligibleB2b : eligibleIndividuals;
        if (surveyKey === 'onboarding') {
          const lo = upperBound(pool.since, recentFrom - 1);
          const hi = upperBound(pool.since, recentTo);
          if (hi > lo) model = pool.contacts[rng.int(lo, hi - 1)] ?? null;
        }
        if (model === null && eligible > 0) model = pool.contacts[rng.int(0, eligible - 1)] ?? null;
      }

      // score
      let x = BASE_X + TREND_X * progress + SURVEY_X[surveyKey];
      if (model) x += model.x + model.trend * progress - model.dip * dip;
      else x += ANON_X - ANON_DIP * dip;
      const latent = x + rng.logistic();
      let score: number;
      if (latent >= C2) score = latent >= C2 + 0.9 ? 10 : 9;
      else if (latent >= C1) score = latent >= C1 + 0.45 * (C2 - C1) ? 8 : 7;
      else {
        const depth = C1 - latent;
        score =
          depth < 0.45
            ? 6
            : depth < 0.9
              ? 5
              : depth < 1.3
                ? 4
                : depth < 1.7
                  ? 3
                  : depth < 2.1
                    ? 2
                    : depth < 2.6
                      ? 1
                      : 0;
      }

      const locale: DemoLocale = model ? model.locale : rng.chance(0.62) ? 'de' : 'en';

      // when (local business rhythm, mapped into this UTC day)
      const tz = model ? model.timeZone : locale === 'de' ? 'Europe/Berlin' : 'Europe/London';
      const offset = (TIME_ZONE_OFFSETS[tz] ?? 0) + (summer ? 60 : 0);
      const localMinute = rng.weighted(HOURS, HOUR_WEIGHTS) * 60 + rng.int(0, 59);
      const utcMinute = (((localMinute - offset) % 1440) + 1440) % 1440;
      let ms = dayStart + utcMinute * 60_000 + rng.int(0, 59) * 1000;
      if (ms < windowFrom || ms > windowTo) {
        ms =
          windowTo > windowFrom ? windowFrom + Math.floor(rng.next() * (windowTo - windowFrom)) : windowFrom;
      }

      // comment
      const sentiment = sentimentOf(score);
      const pComment = COMMENT_P[sentiment] * (channel === 'widget' ? 0.75 : 1);
      const comment = rng.chance(pComment)
        ? buildComment(locale, sentiment, surveyKey, model ? model.plan : null, model ? model.role : null, ms)
        : null;

      dayBuffer.push({
        surveyKey,
        contactKey: model ? model.key : null,
        score,
        comment,
        locale,
        channel,
        createdAt: new Date(ms),
      });
    }
    dayBuffer.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    for (const r of dayBuffer) responses.push(r);
  }

  // Exactly one harmless HTML-looking comment, to exercise escaping downstream.
  const htmlTarget =
    responses.find(
      (r) => r.surveyKey === 'support' && r.locale === 'de' && r.score >= 9 && r.comment !== null,
    ) ?? responses.find((r) => r.comment !== null);
  if (htmlTarget) htmlTarget.comment = HTML_COMMENT;

  return { surveys, accounts, contacts, responses, releases };
}
