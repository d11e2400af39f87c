import { describe, expect, it } from 'vitest';
import { actionsFor, DEFAULT_PLAYBOOK, type Playbook, validatePlaybook } from '../../../src/core/playbook';

const facts = (
  score: number,
  previousScore: number | null = null,
  attributes: Record<string, unknown> = {},
) => ({
  score,
  previousScore,
  attributes,
});

describe('the default playbook (PRODUCT.md)', () => {
  it('does exactly the table for every score 0-10', () => {
    const kinds = Array.from({ length: 11 }, (_, s) => actionsFor(DEFAULT_PLAYBOOK, facts(s)));
    for (let s = 0; s <= 6; s++) {
      expect(kinds[s], `score ${s}`).toEqual([{ kind: 'alert_owner' }, { kind: 'open_case', due_hours: 24 }]);
    }
    for (const s of [7, 8]) expect(kinds[s], `score ${s}`).toEqual([{ kind: 'open_case', due_hours: 168 }]);
    for (const s of [9, 10]) {
      expect(kinds[s], `score ${s}`).toEqual([
        { kind: 'send_thanks' },
        { kind: 'request_testimonial', delay_days: 14 },
      ]);
    }
  });

  it('is valid by its own validation', () => {
    expect(validatePlaybook(DEFAULT_PLAYBOOK)).toEqual({ ok: true, value: DEFAULT_PLAYBOOK });
  });
});

describe('rules', () => {
  const playbook: Playbook = {
    rules: [
      ...DEFAULT_PLAYBOOK.rules,
      {
        name: 'Fallen promoter: escalate within 4 hours',
        categories: ['detractor'],
        previous_categories: ['promoter'],
        actions: [
          { kind: 'alert_owner', fallback: 'customer-success' },
          { kind: 'open_case', due_hours: 4 },
        ],
      },
      {
        name: 'Enterprise passives: case within 2 days',
        categories: ['passive'],
        attributes: { all: [{ attribute: 'plan', op: 'eq', value: 'enterprise' }] },
        actions: [{ kind: 'open_case', due_hours: 48 }],
      },
      {
        name: 'Enterprise promoters: ask for a review after 7 days',
        categories: ['promoter'],
        attributes: { all: [{ attribute: 'plan', op: 'eq', value: 'enterprise' }] },
        actions: [{ kind: 'request_testimonial', delay_days: 7, review_url: 'https://g2.example/review' }],
      },
    ],
  };

  it('matches a score change from the previous answer, and only then', () => {
    // Was a promoter (9), now a detractor (3): the escalation's earlier due time and fallback win.
    expect(actionsFor(playbook, facts(3, 9))).toEqual([
      { kind: 'alert_owner', fallback: 'customer-success' },
      { kind: 'open_case', due_hours: 4 },
    ]);
    // A detractor who was a passive, or answers for the first time: the default.
    for (const previous of [7, null]) {
      expect(actionsFor(playbook, facts(3, previous))).toEqual([
        { kind: 'alert_owner' },
        { kind: 'open_case', due_hours: 24 },
      ]);
    }
  });

  it('matches attributes, the more urgent action of the same kind winning', () => {
    expect(actionsFor(playbook, facts(8, null, { plan: 'enterprise' }))).toEqual([
      { kind: 'open_case', due_hours: 48 },
    ]);
    expect(actionsFor(playbook, facts(8, null, { plan: 'pro' }))).toEqual([
      { kind: 'open_case', due_hours: 168 },
    ]);
    expect(actionsFor(playbook, facts(10, null, { plan: 'enterprise' }))).toEqual([
      { kind: 'send_thanks' },
      { kind: 'request_testimonial', delay_days: 7, review_url: 'https://g2.example/review' },
    ]);
  });

  it('does nothing when no rule matches', () => {
    expect(actionsFor({ rules: [] }, facts(0))).toEqual([]);
    expect(actionsFor({ rules: [DEFAULT_PLAYBOOK.rules[2]!] }, facts(5))).toEqual([]);
  });
});

describe('validatePlaybook', () => {
  const errorsOf = (input: unknown) => {
    const r = validatePlaybook(input);
    return r.ok ? {} : Object.fromEntries(r.errors.map((e) => [e.path, e.message]));
  };

  it('names every wrong field by its path', () => {
    expect(errorsOf(null)).toEqual({ playbook: 'must be an object with rules' });
    expect(errorsOf({ rules: 'x' })).toEqual({ 'playbook.rules': 'must be a list' });
    const errors = errorsOf({
      rules: [
        {
          name: '',
          categories: ['fan'],
          previous_categories: [],
          attributes: { all: [{ attribute: 'plan', op: 'like', value: 'x' }] },
          actions: [
            { kind: 'open_case', due_hours: -1 },
            { kind: 'request_testimonial', delay_days: 14, review_url: 'javascript:alert(1)' },
            { kind: 'teleport' },
            { kind: 'send_thanks', extra: 1 },
          ],
          extra: true,
        },
      ],
    });
    expect(Object.keys(errors).sort()).toEqual(
      [
        'playbook.rules.0.name',
        'playbook.rules.0.categories.0',
        'playbook.rules.0.previous_categories',
        'playbook.rules.0.attributes.all.0.op',
        'playbook.rules.0.actions.0.due_hours',
        'playbook.rules.0.actions.1.review_url',
        'playbook.rules.0.actions.2.kind',
        'playbook.rules.0.actions.3.extra',
        'playbook.rules.0.extra',
      ].sort(),
    );
  });

  it('keeps a valid rule with its optional parts and drops duplicate categories', () => {
    const r = validatePlaybook({
      rules: [
        {
          name: ' Churn risk ',
          categories: ['detractor', 'detractor'],
          previous_categories: ['promoter'],
          actions: [{ kind: 'alert_owner', fallback: 'support' }],
        },
      ],
    });
    expect(r).toEqual({
      ok: true,
      value: {
        rules: [
          {
            name: 'Churn risk',
            categories: ['detractor'],
            previous_categories: ['promoter'],
            actions: [{ kind: 'alert_owner', fallback: 'support' }],
          },
        ],
      },
    });
  });
});
