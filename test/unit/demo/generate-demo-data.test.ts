import { describe, expect, it } from 'vitest';
import {
  type DemoData,
  type DemoResponse,
  DIP_RELEASE_NAME,
  generateDemoData,
} from '../../../src/server/demo/generate-demo-data';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-03-15T10:30:00.000Z');
const DAYS = 730;

const data: DemoData = generateDemoData({ now: NOW });

function nps(responses: readonly DemoResponse[]): number {
  let promoters = 0;
  let detractors = 0;
  for (const r of responses) {
    if (r.score >= 9) promoters++;
    else if (r.score <= 6) detractors++;
  }
  return (100 * (promoters - detractors)) / responses.length;
}

function between(responses: readonly DemoResponse[], fromMs: number, toMs: number): DemoResponse[] {
  return responses.filter((r) => r.createdAt.getTime() >= fromMs && r.createdAt.getTime() < toMs);
}

function dipDrop(d: DemoData): { before: number; dip: number } {
  const release = d.releases.find((r) => r.name === DIP_RELEASE_NAME);
  if (!release) throw new Error('dip release missing');
  const releaseMs = Date.parse(`${release.day}T00:00:00.000Z`);
  return {
    before: nps(between(d.responses, releaseMs - 90 * DAY_MS, releaseMs)),
    dip: nps(between(d.responses, releaseMs, releaseMs + 42 * DAY_MS)),
  };
}

describe('generateDemoData', () => {
  it('is deterministic for the same seed and differs for another seed', () => {
    const a = generateDemoData({ now: NOW, seed: 7, days: 120 });
    const b = generateDemoData({ now: NOW, seed: 7, days: 120 });
    expect(a).toStrictEqual(b);
    const c = generateDemoData({ now: NOW, seed: 8, days: 120 });
    expect(c.responses.map((r) => r.score)).not.toEqual(a.responses.map((r) => r.score));
    expect(generateDemoData({ now: NOW })).toStrictEqual(data);
  });

  it('does not depend on the clock (only on now)', () => {
    const later = generateDemoData({ now: new Date(NOW.getTime() + DAY_MS), days: 60 });
    const again = generateDemoData({ now: new Date(NOW.getTime() + DAY_MS), days: 60 });
    expect(later).toStrictEqual(again);
  });

  it('has 3-4 surveys with German and English texts', () => {
    expect(data.surveys.length).toBeGreaterThanOrEqual(3);
    expect(data.surveys.length).toBeLessThanOrEqual(4);
    expect(new Set(data.surveys.map((s) => s.key)).size).toBe(data.surveys.length);
    expect(new Set(data.surveys.map((s) => s.kind))).toEqual(new Set(['relational', 'transactional']));
    for (const s of data.surveys) {
      expect(s.brandColor).toMatch(/^#[0-9a-f]{6}$/);
      expect(s.productName.length).toBeGreaterThan(0);
      for (const locale of ['de', 'en'] as const) {
        expect(s.texts[locale].question).toContain('{product}');
        expect(s.texts[locale].followUp.length).toBeGreaterThan(0);
        expect(s.texts[locale].thankYou.length).toBeGreaterThan(0);
      }
    }
    const relational = data.surveys.find((s) => s.kind === 'relational');
    expect(relational?.journeyStage).toBe('loyalty');
    expect(relational?.texts.de.question).toBe(
      'Wie wahrscheinlich ist es, dass Sie {product} einem Freund oder Kollegen weiterempfehlen?',
    );
    expect(relational?.texts.de.followUp).toBe('Was ist der Hauptgrund für Ihre Bewertung?');
    expect(relational?.texts.en.question).toBe(
      'How likely is it that you would recommend {product} to a friend or colleague?',
    );
  });

  it('produces integer scores 0-10 and references existing surveys and contacts', () => {
    const surveyKeys = new Set(data.surveys.map((s) => s.key));
    const contactKeys = new Set(data.contacts.map((c) => c.key));
    const bad = data.responses.filter(
      (r) =>
        !Number.isInteger(r.score) ||
        r.score < 0 ||
        r.score > 10 ||
        !surveyKeys.has(r.surveyKey) ||
        (r.contactKey !== null && !contactKeys.has(r.contactKey)),
    );
    expect(bad).toEqual([]);
    const distinctScores = new Set(data.responses.map((r) => r.score));
    expect(distinctScores.size).toBe(11);
  });

  it('keeps createdAt within [now - days, now] and sorted ascending', () => {
    const from = NOW.getTime() - DAYS * DAY_MS;
    const bad = data.responses.filter((r, i) => {
      const t = r.createdAt.getTime();
      const previous = i > 0 ? (data.responses[i - 1]?.createdAt.getTime() ?? t) : t;
      return !(t >= from && t <= NOW.getTime() && t >= previous);
    });
    expect(bad).toEqual([]);
  });

  it('has roughly responsesPerDay × days responses and at least one on every day', () => {
    expect(data.responses.length).toBeGreaterThan(24 * DAYS * 0.9);
    expect(data.responses.length).toBeLessThan(24 * DAYS * 1.1);
    const days = new Set(data.responses.map((r) => r.createdAt.toISOString().slice(0, 10)));
    const first = Math.floor((NOW.getTime() - DAYS * DAY_MS) / DAY_MS) * DAY_MS;
    for (let t = first; t <= NOW.getTime(); t += DAY_MS) {
      expect(days.has(new Date(t).toISOString().slice(0, 10))).toBe(true);
    }
  });

  it('shows a weekday rhythm and growing volume', () => {
    let weekday = 0;
    let weekend = 0;
    for (const r of data.responses) {
      const dow = r.createdAt.getUTCDay();
      if (dow === 0 || dow === 6) weekend++;
      else weekday++;
    }
    expect(weekday / 5).toBeGreaterThan((weekend / 2) * 1.5);
    const start = NOW.getTime() - DAYS * DAY_MS;
    const firstQuarter = between(data.responses, start, start + 90 * DAY_MS).length;
    const lastQuarter = between(data.responses, NOW.getTime() - 90 * DAY_MS, NOW.getTime()).length;
    expect(lastQuarter).toBeGreaterThan(firstQuarter * 1.2);
  });

  it('covers every survey, channel, locale and plan', () => {
    expect(new Set(data.responses.map((r) => r.surveyKey))).toEqual(new Set(data.surveys.map((s) => s.key)));
    expect(new Set(data.responses.map((r) => r.channel))).toEqual(
      new Set(['email', 'link', 'widget', 'api']),
    );
    expect(new Set(data.responses.map((r) => r.locale))).toEqual(new Set(['de', 'en']));
    const contactPlan = new Map(data.contacts.map((c) => [c.key, c.attributes['plan']]));
    const plans = new Set(
      data.responses.map((r) => (r.contactKey ? contactPlan.get(r.contactKey) : undefined)),
    );
    for (const plan of ['free', 'starter', 'pro', 'enterprise']) expect(plans.has(plan)).toBe(true);
    expect(data.responses.some((r) => r.contactKey === null)).toBe(true);
  });

  it('has an overall NPS in [20, 50] and plan differences (enterprise > free)', () => {
    const overall = nps(data.responses);
    expect(overall).toBeGreaterThanOrEqual(20);
    expect(overall).toBeLessThanOrEqual(50);
    const contactPlan = new Map(data.contacts.map((c) => [c.key, c.attributes['plan']]));
    const ofPlan = (plan: string) =>
      data.responses.filter((r) => r.contactKey !== null && contactPlan.get(r.contactKey) === plan);
    expect(nps(ofPlan('enterprise'))).toBeGreaterThan(nps(ofPlan('pro')));
    expect(nps(ofPlan('pro'))).toBeGreaterThan(nps(ofPlan('free')));
  });

  it('dips at least 10 points in the six weeks after the billing release', () => {
    const { before, dip } = dipDrop(data);
    expect(before - dip).toBeGreaterThanOrEqual(10);
    for (const seed of [1, 2, 3]) {
      const other = dipDrop(generateDemoData({ now: NOW, seed }));
      expect(other.before - other.dip).toBeGreaterThanOrEqual(10);
    }
  });

  it('lists releases inside the range, including the billing release ~8 months ago', () => {
    const from = NOW.getTime() - DAYS * DAY_MS;
    for (const r of data.releases) {
      expect(r.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const t = Date.parse(`${r.day}T00:00:00.000Z`);
      expect(t).toBeGreaterThanOrEqual(from - DAY_MS);
      expect(t).toBeLessThanOrEqual(NOW.getTime());
      expect(r.note.length).toBeGreaterThan(0);
    }
    const dip = data.releases.find((r) => r.name === DIP_RELEASE_NAME);
    expect(dip).toBeDefined();
    const monthsAgo = (NOW.getTime() - Date.parse(`${dip?.day}T00:00:00.000Z`)) / (30.4 * DAY_MS);
    expect(monthsAgo).toBeGreaterThan(7);
    expect(monthsAgo).toBeLessThan(9);
  });

  it('builds ~40 accounts with 2-8 contacts each and ~1,500 individuals', () => {
    expect(data.accounts.length).toBeGreaterThanOrEqual(35);
    expect(data.accounts.length).toBeLessThanOrEqual(45);
    const accountKeys = new Set(data.accounts.map((a) => a.key));
    const perAccount = new Map<string, number>();
    for (const c of data.contacts) {
      if (c.accountKey === null) continue;
      expect(accountKeys.has(c.accountKey)).toBe(true);
      perAccount.set(c.accountKey, (perAccount.get(c.accountKey) ?? 0) + 1);
      expect(['decision_maker', 'champion', 'user', 'finance']).toContain(c.attributes['role']);
    }
    for (const a of data.accounts) {
      const n = perAccount.get(a.key) ?? 0;
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(8);
      expect(a.revenue).toBeGreaterThan(0);
      for (const attr of ['industry', 'country', 'tier', 'account_owner'])
        expect(a.attributes[attr]).toBeDefined();
    }
    const individuals = data.contacts.filter((c) => c.accountKey === null).length;
    expect(individuals).toBeGreaterThanOrEqual(1400);
    expect(individuals).toBeLessThanOrEqual(1600);
    const reps = new Set(data.contacts.map((c) => c.attributes['sales_rep']));
    expect(reps.size).toBeGreaterThanOrEqual(5);
    expect(reps.size).toBeLessThanOrEqual(6);
  });

  it('gives contacts unique keys, ids and example-domain emails, and the required attributes', () => {
    expect(new Set(data.contacts.map((c) => c.key)).size).toBe(data.contacts.length);
    expect(new Set(data.contacts.map((c) => c.externalId)).size).toBe(data.contacts.length);
    expect(new Set(data.contacts.map((c) => c.email)).size).toBe(data.contacts.length);
    expect(new Set(data.accounts.map((a) => a.key)).size).toBe(data.accounts.length);
    for (const c of data.contacts) {
      expect(c.email).toMatch(/^[a-z0-9._+-]+@([a-z0-9-]+\.)?example\.(com|de|org)$/);
      expect(['free', 'starter', 'pro', 'enterprise']).toContain(c.attributes['plan']);
      expect(c.attributes['country']).toMatch(/^[A-Z]{2}$/);
      expect(c.attributes['customer_since']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(typeof c.attributes['sales_rep']).toBe('string');
      expect(typeof c.attributes['acquisition_channel']).toBe('string');
      expect(c.timeZone).toMatch(/^(Europe|America)\//);
    }
    const countries = new Map<string, number>();
    for (const c of data.contacts) {
      const country = String(c.attributes['country']);
      countries.set(country, (countries.get(country) ?? 0) + 1);
    }
    const dach = (countries.get('DE') ?? 0) + (countries.get('AT') ?? 0) + (countries.get('CH') ?? 0);
    expect(dach / data.contacts.length).toBeGreaterThan(0.6);
    for (const cc of ['US', 'GB', 'NL', 'FR']) expect(countries.get(cc) ?? 0).toBeGreaterThan(0);
  });

  it('lets contacts answer in their own locale; German and Austrian contacts answer in German', () => {
    const byKey = new Map(data.contacts.map((c) => [c.key, c]));
    const bad = data.responses.filter((r) => {
      if (r.contactKey === null) return false;
      const c = byKey.get(r.contactKey);
      const country = c?.attributes['country'];
      return r.locale !== c?.locale || ((country === 'DE' || country === 'AT') && r.locale !== 'de');
    });
    expect(bad).toEqual([]);
  });

  it('attaches a comment to about 40% of responses, varied and in a plausible language', () => {
    const withComment = data.responses.filter((r) => r.comment !== null);
    const share = withComment.length / data.responses.length;
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.45);
    const distinct = new Set(withComment.map((r) => r.comment));
    expect(distinct.size / withComment.length).toBeGreaterThan(0.85);
    expect(withComment.some((r) => /[äöüß]/i.test(r.comment ?? ''))).toBe(true);
    expect(withComment.filter((r) => (r.comment ?? '').length > 200).length).toBeGreaterThan(10);
    expect(withComment.filter((r) => (r.comment ?? '').includes('<')).length).toBeLessThanOrEqual(1);
    expect(withComment.filter((r) => (r.comment ?? '').trim().length === 0)).toEqual([]);
    // crude language check: common German words never appear in English comments and vice versa
    const germanWords = /\b(und|nicht|wir|der|die|das|ist)\b/;
    const englishWords = /\b(the|and|is|we|not)\b/;
    const wrongLanguage = withComment.filter((r) =>
      (r.locale === 'en' ? germanWords : englishWords).test(r.comment ?? ''),
    );
    expect(wrongLanguage).toEqual([]);
  });

  it('talks about the new billing mostly after the billing release, and more among detractors', () => {
    const release = data.releases.find((r) => r.name === DIP_RELEASE_NAME);
    const releaseMs = Date.parse(`${release?.day}T00:00:00.000Z`);
    const mentions = (r: DemoResponse) => /neue(n)? Abrechnung|new billing/i.test(r.comment ?? '');
    expect(data.responses.filter((r) => r.createdAt.getTime() < releaseMs && mentions(r))).toHaveLength(0);
    const dipWindow = between(data.responses, releaseMs, releaseMs + 42 * DAY_MS);
    const detractorMentions = dipWindow.filter((r) => r.score <= 6 && mentions(r)).length;
    const promoterMentions = dipWindow.filter((r) => r.score >= 9 && mentions(r)).length;
    expect(detractorMentions).toBeGreaterThan(promoterMentions);
    expect(detractorMentions).toBeGreaterThan(30);
  });

  it('handles short ranges and other volumes', () => {
    const short = generateDemoData({ now: NOW, days: 14, responsesPerDay: 3 });
    expect(short.responses.length).toBeGreaterThan(14);
    expect(short.releases.every((r) => Date.parse(r.day) >= NOW.getTime() - 15 * DAY_MS)).toBe(true);
    const days = new Set(short.responses.map((r) => r.createdAt.toISOString().slice(0, 10)));
    expect(days.size).toBe(15);
  });

  it('is fast', () => {
    const started = performance.now();
    generateDemoData({ now: NOW, seed: 99 });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
