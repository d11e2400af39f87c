/** The filters of every analysis page, written to the URL (so a view can be shared). */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { type Filters, PRESETS } from '../filters';
import { type MessageKey, useI18n } from '../i18n';
import { setQuery } from '../router';
import type { Survey } from '../types';

const CHANNELS = ['email', 'link', 'widget', 'api', 'import'] as const;

export function FilterBar({ filters }: { filters: Filters }) {
  const { t } = useI18n();
  const [surveys, setSurveys] = useState<Survey[]>([]);
  useEffect(() => {
    get<{ data: Survey[] }>('/surveys')
      .then((r) => setSurveys(r.data))
      .catch(() => setSurveys([]));
  }, []);
  const change = (key: string) => (e: Event) => setQuery({ [key]: (e.target as HTMLSelectElement).value });
  return (
    <form class="filters" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="filter-period">{t('period')}</label>
        <select id="filter-period" name="period" value={filters.preset} onChange={change('period')}>
          {PRESETS.map((p) => (
            <option key={p} value={p}>
              {t(`period_${p}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
      {filters.preset === 'custom' && (
        <>
          <div class="field">
            <label for="filter-from">{t('from')}</label>
            <input
              id="filter-from"
              type="date"
              name="from"
              value={filters.from ?? ''}
              onChange={change('from')}
            />
          </div>
          <div class="field">
            <label for="filter-to">{t('to')}</label>
            <input id="filter-to" type="date" name="to" value={filters.to ?? ''} onChange={change('to')} />
          </div>
        </>
      )}
      <div class="field">
        <label for="filter-survey">{t('survey')}</label>
        <select
          id="filter-survey"
          name="survey_id"
          value={filters.survey_id ?? ''}
          onChange={change('survey_id')}
        >
          <option value="">{t('all_surveys')}</option>
          {surveys.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-channel">{t('channel')}</label>
        <select id="filter-channel" name="channel" value={filters.channel ?? ''} onChange={change('channel')}>
          <option value="">{t('all_channels')}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t(`channel_${c}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
