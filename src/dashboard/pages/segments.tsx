/**
 * Segments: the NPS per value of any dimension (survey, channel, journey stage or a response,
 * contact or account attribute) with its 95% interval on the fixed -100..100 scale, the
 * breakdown's z-test against all other responses in words, and each segment's impact on the total
 * NPS (what the total would lose or gain without it; segment-impact.ts). Dimension, sort and
 * minimum sample are in the URL next to the filters, so a view can be shared.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../api';
import { ATTRIBUTE_NAME, type AttributeOption, AttributePicker } from '../components/attribute-picker';
import { FilterBar } from '../components/filter-bar';
import { IntervalBar } from '../components/interval-bar';
import { filterQuery } from '../filters';
import { defineMessages, type MessageKey, useI18n, useMessages } from '../i18n';
import { setQuery } from '../router';
import type { PageContext } from '../routes';
import { impactOf, SEGMENT_SORTS, type SegmentSort, segmentSortOf, sortSegments } from '../segment-impact';
import type { Summary, Survey } from '../types';

const M = defineMessages({
  en: {
    title: 'Segments',
    lead: 'The NPS of each group of responses, compared with all other responses.',
    by: 'Group by',
    dim_survey: 'Survey',
    dim_channel: 'Channel',
    dim_journey_stage: 'Journey stage',
    attr_plan: 'Plan',
    attr_country: 'Country',
    attr_sales_rep: 'Sales rep',
    attr_team: 'Team',
    attr_acquisition_channel: 'Acquisition channel',
    attr_role: 'Role',
    attr_release: 'Product release',
    'attr_account.industry': 'Account industry',
    'attr_account.tier': 'Account tier',
    sort: 'Sort by',
    sort_impact: 'Impact on the total NPS',
    sort_nps: 'NPS',
    sort_size: 'Number of answers',
    min_n: 'Minimum answers per side',
    cohort: 'Dates as cohorts',
    cohort_none: 'Each value',
    cohort_month: 'By month',
    cohort_quarter: 'By quarter (e.g. signup cohort)',
    cohort_year: 'By year',
    total: 'All responses: NPS {nps} ± {margin} from {n} answers.',
    without_value: '{n} answers have no value here (NPS {nps}); they count in every "rest".',
    impact_help:
      'Impact = the total NPS minus the NPS the total would have without the segment. Negative: the segment costs the total that many points; positive: it adds them.',
    col_segment: 'Segment',
    col_nps: 'NPS ± margin',
    col_interval: '95% interval (−100 to 100)',
    col_n: 'Answers',
    col_vs_rest: 'Against the rest',
    col_impact: 'Impact',
    no_value: '(no value)',
    too_few: 'Too few answers (fewer than {min_n})',
    too_few_rest: 'Too few other answers to compare',
    higher: 'Significantly higher than the rest (+{d} points)',
    lower: 'Significantly lower than the rest (−{d} points)',
    same: 'No significant difference from the rest',
    adds: 'adds {d} points',
    costs: 'costs {d} points',
    neutral: 'no effect',
    no_impact: 'n/a',
    empty: 'No responses have a value for this dimension in this selection.',
    stage_awareness: 'Awareness',
    stage_consideration: 'Consideration',
    stage_acquisition: 'Acquisition',
    stage_service: 'Service',
    stage_loyalty: 'Loyalty',
  },
  de: {
    title: 'Segmente',
    lead: 'Der NPS jeder Gruppe von Antworten, verglichen mit allen übrigen Antworten.',
    by: 'Gruppieren nach',
    dim_survey: 'Umfrage',
    dim_channel: 'Kanal',
    dim_journey_stage: 'Phase der Customer Journey',
    attr_plan: 'Tarif',
    attr_country: 'Land',
    attr_sales_rep: 'Vertriebsmitarbeiter',
    attr_team: 'Team',
    attr_acquisition_channel: 'Akquisekanal',
    attr_role: 'Rolle',
    attr_release: 'Produkt-Release',
    'attr_account.industry': 'Branche des Kunden',
    'attr_account.tier': 'Kundenstufe',
    sort: 'Sortieren nach',
    sort_impact: 'Wirkung auf den Gesamt-NPS',
    sort_nps: 'NPS',
    sort_size: 'Anzahl der Antworten',
    min_n: 'Mindestzahl Antworten je Seite',
    cohort: 'Datum als Kohorte',
    cohort_none: 'Jeder Wert',
    cohort_month: 'Nach Monat',
    cohort_quarter: 'Nach Quartal (z. B. Kundenkohorte)',
    cohort_year: 'Nach Jahr',
    total: 'Alle Antworten: NPS {nps} ± {margin} aus {n} Antworten.',
    without_value: '{n} Antworten haben hier keinen Wert (NPS {nps}); sie zählen in jedem „Rest“ mit.',
    impact_help:
      'Wirkung = Gesamt-NPS minus der NPS, den alle Antworten ohne das Segment hätten. Negativ: Das Segment kostet den Gesamt-NPS so viele Punkte; positiv: Es bringt sie.',
    col_segment: 'Segment',
    col_nps: 'NPS ± Fehlerspanne',
    col_interval: '95-%-Intervall (−100 bis 100)',
    col_n: 'Antworten',
    col_vs_rest: 'Gegenüber dem Rest',
    col_impact: 'Wirkung',
    no_value: '(kein Wert)',
    too_few: 'Zu wenige Antworten (weniger als {min_n})',
    too_few_rest: 'Zu wenige übrige Antworten für einen Vergleich',
    higher: 'Signifikant höher als der Rest (+{d} Punkte)',
    lower: 'Signifikant niedriger als der Rest (−{d} Punkte)',
    same: 'Kein signifikanter Unterschied zum Rest',
    adds: 'bringt {d} Punkte',
    costs: 'kostet {d} Punkte',
    neutral: 'keine Wirkung',
    no_impact: 'k. A.',
    empty: 'In dieser Auswahl hat keine Antwort einen Wert für diese Dimension.',
    stage_awareness: 'Aufmerksamkeit',
    stage_consideration: 'Abwägung',
    stage_acquisition: 'Kauf',
    stage_service: 'Service',
    stage_loyalty: 'Treue',
  },
});

type Key = keyof (typeof M)['en'];

interface Segment extends Summary {
  value: string | null;
  vs_rest: {
    difference: number | null;
    z: number | null;
    p_value: number | null;
    significant: boolean;
    verdict: 'increase' | 'decrease' | 'no-significant-change' | 'too-few-responses';
  };
}

interface Breakdown {
  by: string;
  total: Summary;
  without_value: Summary;
  segments: Segment[];
}

const BUILT_IN = ['survey', 'channel', 'journey_stage'] as const;
const DEFAULT_BY = 'survey';
const DEFAULT_MIN_N = 30;
const CHANNELS = ['email', 'link', 'widget', 'api', 'import'];

export function SegmentsPage(ctx: PageContext) {
  const { t, number, locale } = useI18n();
  const m = useMessages(M);
  const q = ctx.location.query;
  const rawBy = q.get('by') ?? DEFAULT_BY;
  const by = ATTRIBUTE_NAME.test(rawBy.replace(/^attr\./, '')) ? rawBy : DEFAULT_BY;
  const sort = segmentSortOf(q.get('sort'));
  const minN = Math.min(100_000, Math.max(1, Math.floor(Number(q.get('min_n')) || DEFAULT_MIN_N)));
  // A date attribute (customer_since …) grouped into cohorts by month, quarter or year.
  const rawCohort = q.get('cohort');
  const cohort =
    !(BUILT_IN as readonly string[]).includes(by) &&
    (rawCohort === 'month' || rawCohort === 'quarter' || rawCohort === 'year')
      ? rawCohort
      : undefined;

  const [attributes, setAttributes] = useState<string[]>([]);
  const [surveys, setSurveys] = useState<Map<string, string>>(new Map());
  const [data, setData] = useState<Breakdown | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    get<{ segment_attributes: string[] }>('/workspace')
      .then((w) => setAttributes(w.segment_attributes))
      .catch(() => setAttributes([]));
    get<{ data: Survey[] }>('/surveys')
      .then((r) => setSurveys(new Map(r.data.map((s) => [s.id, s.name]))))
      .catch(() => {});
  }, []);

  const key = JSON.stringify([ctx.filters, by, minN, cohort]);
  useEffect(() => {
    let live = true;
    setFailed(false);
    setData(null);
    get<Breakdown>('/metrics/breakdown', { ...filterQuery(ctx.filters), by, min_n: minN, cohort })
      .then((r) => live && setData(r))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [key]);

  const label = (k: string): string => {
    const msg = `attr_${k}` as Key;
    return msg in M.en ? m(msg) : k;
  };
  const options: AttributeOption[] = useMemo(
    () => [
      ...BUILT_IN.map((d) => ({ value: d, label: m(`dim_${d}`) })),
      ...attributes
        .filter((a) => !(BUILT_IN as readonly string[]).includes(a))
        .map((a) => ({ value: a, label: label(a) })),
    ],
    [attributes, locale],
  );

  const regionNames = useMemo(() => {
    try {
      return new Intl.DisplayNames([locale], { type: 'region' });
    } catch {
      return null;
    }
  }, [locale]);

  const valueLabel = (value: string | null): string => {
    if (value === null) return m('no_value');
    const plain = by.replace(/^attr\./, '');
    if (plain === 'survey') return surveys.get(value) ?? value;
    if (plain === 'channel' && CHANNELS.includes(value)) return t(`channel_${value}` as MessageKey);
    if (plain === 'journey_stage' && `stage_${value}` in M.en) return m(`stage_${value}` as Key);
    if (plain === 'country' && /^[A-Z]{2}$/.test(value) && regionNames) {
      const name = regionNames.of(value);
      return name && name !== value ? `${name} (${value})` : value;
    }
    return value;
  };

  const rows = useMemo(() => {
    if (!data) return [];
    const total = data.total;
    return sortSegments(
      data.segments.map((s) => {
        let impact: number | null = null;
        try {
          impact = impactOf(total, s);
        } catch {}
        return { ...s, impact };
      }),
      sort,
    );
  }, [data, sort]);

  const verdictText = (s: Segment) => {
    if (s.n < minN) return { text: m('too_few', { min_n: number(minN, 0) }), cls: 'too-few' };
    const v = s.vs_rest;
    if (v.verdict === 'too-few-responses' || v.difference === null)
      return { text: m('too_few_rest'), cls: 'too-few' };
    const d = number(Math.abs(v.difference), 1);
    if (v.significant && v.difference > 0) return { text: m('higher', { d }), cls: 'increase' };
    if (v.significant && v.difference < 0) return { text: m('lower', { d }), cls: 'decrease' };
    return { text: m('same'), cls: 'same' };
  };

  const impactText = (impact: number | null) => {
    if (impact === null) return { signed: m('no_impact'), words: '' };
    const d = number(Math.abs(impact), 1);
    if (d === number(0, 1)) return { signed: number(0, 1), words: m('neutral') };
    return impact > 0
      ? { signed: `+${d}`, words: m('adds', { d }) }
      : { signed: `−${d}`, words: m('costs', { d }) };
  };

  return (
    <>
      <h1>{m('title')}</h1>
      <p class="muted">{m('lead')}</p>
      <FilterBar filters={ctx.filters} />
      <div class="analysis-controls">
        <AttributePicker
          id="segments-by"
          label={m('by')}
          value={by}
          options={options}
          onChange={(v) => setQuery({ by: v === DEFAULT_BY ? undefined : v })}
        />
        {!(BUILT_IN as readonly string[]).includes(by) && (
          <div class="field an-field">
            <label class="an-label" for="segments-cohort">
              {m('cohort')}
            </label>
            <select
              id="segments-cohort"
              value={cohort ?? ''}
              onChange={(e) => setQuery({ cohort: (e.target as HTMLSelectElement).value || undefined })}
            >
              <option value="">{m('cohort_none')}</option>
              <option value="month">{m('cohort_month')}</option>
              <option value="quarter">{m('cohort_quarter')}</option>
              <option value="year">{m('cohort_year')}</option>
            </select>
          </div>
        )}
        <div class="field an-field">
          <label class="an-label" for="segments-sort">
            {m('sort')}
          </label>
          <select
            id="segments-sort"
            value={sort}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value as SegmentSort;
              setQuery({ sort: v === 'impact' ? undefined : v });
            }}
          >
            {SEGMENT_SORTS.map((s) => (
              <option key={s} value={s}>
                {m(`sort_${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field an-field">
          <label class="an-label" for="segments-min-n">
            {m('min_n')}
          </label>
          <input
            id="segments-min-n"
            type="number"
            min={1}
            max={100000}
            value={minN}
            class="narrow-number"
            onChange={(e) => {
              const v = Math.floor(Number((e.target as HTMLInputElement).value));
              if (v >= 1 && v <= 100_000) setQuery({ min_n: v === DEFAULT_MIN_N ? undefined : String(v) });
            }}
          />
        </div>
      </div>
      {failed && <p class="error">{t('error_generic')}</p>}
      {!data && !failed && <p aria-busy="true">{t('loading')}</p>}
      {data && (
        <section class="card" aria-labelledby="segments-table-title">
          <h2 id="segments-table-title">{options.find((o) => o.value === by)?.label ?? by}</h2>
          {data.total.nps === null ? (
            <p>{t('no_responses')}</p>
          ) : (
            <p data-testid="segments-total">
              {m('total', {
                nps: number(data.total.nps_rounded ?? data.total.nps, 0),
                margin: number(data.total.margin_of_error ?? 0, 1),
                n: number(data.total.n, 0),
              })}
            </p>
          )}
          {data.without_value.n > 0 && data.without_value.nps !== null && (
            <p class="muted">
              {m('without_value', {
                n: number(data.without_value.n, 0),
                nps: number(data.without_value.nps_rounded ?? data.without_value.nps, 0),
              })}
            </p>
          )}
          {rows.length === 0 ? (
            data.total.n > 0 && <p>{m('empty')}</p>
          ) : (
            <>
              <p class="muted an-small" id="impact-help">
                {m('impact_help')}
              </p>
              <div class="an-scroll">
                <table class="data segments-table">
                  <thead>
                    <tr>
                      <th scope="col">{m('col_segment')}</th>
                      <th scope="col" class="num" aria-sort={sort === 'nps' ? 'descending' : undefined}>
                        {m('col_nps')}
                      </th>
                      <th scope="col" class="bar-col">
                        {m('col_interval')}
                      </th>
                      <th scope="col" class="num" aria-sort={sort === 'size' ? 'descending' : undefined}>
                        {m('col_n')}
                      </th>
                      <th scope="col">{m('col_vs_rest')}</th>
                      <th
                        scope="col"
                        class="num"
                        aria-describedby="impact-help"
                        aria-sort={sort === 'impact' ? 'descending' : undefined}
                      >
                        {m('col_impact')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((s) => {
                      const verdict = verdictText(s);
                      const impact = impactText(s.impact);
                      return (
                        <tr
                          key={s.value ?? '\u0000'}
                          data-testid="segment-row"
                          class={s.n < minN ? 'few' : ''}
                        >
                          <th scope="row" data-testid="segment-value">
                            {valueLabel(s.value)}
                          </th>
                          <td class="num an-nowrap" data-testid="segment-nps">
                            {s.nps === null ? '–' : number(s.nps_rounded ?? s.nps, 0)}
                            {s.margin_of_error !== null && (
                              <span class="muted"> ± {number(s.margin_of_error, 1)}</span>
                            )}
                          </td>
                          <td class="bar-col">
                            <IntervalBar nps={s.nps} margin={s.margin_of_error} />
                          </td>
                          <td class="num" data-testid="segment-n">
                            {number(s.n, 0)}
                          </td>
                          <td class={`verdict-cell ${verdict.cls}`} data-testid="segment-verdict">
                            {verdict.text}
                          </td>
                          <td class="num an-nowrap" data-testid="segment-impact">
                            <strong class={s.impact !== null && s.impact < 0 ? 'an-neg' : 'an-pos'}>
                              {impact.signed}
                            </strong>
                            {impact.words && <span class="muted an-block an-small">{impact.words}</span>}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      )}
    </>
  );
}
