/**
 * The filters that apply to every analysis page, kept in the URL: period (a preset or from/to),
 * survey, channel, journey stage and any number of attributes (`attr.plan=pro`). Turned into the
 * API's query parameters by `filterQuery`, and into a comparison's filter by `compareFilter`.
 */
export type Preset = '30' | '90' | '365' | 'all' | 'custom';

export interface Filters {
  preset: Preset;
  from?: string;
  to?: string;
  survey_id?: string;
  channel?: string;
  journey_stage?: string;
  /** Exact attribute values, e.g. { plan: 'pro', 'account.tier': 'gold' }. */
  attributes: Record<string, string>;
}

const ATTRIBUTE = /^attr\.(.{1,64})$/;

export const PRESETS: readonly Preset[] = ['30', '90', '365', 'all', 'custom'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function filtersOf(query: URLSearchParams): Filters {
  const preset = query.get('period');
  const filters: Filters = {
    preset: PRESETS.includes(preset as Preset) ? (preset as Preset) : '90',
    attributes: {},
  };
  const from = query.get('from');
  const to = query.get('to');
  if (filters.preset === 'custom') {
    if (from && DAY.test(from)) filters.from = from;
    if (to && DAY.test(to)) filters.to = to;
  }
  const survey = query.get('survey_id');
  if (survey) filters.survey_id = survey;
  const channel = query.get('channel');
  if (channel) filters.channel = channel;
  const stage = query.get('journey_stage');
  if (stage) filters.journey_stage = stage;
  for (const [key, value] of query) {
    const m = ATTRIBUTE.exec(key);
    if (m && value) filters.attributes[m[1]!] = value;
  }
  return filters;
}

/** A local day `days` before `today` (YYYY-MM-DD), in the browser's calendar. */
export function daysBefore(today: Date, days: number): string {
  const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The API query of the filters (from/to are local days; presets end today). */
export function filterQuery(filters: Filters, today = new Date()): Record<string, string | undefined> {
  const range =
    filters.preset === 'custom'
      ? { from: filters.from, to: filters.to }
      : filters.preset === 'all'
        ? {}
        : { from: daysBefore(today, Number(filters.preset) - 1), to: daysBefore(today, 0) };
  const attributes = Object.fromEntries(
    Object.entries(filters.attributes).map(([key, value]) => [`attr.${key}`, value]),
  );
  return {
    ...range,
    survey_id: filters.survey_id,
    channel: filters.channel,
    journey_stage: filters.journey_stage,
    ...attributes,
  };
}

/** The same filters as POST /metrics/compare takes them (lists and an attributes object). */
export function compareFilter(filters: Filters, today = new Date()): Record<string, unknown> {
  const q = filterQuery(filters, today);
  const out: Record<string, unknown> = {};
  if (q.from) out.from = q.from;
  if (q.to) out.to = q.to;
  if (filters.survey_id) out.survey_id = [filters.survey_id];
  if (filters.channel) out.channel = [filters.channel];
  if (filters.journey_stage) out.journey_stage = [filters.journey_stage];
  if (Object.keys(filters.attributes).length) out.attributes = { ...filters.attributes };
  return out;
}

/** A sensible trend granularity for the period. */
export function granularityFor(filters: Filters): 'day' | 'week' | 'month' {
  if (filters.preset === '30') return 'day';
  if (filters.preset === '90') return 'week';
  return 'month';
}
