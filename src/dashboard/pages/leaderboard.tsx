/**
 * Leaderboard: the NPS per team, sales rep or account owner (any response attribute), ranked only
 * from min_n answers on, with each entry's margin, the honest rank range (which places it could
 * hold given which differences are significant) and whether it stands out from the rest, in words.
 * Entries with too few answers are listed apart with why. `by` and `min_n` are in the URL.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../api';
import { ATTRIBUTE_NAME, type AttributeOption, AttributePicker } from '../components/attribute-picker';
import { FilterBar } from '../components/filter-bar';
import { IntervalBar } from '../components/interval-bar';
import { filterQuery } from '../filters';
import { defineMessages, useI18n, useMessages } from '../i18n';
import { setQuery } from '../router';
import type { PageContext } from '../routes';
import type { Summary } from '../types';

const M = defineMessages({
  en: {
    title: 'Leaderboard',
    lead: "The teams' shared NPS goal: who collects the happiest customers, and how sure that is.",
    by: 'Rank by',
    by_sales_rep: 'Sales rep',
    by_team: 'Team',
    'by_account.account_owner': 'Account owner',
    min_n: 'Minimum answers to be ranked',
    total: 'All answers with a value: NPS {nps} ± {margin} from {n} answers.',
    ranked: 'Ranking',
    col_rank: 'Rank',
    col_name: 'Name',
    col_nps: 'NPS ± margin',
    col_interval: '95% interval (−100 to 100)',
    col_n: 'Answers',
    col_range: 'Could be',
    col_vs_rest: 'Against the rest',
    tied: 'tied',
    range_one: 'exactly place {best}',
    range: 'place {best} to {worst}',
    above: 'Significantly above the rest (+{d} points)',
    below: 'Significantly below the rest (−{d} points)',
    level: 'Not distinguishable from the rest',
    range_help:
      'Ranks overlap when differences could be chance: an entry could be as high as 1 + the entries significantly above it, and as low as the entries not significantly below it.',
    not_ranked: 'Not ranked (too few answers)',
    not_ranked_why:
      'An entry is ranked from {min_n} answers on, so nobody is first or last on a handful of answers.',
    needs: '{n} answers, {missing} more needed',
    nps_short: 'NPS {nps}',
    none_ranked: 'Nobody has {min_n} answers yet in this selection.',
    empty: 'No responses have a value for this attribute in this selection.',
  },
  de: {
    title: 'Rangliste',
    lead: 'Das gemeinsame NPS-Ziel der Teams: Wer hat die zufriedensten Kunden, und wie sicher ist das?',
    by: 'Rangliste nach',
    by_sales_rep: 'Vertriebsmitarbeiter',
    by_team: 'Team',
    'by_account.account_owner': 'Kundenbetreuer',
    min_n: 'Mindestzahl Antworten für einen Rang',
    total: 'Alle Antworten mit Wert: NPS {nps} ± {margin} aus {n} Antworten.',
    ranked: 'Rangfolge',
    col_rank: 'Rang',
    col_name: 'Name',
    col_nps: 'NPS ± Fehlerspanne',
    col_interval: '95-%-Intervall (−100 bis 100)',
    col_n: 'Antworten',
    col_range: 'Möglicher Platz',
    col_vs_rest: 'Gegenüber dem Rest',
    tied: 'gleichauf',
    range_one: 'genau Platz {best}',
    range: 'Platz {best} bis {worst}',
    above: 'Signifikant über dem Rest (+{d} Punkte)',
    below: 'Signifikant unter dem Rest (−{d} Punkte)',
    level: 'Nicht vom Rest zu unterscheiden',
    range_help:
      'Plätze überschneiden sich, wenn Unterschiede Zufall sein können: Ein Eintrag kann so hoch stehen wie 1 + die signifikant besseren, so tief wie die nicht signifikant schlechteren erlauben.',
    not_ranked: 'Ohne Rang (zu wenige Antworten)',
    not_ranked_why:
      'Einen Rang bekommt ein Eintrag ab {min_n} Antworten, damit niemand wegen einer Handvoll Antworten Erster oder Letzter wird.',
    needs: '{n} Antworten, {missing} fehlen noch',
    nps_short: 'NPS {nps}',
    none_ranked: 'In dieser Auswahl hat noch niemand {min_n} Antworten.',
    empty: 'In dieser Auswahl hat keine Antwort einen Wert für dieses Attribut.',
  },
});

interface Ranked extends Summary {
  value: string;
  rank: number;
  tied: boolean;
  rank_range: { best: number; worst: number };
  significantly_above_rest: boolean;
  significantly_below_rest: boolean;
  vs_rest: { difference: number | null; significant: boolean };
}

interface NotRanked extends Summary {
  value: string;
  reason: 'too few answers';
  missing: number;
}

interface Leaderboard {
  by: string;
  min_n: number;
  total: Summary;
  ranked: Ranked[];
  not_ranked: NotRanked[];
}

const BY = ['sales_rep', 'team', 'account.account_owner'] as const;
const DEFAULT_BY = 'sales_rep';
const DEFAULT_MIN_N = 30;

export function LeaderboardPage(ctx: PageContext) {
  const { t, number, locale } = useI18n();
  const m = useMessages(M);
  const q = ctx.location.query;
  const rawBy = q.get('by') ?? DEFAULT_BY;
  const by = ATTRIBUTE_NAME.test(rawBy.replace(/^attr\./, '')) ? rawBy : DEFAULT_BY;
  const minN = Math.min(100_000, Math.max(1, Math.floor(Number(q.get('min_n')) || DEFAULT_MIN_N)));
  const [data, setData] = useState<Leaderboard | null>(null);
  const [failed, setFailed] = useState(false);

  const key = JSON.stringify([ctx.filters, by, minN]);
  useEffect(() => {
    let live = true;
    setData(null);
    setFailed(false);
    get<Leaderboard>('/metrics/leaderboard', { ...filterQuery(ctx.filters), by, min_n: minN })
      .then((r) => live && setData(r))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [key]);

  const options: AttributeOption[] = useMemo(
    () => BY.map((b) => ({ value: b, label: m(`by_${b}`) })),
    [locale],
  );

  const vsRest = (e: Ranked) => {
    const d = number(Math.abs(e.vs_rest.difference ?? 0), 1);
    if (e.significantly_above_rest) return { text: m('above', { d }), cls: 'increase' };
    if (e.significantly_below_rest) return { text: m('below', { d }), cls: 'decrease' };
    return { text: m('level'), cls: 'same' };
  };

  return (
    <>
      <h1>{m('title')}</h1>
      <p class="muted">{m('lead')}</p>
      <FilterBar filters={ctx.filters} />
      <div class="analysis-controls">
        <AttributePicker
          id="leaderboard-by"
          label={m('by')}
          value={by}
          options={options}
          onChange={(v) => setQuery({ by: v === DEFAULT_BY ? undefined : v })}
        />
        <div class="field an-field">
          <label class="an-label" for="leaderboard-min-n">
            {m('min_n')}
          </label>
          <input
            id="leaderboard-min-n"
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
        <>
          <section class="card" aria-labelledby="ranked-title">
            <h2 id="ranked-title">{m('ranked')}</h2>
            {data.total.nps === null ? (
              <p>{m('empty')}</p>
            ) : (
              <p data-testid="leaderboard-total">
                {m('total', {
                  nps: number(data.total.nps_rounded ?? data.total.nps, 0),
                  margin: number(data.total.margin_of_error ?? 0, 1),
                  n: number(data.total.n, 0),
                })}
              </p>
            )}
            {data.ranked.length === 0 && data.total.n > 0 && (
              <p>{m('none_ranked', { min_n: number(data.min_n, 0) })}</p>
            )}
            {data.ranked.length > 0 && (
              <>
                <p class="muted an-small" id="range-help">
                  {m('range_help')}
                </p>
                <div class="an-scroll">
                  <table class="data leaderboard-table">
                    <thead>
                      <tr>
                        <th scope="col" class="num">
                          {m('col_rank')}
                        </th>
                        <th scope="col">{m('col_name')}</th>
                        <th scope="col" class="num" aria-sort="descending">
                          {m('col_nps')}
                        </th>
                        <th scope="col" class="bar-col">
                          {m('col_interval')}
                        </th>
                        <th scope="col" class="num">
                          {m('col_n')}
                        </th>
                        <th scope="col" aria-describedby="range-help">
                          {m('col_range')}
                        </th>
                        <th scope="col">{m('col_vs_rest')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.ranked.map((e) => {
                        const verdict = vsRest(e);
                        return (
                          <tr key={e.value} data-testid="ranked-row">
                            <td class="num rank" data-testid="ranked-rank">
                              <strong>{number(e.rank, 0)}</strong>
                              {e.tied && <span class="muted an-block an-small">{m('tied')}</span>}
                            </td>
                            <th scope="row" data-testid="ranked-name">
                              {e.value}
                            </th>
                            <td class="num an-nowrap" data-testid="ranked-nps">
                              {e.nps === null ? '–' : number(e.nps_rounded ?? e.nps, 0)}
                              {e.margin_of_error !== null && (
                                <span class="muted"> ± {number(e.margin_of_error, 1)}</span>
                              )}
                            </td>
                            <td class="bar-col">
                              <IntervalBar nps={e.nps} margin={e.margin_of_error} />
                            </td>
                            <td class="num">{number(e.n, 0)}</td>
                            <td class="an-nowrap" data-testid="ranked-range">
                              {e.rank_range.best === e.rank_range.worst
                                ? m('range_one', { best: number(e.rank_range.best, 0) })
                                : m('range', {
                                    best: number(e.rank_range.best, 0),
                                    worst: number(e.rank_range.worst, 0),
                                  })}
                            </td>
                            <td class={`verdict-cell ${verdict.cls}`} data-testid="ranked-vs-rest">
                              {verdict.text}
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
          {data.not_ranked.length > 0 && (
            <section class="card not-ranked" aria-labelledby="not-ranked-title">
              <h2 id="not-ranked-title">{m('not_ranked')}</h2>
              <p data-testid="not-ranked-why">{m('not_ranked_why', { min_n: number(data.min_n, 0) })}</p>
              <ul class="an-list">
                {data.not_ranked.map((e) => (
                  <li key={e.value} data-testid="not-ranked-row">
                    <strong>{e.value}</strong>:{' '}
                    {m('needs', { n: number(e.n, 0), missing: number(e.missing, 0) })}
                    {e.nps !== null && (
                      <span class="muted">
                        {' '}
                        ({m('nps_short', { nps: number(e.nps_rounded ?? e.nps, 0) })} ±{' '}
                        {number(e.margin_of_error ?? 0, 0)})
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </>
  );
}
