import { describe, expect, it } from 'vitest';
import {
  alertSettingsOf,
  compareAlertWindows,
  DEFAULT_ALERT_SETTINGS,
  digestDue,
  digestMessage,
  digestWindows,
  endpointDisabledMessage,
  maskSlackUrl,
  newDetractorMessage,
  npsDropMessage,
  slaBreachMessage,
  slackEscape,
  slackFailedMessage,
  slackOutcome,
  validateAlertSettings,
} from '../../../src/core/alerts';
import { escapeHtml } from '../../../src/core/escape-html';

/** A distribution with p promoters (score 10), q passives (8) and d detractors (2). */
const dist = (p: number, q: number, d: number) => {
  const out = Array(11).fill(0) as number[];
  out[10] = p;
  out[8] = q;
  out[2] = d;
  return out;
};

const detractor = {
  locale: 'en' as const,
  timeZone: 'Europe/Berlin',
  workspaceName: 'Taskwerk',
  score: 3,
  comment: 'Hey <!channel> <b>bold</b> & <https://evil.example|click>',
  contactName: 'Jane <Doe>',
  contactEmail: 'jane@example.com',
  accountName: 'Acme & Co',
  surveyName: 'Quarterly',
  respondedAt: new Date('2026-11-26T08:00:00Z'),
  caseNumber: 12,
  caseUrl: 'https://nps.example.com/app/cases/abc',
  dueAt: new Date('2026-11-27T08:00:00Z'),
  owner: 'sales@example.com',
  responseUrl: 'https://nps.example.com/app/responses/r1',
};

describe('alert settings', () => {
  it('reads missing or malformed stored settings as the defaults', () => {
    expect(alertSettingsOf(null)).toEqual({ ...DEFAULT_ALERT_SETTINGS, slack_failure: null });
    expect(alertSettingsOf({ new_detractor: 'yes', nps_drop: { recent_days: 0 } }).nps_drop.recent_days).toBe(
      7,
    );
    expect(alertSettingsOf({ slack_failure: { at: 'x', reason: 'HTTP 410' } }).slack_failure).toEqual({
      at: 'x',
      reason: 'HTTP 410',
    });
  });

  it('applies a valid change, keeping what is left out', () => {
    const result = validateAlertSettings(
      { emails: [' Ops@Example.com ', 'ops@example.com'], nps_drop: { recent_days: 14 } },
      { ...DEFAULT_ALERT_SETTINGS, slack_webhook_url: 'https://hooks.slack.com/services/T/B/x' },
    );
    expect(result).toEqual({
      ok: true,
      value: {
        ...DEFAULT_ALERT_SETTINGS,
        slack_webhook_url: 'https://hooks.slack.com/services/T/B/x',
        emails: ['ops@example.com'],
        nps_drop: { enabled: true, recent_days: 14, baseline_days: 90 },
      },
    });
    const removed = validateAlertSettings({ slack_webhook_url: null }, DEFAULT_ALERT_SETTINGS);
    expect(removed.ok && removed.value.slack_webhook_url).toBe(null);
  });

  it('names the field of every problem', () => {
    const result = validateAlertSettings(
      {
        slack_webhook_url: 'javascript:alert(1)',
        emails: ['ok@example.com', 'not an address'],
        sla_breach: 'no',
        nps_drop: { recent_days: 0, extra: 1 },
        colour: 'red',
      },
      DEFAULT_ALERT_SETTINGS,
    );
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.errors.map((e) => e.path);
    expect(paths.sort()).toEqual(
      [
        'colour',
        'emails.1',
        'nps_drop.extra',
        'nps_drop.recent_days',
        'sla_breach',
        'slack_webhook_url',
      ].sort(),
    );
    const cross = validateAlertSettings(
      { nps_drop: { recent_days: 30, baseline_days: 7 } },
      DEFAULT_ALERT_SETTINGS,
    );
    expect(cross.ok ? [] : cross.errors.map((e) => e.path)).toEqual(['nps_drop.baseline_days']);
    expect(validateAlertSettings([], DEFAULT_ALERT_SETTINGS).ok).toBe(false);
  });

  it('masks the Slack URL down to its host and last 4 characters', () => {
    expect(maskSlackUrl('https://hooks.slack.com/services/T0001/B0001/abcdefgh1234')).toBe(
      'https://hooks.slack.com/…1234',
    );
    expect(maskSlackUrl(null)).toBe(null);
    expect(maskSlackUrl('https://hooks.slack.com/services/T0001/B0001/abcdefgh1234')).not.toContain(
      'abcdefgh',
    );
  });
});

describe('escaping', () => {
  it('escapes Slack control characters and HTML', () => {
    expect(slackEscape('<!channel> & <@U1>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(escapeHtml(`<b a="1">'&`)).toBe('&lt;b a=&quot;1&quot;&gt;&#39;&amp;');
  });

  it('keeps a comment from mentioning @channel, injecting a link or markup, in Slack and in email', () => {
    const m = newDetractorMessage(detractor);
    const slack = JSON.stringify(m.slack);
    expect(slack).not.toContain('<!channel>');
    expect(slack).not.toContain('<https://evil');
    expect(slack).toContain('&lt;!channel&gt;');
    expect(slack).toContain('Acme &amp; Co');
    // The only Slack link is ours.
    const links = [...slack.matchAll(/<(http[^|>]*)\|/g)].map((x) => x[1]);
    expect(links.every((l) => l === detractor.caseUrl)).toBe(true);
    expect(m.html).not.toContain('<b>bold');
    expect(m.html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(m.html).toContain('Jane &lt;Doe&gt;');
    expect(m.text).toContain('> Hey <!channel> <b>bold</b>'); // plain text is plain
  });
});

describe('messages', () => {
  it('a new detractor: score, comment, contact, account, survey, case link and due time, in English and German', () => {
    const en = newDetractorMessage(detractor);
    expect(en.subject).toBe('New detractor (3/10): Jane <Doe> (Acme & Co)');
    for (const part of ['3/10', 'jane@example.com', 'Quarterly', '#12', detractor.caseUrl, 'Nov 27, 2026'])
      expect(en.text).toContain(part);
    const de = newDetractorMessage({ ...detractor, locale: 'de', comment: null });
    expect(de.subject).toContain('Neuer Kritiker');
    expect(de.text).toContain('Fällig: 27.11.2026, 09:00');
    expect(de.text).toContain('(kein Kommentar)');
    const noCase = newDetractorMessage({ ...detractor, caseNumber: null, caseUrl: null, dueAt: null });
    expect(noCase.text).toContain(detractor.responseUrl);
  });

  it('an SLA breach, an endpoint disabled and Slack stopped', () => {
    const sla = slaBreachMessage({
      locale: 'en',
      timeZone: 'UTC',
      workspaceName: 'W',
      caseNumber: 4,
      title: 'Detractor 2/10',
      owner: null,
      team: 'Support',
      score: 2,
      dueAt: new Date('2026-11-26T10:00:00Z'),
      caseUrl: 'https://x/app/cases/4',
      status: 'open',
    });
    expect(sla.subject).toBe('Overdue: case #4');
    expect(sla.text).toContain('Owner: nobody');
    const disabled = endpointDisabledMessage({
      locale: 'de',
      workspaceName: 'W',
      url: 'https://hooks.example.com/<x>',
      reason: 'HTTP 410 Gone',
      settingsUrl: 'https://x/app/settings',
    });
    expect(disabled.subject).toBe('Ein Webhook-Endpunkt wurde abgeschaltet');
    expect(JSON.stringify(disabled.slack)).toContain('/&lt;x&gt;');
    expect(
      slackFailedMessage({ locale: 'en', workspaceName: 'W', reason: 'HTTP 410', settingsUrl: 's' }).subject,
    ).toBe('Slack alerts stopped');
  });

  it('an NPS drop only when the decrease is significant', () => {
    const base = {
      locale: 'en' as const,
      workspaceName: 'W',
      recentDays: 7,
      baselineDays: 90,
      dashboardUrl: 'u',
    };
    // 40 → -20 with n = 100 and 400: significant.
    const drop = npsDropMessage({ ...base, recent: dist(30, 20, 50), baseline: dist(200, 160, 40) });
    expect(drop?.subject).toMatch(/^NPS dropped \(down \d+ points, likely real\)$/);
    expect(drop?.text).toContain('Last 7 days: -20 ±');
    // A small dip, too few responses, and a rise: no alert.
    expect(npsDropMessage({ ...base, recent: dist(39, 30, 31), baseline: dist(40, 30, 30) })).toBe(null);
    expect(npsDropMessage({ ...base, recent: dist(1, 0, 9), baseline: dist(200, 160, 40) })).toBe(null);
    expect(npsDropMessage({ ...base, recent: dist(200, 160, 40), baseline: dist(30, 20, 50) })).toBe(null);
    const de = npsDropMessage({
      ...base,
      locale: 'de',
      recent: dist(30, 20, 50),
      baseline: dist(200, 160, 40),
    });
    expect(de?.subject).toMatch(/gesunken, wahrscheinlich echt/);
  });

  it('a digest: NPS with margin, the change in words, open and overdue cases, the oldest', () => {
    const now = new Date('2026-11-30T08:00:00Z');
    const m = digestMessage({
      locale: 'en',
      workspaceName: 'Taskwerk',
      period: 'weekly',
      from: '2026-11-23',
      to: '2026-11-29',
      current: dist(30, 20, 50),
      previous: dist(200, 160, 40),
      openCases: 3,
      overdueCases: 1,
      oldest: [
        {
          number: 1,
          title: 'Detractor <3/10>',
          owner: 'a@example.com',
          createdAt: new Date('2026-11-20T08:00:00Z'),
          dueAt: new Date('2026-11-21T08:00:00Z'),
          url: 'https://x/app/cases/1',
        },
      ],
      dashboardUrl: 'https://x/app/',
      casesUrl: 'https://x/app/cases',
      now,
    });
    expect(m.subject).toBe('Weekly digest: Taskwerk · NPS -20 (down 60 points, likely real)');
    expect(m.text).toContain('NPS: -20 ± ');
    expect(m.text).toContain('Open cases: 3');
    expect(m.text).toContain('Overdue: 1');
    expect(m.text).toContain('#1 Detractor <3/10> (10 days, a@example.com, overdue)');
    expect(m.html).toContain('Detractor &lt;3/10&gt;');
    const empty = digestMessage({
      locale: 'de',
      workspaceName: 'T',
      period: 'daily',
      from: '2026-11-29',
      to: '2026-11-29',
      current: dist(0, 0, 0),
      previous: dist(0, 0, 0),
      openCases: 0,
      overdueCases: 0,
      oldest: [],
      dashboardUrl: 'd',
      casesUrl: 'c',
      now,
    });
    expect(empty.text).toContain('NPS: keine Antworten');
    expect(empty.text).toContain('zu wenige Antworten für eine Aussage');
  });
});

describe('schedules and windows', () => {
  it('digests are due from 08:00, weekly ones on Mondays, once per local day', () => {
    const monday = { day: '2026-11-30', weekday: 1 };
    expect(digestDue('daily', { ...monday, msOfDay: 7.99 * 3_600_000 }, null)).toBe(false);
    expect(digestDue('daily', { ...monday, msOfDay: 8 * 3_600_000 }, null)).toBe(true);
    expect(digestDue('daily', { ...monday, msOfDay: 9 * 3_600_000 }, '2026-11-30')).toBe(false);
    expect(digestDue('daily', { ...monday, msOfDay: 9 * 3_600_000 }, '2026-11-29')).toBe(true);
    expect(digestDue('weekly', { ...monday, msOfDay: 9 * 3_600_000 }, '2026-11-23')).toBe(true);
    expect(digestDue('weekly', { day: '2026-12-01', weekday: 2, msOfDay: 9 * 3_600_000 }, null)).toBe(false);
  });

  it('compares the last full days against the days before', () => {
    expect(compareAlertWindows('2026-03-08', 7, 1).baseline).toEqual({
      from: '2026-02-28',
      to: '2026-02-28',
    });
    expect(compareAlertWindows('2026-11-26', 7, 90)).toEqual({
      recent: { from: '2026-11-19', to: '2026-11-25' },
      baseline: { from: '2026-08-21', to: '2026-11-18' },
    });
    expect(digestWindows('2026-11-30', 'weekly')).toEqual({
      current: { from: '2026-11-23', to: '2026-11-29' },
      previous: { from: '2026-11-16', to: '2026-11-22' },
    });
    expect(digestWindows('2026-11-30', 'daily').current).toEqual({ from: '2026-11-29', to: '2026-11-29' });
  });
});

describe("Slack's answers", () => {
  it('classifies delivered, retry, gone and rejected', () => {
    expect(slackOutcome(200, 'ok')).toBe('delivered');
    expect(slackOutcome(null, null)).toBe('retry');
    expect(slackOutcome(429, 'rate_limited')).toBe('retry');
    expect(slackOutcome(503, '')).toBe('retry');
    expect(slackOutcome(410, 'channel_is_archived')).toBe('gone');
    expect(slackOutcome(404, 'no_service')).toBe('gone');
    expect(slackOutcome(403, 'invalid_token')).toBe('gone');
    expect(slackOutcome(400, 'invalid_payload')).toBe('rejected');
  });
});
