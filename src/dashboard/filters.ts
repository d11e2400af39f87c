/**
 * The filters that apply to every analysis page, kept in the URL: period (a preset or from/to),
 * survey, channel. Turned into the API's query parameters by `filterQuery`.
 */
export type Preset = '30' | '90' | '365' | 'all' | 'custom';

export interface Filters {
  preset: Preset;
  from?: string;
  to?: string;
  survey_id?: string;
  channel?: string;
}

export const PRESETS: readonly Preset[] = ['30', '90', '365', 'all', 'custom'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function filtersOf(query: URLSearchParams): Filters {
  const preset = query.get('period');
  const filters: Filters = { preset: PRESETS.includes(preset as Preset) ? (preset as Preset) : '90' };
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
  return { ...range, survey_id: filters.survey_id, channel: filters.channel };
}

/** A sensible trend granularity for the period. */
export function granularityFor(filters: Filters): 'day' | 'week' | 'month' {
  if (filters.preset === '30') return 'day';
  if (filters.preset === '90') return 'week';
  return 'month';
}
