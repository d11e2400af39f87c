/**
 * The shapes of the API's answers. They document the responses in the OpenAPI document, and the
 * contract test parses every 2xx answer with them, so the documentation cannot drift from the code.
 */
import { z } from 'zod';
import { INVITATION_STATES } from '../../core/invitation-lifecycle';
import type { NpsInterval, NpsSummary } from '../../core/stats';

const id = z.uuid();
const timestamp = z.iso.datetime({ offset: true });
const nullableTimestamp = timestamp.nullable();
const attributes = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** A page of a keyset-paginated list: pass `next_cursor` as `cursor` for the next page. */
export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });

export const workspaceSchema = z.object({
  id,
  name: z.string(),
  time_zone: z.string(),
  default_locale: z.string(),
  industry: z.string().nullable(),
  validity_months: z.number().int().describe('Responses count in the current NPS for this many months'),
  fatigue_days: z.number().int().describe('At most one survey per contact per this many days (0: off)'),
  fatigue_on_blocked: z.enum(['drop', 'postpone']),
  invitation_expiry_days: z.number().int().describe('Invitations of campaigns and rules expire after this'),
  track_opens: z
    .boolean()
    .describe('Survey emails carry a tracking pixel that records the first open (default false)'),
  segment_attributes: z.array(z.string()),
  benchmark: z
    .object({
      nps: z.number(),
      source: z.string(),
      url: z.string().nullable().optional(),
      year: z.number().int().nullable().optional(),
    })
    .nullable()
    .describe('The NPS the workspace compares itself with, and its source; null: none'),
  currency: z.string().describe('The currency of account revenue, ISO 4217 (default EUR)'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const apiKeySchema = z.object({
  id,
  name: z.string(),
  prefix: z.string().describe('The first characters of the secret, to recognise a key'),
  created_at: timestamp,
  last_used_at: nullableTimestamp,
  revoked_at: nullableTimestamp,
});

export const surveyTextsSchema = z.object({
  question: z.string(),
  follow_up: z.string(),
  follow_up_by_category: z.partialRecord(z.enum(['promoter', 'passive', 'detractor']), z.string()).optional(),
  thank_you: z.string(),
  testimonial_consent: z
    .string()
    .optional()
    .describe('The testimonial-consent checkbox label; absent: the built-in German or English text'),
});

export const surveySchema = z.object({
  id,
  name: z.string(),
  kind: z.enum(['relational', 'transactional']),
  journey_stage: z.string(),
  product_name: z.string(),
  default_locale: z.string(),
  texts: z.record(z.string(), surveyTextsSchema),
  brand_color: z.string(),
  logo_url: z.string().nullable().describe('The logo of its emails; null: the product name instead'),
  public_token: z.string(),
  public_url: z.url().describe('The public survey link: every visitor may answer'),
  status: z.enum(['active', 'archived']),
  fatigue_days: z
    .number()
    .int()
    .nullable()
    .describe("Overrides the workspace's fatigue_days; null: the workspace's"),
  fatigue_on_blocked: z
    .enum(['drop', 'postpone'])
    .nullable()
    .describe("Overrides the workspace's fatigue_on_blocked; null: the workspace's"),
  ask_testimonial_consent: z
    .boolean()
    .describe('Whether promoters (9-10) are asked to consent to being quoted (an opt-in checkbox)'),
  created_at: timestamp,
  updated_at: timestamp,
});

const widgetTrigger = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('page_view'), url_pattern: z.string() }),
  z.object({ kind: z.literal('event'), name: z.string() }),
  z.object({ kind: z.literal('seconds_on_page'), seconds: z.number().int() }),
  z.object({ kind: z.literal('scroll_depth'), percent: z.number().int() }),
]);

export const widgetColorsSchema = z.object({ brand: z.string(), background: z.string(), text: z.string() });

export const widgetSettingsSchema = z.object({
  triggers: z.array(widgetTrigger).describe("Empty: the widget opens only by plaudit('show') or data-survey"),
  sampling_percent: z.number().int().describe('The share of visitors that may be asked (stable per visitor)'),
  delay_seconds: z.number().int(),
  position: z.enum(['bottom-right', 'bottom-left', 'center']),
  texts: z
    .record(
      z.string(),
      z.object({
        question: z.string().optional(),
        follow_up: z.string().optional(),
        thank_you: z.string().optional(),
      }),
    )
    .describe("Per locale, overrides of the survey's texts in the widget"),
  colors: widgetColorsSchema,
  dismiss_cooldown_days: z.number().int().describe('Days a visitor who closed the widget is not asked again'),
  warnings: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .describe('Where the colours miss WCAG 2.2 AA contrast (the settings are stored anyway)'),
});

export const accountSchema = z.object({
  id,
  external_id: z.string().nullable(),
  name: z.string(),
  revenue: z.number().nullable(),
  attributes,
  created_at: timestamp,
  updated_at: timestamp,
});

export const contactSchema = z.object({
  id,
  email: z.string().nullable(),
  external_id: z.string().nullable(),
  name: z.string().nullable(),
  locale: z.string().nullable(),
  time_zone: z.string().nullable(),
  account_id: id.nullable(),
  attributes,
  created_at: timestamp,
  updated_at: timestamp,
});

export const reminderPlanSchema = z.object({
  count: z.number().int().min(0).max(5).describe('Reminders at most (0: none)'),
  after_days: z
    .number()
    .int()
    .min(1)
    .max(30)
    .describe('Days after the invitation of the first reminder, and between reminders'),
});

export const invitationSchema = z.object({
  id,
  survey_id: id,
  contact_id: id,
  token: z.string(),
  url: z.url().describe('The personal survey link of the contact'),
  channel: z.string(),
  expires_at: timestamp,
  answered_at: nullableTimestamp,
  created_at: timestamp,
  status: z
    .enum(['created', 'queued', 'sending', 'sent', 'bounced', 'skipped', 'failed'])
    .describe('Email delivery: created (nothing to send), queued, sending, sent, bounced, skipped, failed'),
  send_at: nullableTimestamp.describe('When the email is due (send: true), or null'),
  message_id: z.string().nullable().describe('The Message-ID of the email, once an attempt was made'),
  sending_at: nullableTimestamp.describe('When the last send attempt started'),
  delivery_attempts: z
    .number()
    .int()
    .describe(
      'SMTP transactions started for the email: 1 normally; more after a crash or a deferral, each extra one a possible duplicate (same Message-ID)',
    ),
  sent_at: nullableTimestamp,
  delivery_error: z.string().nullable().describe('The SMTP answer of a bounce or the error of a failure'),
  skip_reason: z
    .string()
    .nullable()
    .describe('Why no email was sent: answered, expired, survey_archived, unsubscribed, suppressed'),
  reminder_plan: reminderPlanSchema
    .nullable()
    .describe('The reminders sent when the contact has not answered (send: true); null: none'),
  reminders_sent: z.number().int().describe('Reminders sent so far'),
  last_reminded_at: nullableTimestamp.describe('When the latest reminder was sent'),
  event_id: id.nullable().describe('The event that triggered it (a trigger rule), or null'),
  campaign_id: id.nullable().describe('The campaign it belongs to, or null'),
  autopilot_id: id.nullable().describe('The autopilot (relational cadence) that scheduled it, or null'),
  due_day: z
    .string()
    .nullable()
    .describe("Autopilot: the contact's local day (YYYY-MM-DD) the survey was due on, or null"),
  expired: z.boolean().describe('Never answered and past expires_at: the link no longer takes answers'),
  opened_at: nullableTimestamp.describe(
    "The first open of the email (its tracking pixel; only when the workspace's track_opens is on)",
  ),
  state: z
    .enum(INVITATION_STATES)
    .describe(
      'The lifecycle, computed on read; the first that holds: answered, bounced, failed, skipped, expired, ' +
        'reminded, opened, sent, sending, scheduled (queued), created (a link, no email)',
    ),
});

const category = z.enum(['promoter', 'passive', 'detractor']);

export const responseSchema = z.object({
  id,
  survey_id: id,
  contact_id: id.nullable(),
  account_id: id.nullable(),
  invitation_id: id.nullable(),
  score: z.number().int().min(0).max(10),
  category,
  comment: z.string().nullable(),
  locale: z.string().nullable(),
  channel: z.string(),
  attributes: attributes.describe("Snapshot of the contact's and account's attributes at answer time"),
  editable_until: nullableTimestamp,
  testimonial_consent: z
    .boolean()
    .nullable()
    .describe('Whether the comment may be quoted publicly; null: not asked (not a promoter) or not answered'),
  testimonial_consent_at: nullableTimestamp.describe('When testimonial_consent was given or last changed'),
  day: z.string().describe('The local day in the workspace time zone, YYYY-MM-DD'),
  created_at: timestamp,
  updated_at: timestamp,
});

export const responseCreatedSchema = z.object({
  id,
  survey_id: id,
  score: z.number().int(),
  category,
  created_at: timestamp,
  testimonial_consent: z
    .boolean()
    .nullable()
    .describe('As stored: kept only for promoters of a survey that asks it, else null'),
  testimonial_consent_at: nullableTimestamp,
  duplicate: z.boolean().describe('true when the idempotency_key had been used: nothing new was stored'),
});

const intervalSchema = z.object({
  method: z.enum(['wald', 'adjusted-wald']),
  estimate: z.number(),
  standard_error: z.number(),
  margin_of_error: z.number(),
  low: z.number(),
  high: z.number(),
});

export const summarySchema = z.object({
  n: z.number().int(),
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  promoter_pct: z.number(),
  passive_pct: z.number(),
  detractor_pct: z.number(),
  nps: z.number().nullable().describe('Exact NPS in [-100, 100]; null without responses'),
  nps_rounded: z.number().int().nullable(),
  margin_of_error: z.number().nullable().describe('95% margin of error of the recommended interval'),
  interval: intervalSchema.nullable().describe('The recommended 95% interval (adjusted-Wald below 100)'),
  wald: intervalSchema.nullable(),
  adjusted_wald: intervalSchema.nullable(),
  distribution: z.array(z.number().int()).length(11).describe('Counts of the scores 0..10'),
});

function intervalJson(interval: NpsInterval | null): z.infer<typeof intervalSchema> | null {
  if (!interval) return null;
  return {
    method: interval.method,
    estimate: interval.estimate,
    standard_error: interval.standardError,
    margin_of_error: interval.marginOfError,
    low: interval.low,
    high: interval.high,
  };
}

/** The engine's summary in the API's snake_case. */
export function summaryJson(summary: NpsSummary): z.infer<typeof summarySchema> {
  return {
    n: summary.n,
    promoters: summary.promoters,
    passives: summary.passives,
    detractors: summary.detractors,
    promoter_pct: summary.promoterPct,
    passive_pct: summary.passivePct,
    detractor_pct: summary.detractorPct,
    nps: summary.nps,
    nps_rounded: summary.npsRounded,
    margin_of_error: summary.marginOfError,
    interval: intervalJson(summary.interval),
    wald: intervalJson(summary.wald),
    adjusted_wald: intervalJson(summary.adjustedWald),
    distribution: summary.distribution,
  };
}

const source = z.enum(['rollup', 'raw']).describe('Whether a rollup or the raw responses answered');
const verdict = z.enum(['increase', 'decrease', 'no-significant-change', 'too-few-responses']);

export const npsMetricSchema = summarySchema.extend({
  source,
  window: z
    .object({
      from: z.string().describe('First local day of the validity window'),
      to: z.string().describe('Today in the workspace time zone'),
      validity_months: z.number().int(),
    })
    .nullable()
    .describe('With current=true: the validity window (counted: its intersection with from/to); else null'),
});

export const trendSchema = z.object({
  granularity: z.enum(['day', 'week', 'month']),
  from: z.string(),
  to: z.string(),
  source,
  points: z.array(z.object({ bucket: z.string(), summary: summarySchema })),
});

const comparisonFields = {
  difference: z.number().nullable(),
  z: z.number().nullable().describe('null without responses; ±1e9 when neither side varies yet they differ'),
  p_value: z.number().nullable(),
  significant: z.boolean(),
  verdict,
};

export const breakdownSchema = z.object({
  by: z.string(),
  source,
  total: summarySchema.describe('Every response the filter matches'),
  without_value: summarySchema.describe('The responses that have no value for the dimension'),
  segments: z.array(
    summarySchema.extend({
      value: z.string().nullable(),
      vs_rest: z.object(comparisonFields).describe('This segment against all other responses'),
    }),
  ),
});

export const compareSchema = z.object({
  current: summarySchema.extend({ filter: z.record(z.string(), z.unknown()) }),
  baseline: summarySchema.extend({ filter: z.record(z.string(), z.unknown()) }),
  ...comparisonFields,
  standard_error: z.number().nullable(),
  verdict_text: z.string(),
  min_n: z.number().int(),
});

const rowErrorSchema = z.object({
  line: z.number().int().describe('Physical line in the file; the header is line 1'),
  field: z.string().nullable().describe('The column'),
  code: z.string(),
  message: z.string(),
});

const themeCategoryStats = z.object({
  count: z.number().int().describe('Comments of the category that mention the theme'),
  pct: z.number().describe("Percent of the category's comments that mention it"),
  lift: z
    .number()
    .nullable()
    .describe('Share in the category ÷ share overall (> 1: mentioned more often there); null: no comments'),
});

export const themeSchema = z.object({
  key: z.string().describe('Normalised (stemmed, lower-case) word or two-word phrase'),
  label: z.string().describe('The form written most often'),
  words: z.union([z.literal(1), z.literal(2)]),
  count: z.number().int().describe('Comments that mention it'),
  pct: z.number().describe('Percent of the analysed comments that mention it'),
  categories: z.object({
    promoter: themeCategoryStats,
    passive: themeCategoryStats,
    detractor: themeCategoryStats,
  }),
  summary: summarySchema.describe('NPS of the responses whose comment mentions it, with its margin of error'),
  search: z
    .string()
    .describe('As q on GET /responses (with the same filters): finds every comment counted here, maybe more'),
});

export const themesSchema = z.object({
  comments: z.number().int().describe('Comments analysed'),
  sampled: z
    .boolean()
    .describe('More comments matched than are analysed per request (sample_limit): the newest were analysed'),
  sample_limit: z.number().int(),
  comments_by_category: z.object({
    promoter: z.number().int(),
    passive: z.number().int(),
    detractor: z.number().int(),
  }),
  min_count: z.number().int(),
  themes: z.array(themeSchema).describe('Most mentioned first'),
  by_category: z
    .object({
      promoter: z.array(themeSchema),
      passive: z.array(themeSchema),
      detractor: z.array(themeSchema),
    })
    .describe('Per category: themes it mentions more often than all comments do, by count × ln(lift)'),
});

export const importResultSchema = z.object({
  mode: z.enum(['atomic', 'partial']),
  dry_run: z.boolean(),
  delimiter: z.string(),
  rows_read: z.number().int(),
  valid: z.number().int(),
  skipped: z.number().int(),
  imported: z.object({ inserted: z.number().int(), updated: z.number().int(), unchanged: z.number().int() }),
  error_count: z.number().int(),
  errors: z.array(rowErrorSchema).describe('The first 100 row errors'),
  committed: z.boolean(),
});

/** An atomic import refused for bad rows: the usual error envelope plus the row report. */
export const importRefusedSchema = importResultSchema.extend({
  error: z.object({ code: z.literal('invalid_rows'), message: z.string(), field: z.string().nullable() }),
});

export const suppressionSchema = z.object({
  id,
  email: z.string(),
  contact_id: id.nullable().describe('The contact with this address, when there is one'),
  reason: z.enum(['unsubscribed', 'bounced', 'complained']),
  source: z.string().describe('one-click, page, smtp, api, or the source the reporter named'),
  detail: z.string().nullable(),
  created_at: timestamp,
});

export const campaignFatigueSchema = z.object({
  min_days_between: z
    .number()
    .int()
    .optional()
    .describe('Days that must pass after a contact was last surveyed (any channel); default 90'),
  on_blocked: z
    .enum(['drop', 'postpone'])
    .optional()
    .describe('A recently surveyed contact is skipped (drop, default) or sent later (postpone)'),
});

export const campaignSchema = z.object({
  id,
  survey_id: id,
  name: z.string(),
  audience: z
    .record(z.string(), z.unknown())
    .describe('{ everyone: true }, { contact_ids: [...] } or an attribute filter { all | any: [...] }'),
  send_at: timestamp,
  status: z
    .enum(['queued', 'expanding', 'done', 'cancelled'])
    .describe(
      'queued (the audience is not yet expanded), expanding, done (every invitation exists), cancelled',
    ),
  fatigue: campaignFatigueSchema.nullable().describe("The campaign's fatigue override; null: the default"),
  reminders: reminderPlanSchema
    .nullable()
    .describe("The reminder plan of the campaign's invitations; null: none"),
  created_at: timestamp,
  expanded_at: nullableTimestamp,
});

export const campaignWithCountsSchema = campaignSchema.extend({
  counts: z
    .object({
      total: z.number().int(),
      queued: z.number().int(),
      sending: z.number().int(),
      sent: z.number().int(),
      bounced: z.number().int(),
      failed: z.number().int(),
      skipped: z.number().int(),
      skipped_by_reason: z
        .record(z.string(), z.number().int())
        .describe('unsubscribed, bounced, recently_surveyed, no_email, and reasons found at send time'),
      by_state: z
        .object(Object.fromEntries(INVITATION_STATES.map((state) => [state, z.number().int()])))
        .describe(
          "By lifecycle state (the invitations' state): each invitation counted once, the sum is total",
        ),
    })
    .describe("The campaign's invitations by delivery status (total … skipped) and by lifecycle state"),
  answered: z.number().int().describe('Invitations of the campaign that were answered'),
  opened: z
    .number()
    .int()
    .describe('Invitations whose email was opened (recorded only while the workspace tracks opens)'),
  response_rate: z
    .number()
    .nullable()
    .describe(
      'Delivered (status sent) invitations that were answered / delivered, 0-1 rounded to 4 decimals; ' +
        'null before any email was delivered',
    ),
  open_rate: z
    .number()
    .nullable()
    .describe(
      'Delivered invitations that were opened / delivered, 0-1 rounded to 4 decimals; null when the ' +
        'workspace does not track opens or nothing was delivered',
    ),
});

export const triggerRuleSchema = z.object({
  id,
  name: z.string(),
  event_name: z.string().describe('The event name the rule reacts to'),
  filter: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe("A filter on the event's properties { all | any: [...] }; null: every event of the name"),
  survey_id: id,
  delay_minutes: z.number().int().describe('Minutes after the event at which the survey is sent'),
  reminders: reminderPlanSchema
    .nullable()
    .describe("The reminder plan of the rule's invitations; null: none"),
  fatigue: campaignFatigueSchema.nullable().describe("The rule's fatigue override; null: the default"),
  active: z.boolean(),
  created_at: timestamp,
});

export const eventOutcomeSchema = z.object({
  rule_id: id,
  survey_id: id,
  invitation_id: id
    .nullable()
    .describe('The invitation created; for duplicate_event the one the event already has of the survey'),
  status: z.enum(['queued', 'skipped']),
  skip_reason: z
    .string()
    .nullable()
    .describe('Why no survey is sent: unsubscribed, bounced, recently_surveyed, no_email, duplicate_event'),
  send_at: nullableTimestamp.describe('When the email is due (queued)'),
});

export const eventSchema = z.object({
  id,
  external_id: z.string().describe('Your id of the event (the id you sent)'),
  name: z.string(),
  contact_id: id.nullable().describe('Null only for an anonymous visitor of the website widget'),
  visitor_id: z.string().nullable().describe("The website widget's visitor id (source widget)"),
  source: z
    .enum(['api', 'widget'])
    .describe("api: POST /api/v1/events; widget: plaudit('track') in a browser (runs no trigger rules)"),
  properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  occurred_at: timestamp,
  received_at: timestamp,
  outcomes: z
    .array(eventOutcomeSchema)
    .describe('What each active rule whose name and filter matched did when the event arrived'),
});

export const cadenceSchema = z.object({
  anchor: z
    .union([
      z.object({ kind: z.literal('attribute'), attribute: z.string() }),
      z.object({ kind: z.literal('first_seen') }),
      z.object({ kind: z.literal('fixed'), day: z.string() }),
    ])
    .describe('What the months are counted from: a date attribute, the day first seen, or a fixed day'),
  milestones_months: z.array(z.number().int()).describe('Months after the anchor, e.g. [3, 6, 12]'),
  then_every_months: z
    .number()
    .int()
    .nullable()
    .describe('After the last milestone, every so many months; null: stop'),
});

export const businessHoursSchema = z.object({
  weekdays: z.array(z.number().int().min(1).max(7)).describe('ISO weekdays, 1 = Monday'),
  start_hour: z.number().int(),
  end_hour: z.number().int(),
});

export const autopilotSchema = z.object({
  id,
  survey_id: id,
  name: z.string(),
  cadence: cadenceSchema,
  audience: z
    .record(z.string(), z.unknown())
    .describe('{ everyone: true }, { contact_ids: [...] } or an attribute filter { all | any: [...] }'),
  business_hours: businessHoursSchema.describe("When emails go out, in the contact's local time"),
  reminders: reminderPlanSchema
    .nullable()
    .describe("The reminder plan of the autopilot's invitations; null: none"),
  fatigue: campaignFatigueSchema.nullable().describe("The autopilot's fatigue override; null: the default"),
  status: z.enum(['active', 'paused']),
  created_at: timestamp,
  updated_at: timestamp,
  last_run_at: nullableTimestamp.describe('When the scheduler last ran it (hourly while active)'),
  last_run: z
    .object({
      contacts: z.number().int().describe('Contacts of the audience on the cadence'),
      due: z.number().int().describe('Contacts due today that got an invitation'),
      queued: z.number().int(),
      skipped: z.number().int().describe('Stopped by a fatigue rule (see the invitations)'),
    })
    .nullable(),
});

export const autopilotWithCountsSchema = autopilotSchema.extend({
  counts: z.object({
    total: z.number().int(),
    queued: z.number().int().describe('Queued or sending'),
    sent: z.number().int(),
    skipped: z.number().int(),
    answered: z.number().int(),
  }),
  response_rate: z.number().nullable().describe('answered / sent; null before anything was sent'),
});

export const autopilotScheduleEntrySchema = z.object({
  contact_id: id,
  email: z.string().nullable(),
  time_zone: z.string().describe("The zone of the contact's days: its own, else the workspace's"),
  anchor_day: z.string().nullable().describe('The day the months are counted from'),
  last_due_day: z.string().nullable().describe('The due day of its latest survey by this autopilot'),
  next_due_day: z
    .string()
    .nullable()
    .describe(
      'Its next due day (today when due now); null: never again. The fatigue rules apply on that day',
    ),
  next_send_at: nullableTimestamp.describe("Where that day's email falls in the business hours"),
});

export const publishableKeySchema = z.object({
  id,
  name: z.string(),
  key: z.string().describe('pk_…, for the widget snippet (not a secret: shown again)'),
  allowed_origins: z
    .array(z.string())
    .describe('Origins whose pages may use the key: https://app.example.com or https://*.example.com'),
  created_at: timestamp,
  revoked_at: nullableTimestamp,
});

// --- Account analytics and leaderboards (core/account-nps.ts, core/leaderboard.ts) ------------

const accountCategory = z
  .enum(['promoter', 'passive', 'detractor'])
  .nullable()
  .describe('From the mean of the latest scores: ≥ 9 promoter, ≤ 6 detractor, else passive');

const accountRefSchema = z.object({
  id,
  name: z.string(),
  external_id: z.string().nullable(),
  revenue: z.number().nullable(),
  owner: z.string().nullable(),
  nps: z.number().nullable(),
  nps_rounded: z.number().int().nullable(),
  n: z.number().int(),
});

const periodSchema = z.object({ from: z.string(), to: z.string() });

export const accountMetricsSchema = z.object({
  from: z.string().describe('First day of the period (default: 364 days before to)'),
  to: z.string().describe('Last day of the period (default: today in the workspace time zone)'),
  previous: periodSchema.describe('The previous period of equal length, for change'),
  sort: z.enum(['revenue', 'nps', 'change', 'responses']),
  order: z.enum(['asc', 'desc']),
  min_responses: z.number().int(),
  summary: z.object({
    accounts: z.number().int().describe('Accounts with at least min_responses counted responses'),
    promoter_accounts: z.number().int(),
    passive_accounts: z.number().int(),
    detractor_accounts: z.number().int(),
    revenue_weighted_nps: z
      .number()
      .nullable()
      .describe('Σ NPS × revenue / Σ revenue over accounts with a positive revenue'),
    revenue_weighted_accounts: z.number().int(),
    accounts_without_revenue: z.number().int().describe('Excluded from revenue_weighted_nps'),
    revenue_at_risk: z.number().describe('Σ revenue of detractor accounts'),
    upsell_candidates: z.object({
      count: z.number().int(),
      top: z.array(accountRefSchema).describe('Promoter accounts, highest revenue first (at most 20)'),
    }),
    falling: z.object({
      threshold: z.number(),
      min_responses: z.number().int(),
      count: z.number().int(),
      top: z
        .array(accountRefSchema.extend({ previous_nps: z.number(), change: z.number() }))
        .describe('Largest drop first (at most 20)'),
    }),
  }),
  data: z.array(
    summarySchema.extend({
      id,
      name: z.string(),
      external_id: z.string().nullable(),
      revenue: z.number().nullable(),
      owner: z.string().nullable().describe('Account attribute owner, else account_owner'),
      responses: z.number().int().describe('All responses of the period, before one-per-stakeholder'),
      stakeholders: z.number().int().describe('Contacts who answered (= n: each counts once)'),
      roles: z
        .array(z.string())
        .describe("Distinct roles (attribute role, else title) of the stakeholders' answers"),
      mean_score: z.number().nullable(),
      category: accountCategory,
      previous: z.object({
        n: z.number().int(),
        nps: z.number().nullable(),
        nps_rounded: z.number().int().nullable(),
      }),
      change: z.number().nullable().describe('nps − previous.nps; null when either is missing'),
      falling: z.boolean(),
    }),
  ),
  next_cursor: z.string().nullable(),
});

export const accountTrendSchema = z.object({
  account_id: id,
  interval: z.enum(['day', 'week', 'month']),
  from: z.string(),
  to: z.string(),
  points: z.array(
    z.object({
      bucket: z.string(),
      responses: z.number().int().describe('All responses in the bucket; summary counts one per stakeholder'),
      summary: summarySchema,
    }),
  ),
});

export const leaderboardSchema = z.object({
  by: z.string(),
  min_n: z.number().int(),
  source: z.enum(['rollup', 'raw']),
  total: summarySchema.describe('All responses that have a value for `by`'),
  ranked: z.array(
    summarySchema.extend({
      value: z.string(),
      rank: z.number().int().describe('1 = best; equal displayed NPS share a rank'),
      tied: z.boolean(),
      rank_range: z
        .object({ best: z.number().int(), worst: z.number().int() })
        .describe('Places the entry could hold given which differences are significant'),
      significantly_above_rest: z.boolean(),
      significantly_below_rest: z.boolean(),
      vs_rest: z.object(comparisonFields),
    }),
  ),
  not_ranked: z
    .array(
      summarySchema.extend({
        value: z.string(),
        reason: z.literal('too few answers'),
        missing: z.number().int().describe('Responses still needed to be ranked'),
      }),
    )
    .describe('Entries with fewer than min_n responses, most responses first'),
});

/** A follow-up case (routes/cases.ts, repo/cases.ts `toApiCase`). */
export const caseSchema = z.object({
  id,
  number: z.number().int().describe('#1, #2, … per workspace'),
  response_id: id.nullable(),
  survey_id: id.nullable(),
  contact_id: id.nullable(),
  account_id: id.nullable(),
  score: z.number().int().nullable().describe('The answer when the case was opened'),
  category: z.enum(['promoter', 'passive', 'detractor']).nullable(),
  comment: z.string().nullable().describe("The answer's comment as it is now"),
  title: z.string().describe('The playbook rule that opened it, or the title given'),
  owner: z.string().nullable(),
  team: z.string().nullable(),
  status: z.enum(['open', 'in_progress', 'waiting_on_customer', 'closed']),
  sla: z
    .enum(['on_track', 'due_soon', 'breached', 'met', 'missed'])
    .describe('due_soon: less than a quarter of the time left; met/missed: closed by / after its due time'),
  due_at: timestamp,
  first_contact_at: nullableTimestamp,
  closed_at: nullableTimestamp,
  resolution: z.string().nullable(),
  root_causes: z.array(z.string()),
  follow_up_sent_at: nullableTimestamp.describe('The "you told us, we did" message was sent (once per case)'),
  recovery_invitation_id: id.nullable(),
  contact: z.object({ id, name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  account: z.object({ id, name: z.string() }).nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const caseNoteSchema = z.object({
  id,
  kind: z
    .enum(['note', 'contact', 'event'])
    .describe('event: a change Plaudit logged; contact: a contact with the customer'),
  body: z.string(),
  author_user_id: id.nullable(),
  author_name: z.string().nullable(),
  created_at: timestamp,
});

export const caseDetailSchema = z.object({
  case: caseSchema,
  notes: z.array(caseNoteSchema),
  history: z.array(
    z.object({
      id,
      survey_id: id,
      score: z.number().int(),
      comment: z.string().nullable(),
      channel: z.string(),
      created_at: timestamp,
    }),
  ),
  playbook: z
    .object({ rules: z.array(z.string()), actions: z.array(z.record(z.string(), z.unknown())) })
    .nullable()
    .describe('The rules that matched the answer and the actions the playbook took'),
});

const caseMetricsRow = z.object({
  group: z.string().nullable(),
  opened: z.number().int(),
  closed: z.number().int(),
  closed_loop_rate: z.number().nullable().describe('closed / opened'),
  closed_within_sla_rate: z.number().nullable().describe('closed by the due time / closed'),
  open_breached: z.number().int(),
  median_hours_to_first_contact: z.number().nullable(),
  median_hours_to_close: z.number().nullable(),
  recovery_base: z.number().int().describe('Detractor cases whose contact answered again afterwards'),
  recovered: z.number().int().describe('…whose next answer was higher'),
  recovery_rate: z.number().nullable(),
});

export const caseMetricsSchema = z.object({
  from: z.string(),
  to: z.string(),
  overall: caseMetricsRow,
  group_by: z.enum(['owner', 'team']).nullable(),
  groups: z.array(caseMetricsRow),
});
