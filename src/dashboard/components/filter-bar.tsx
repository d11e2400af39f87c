/** The filters of every analysis page, written to the URL (so a view can be shared). */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { type Filters, PRESETS } from '../filters';
import { type MessageKey, useI18n } from '../i18n';
import { setQuery } from '../router';
import type { Survey } from '../types';

const CHANNELS = ['email', 'link', 'widget', 'api', 'import'] as const;

interface AttributeInfo {
  key: string;
  count: number;
  values: { value: string; count: number }[];
}

/** The catalog of attributes, fetched once per page load (it changes slowly). */
let catalog: Promise<AttributeInfo[]> | undefined;
const attributeCatalog = () => {
  catalog ??= get<{ attributes: AttributeInfo[] }>('/metrics/attributes')
    .then((r) => r.attributes)
    .catch(() => {
      catalog = undefined;
      return [];
    });
  return catalog;
};

export function FilterBar({ filters }: { filters: Filters }) {
  const { t } = useI18n();
  const [surveys, setSurveys] = useState<(Survey & { journey_stage?: string })[]>([]);
  const [attributes, setAttributes] = useState<AttributeInfo[]>([]);
  const [newKey, setNewKey] = useState('');
  const [newValue, setNewValue] = useState('');
  useEffect(() => {
    get<{ data: (Survey & { journey_stage?: string })[] }>('/surveys')
      .then((r) => setSurveys(r.data))
      .catch(() => setSurveys([]));
  }, []);
  // The attribute catalog is read when first needed (a focus on the picker or filters in the URL).
  const loadAttributes = () => {
    if (attributes.length === 0) attributeCatalog().then(setAttributes);
  };
  const stages = [...new Set(surveys.map((s) => s.journey_stage).filter((s): s is string => !!s))].sort();
  const values = attributes.find((a) => a.key === newKey)?.values ?? [];
  const addAttribute = () => {
    if (!newKey || !newValue) return;
    setQuery({ [`attr.${newKey}`]: newValue });
    setNewKey('');
    setNewValue('');
  };
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
      <div class="field">
        <label for="filter-stage">{t('journey_stage')}</label>
        <select
          id="filter-stage"
          name="journey_stage"
          value={filters.journey_stage ?? ''}
          onChange={change('journey_stage')}
        >
          <option value="">{t('all_stages')}</option>
          {stages.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-attr-key">{t('attribute')}</label>
        <select
          id="filter-attr-key"
          value={newKey}
          onFocus={loadAttributes}
          onPointerDown={loadAttributes}
          onChange={(e) => setNewKey(e.currentTarget.value)}
        >
          <option value="">{t('choose_attribute')}</option>
          {attributes.map((a) => (
            <option key={a.key} value={a.key}>
              {a.key}
            </option>
          ))}
        </select>
      </div>
      {newKey && (
        <div class="field">
          <label for="filter-attr-value">{t('attribute_value')}</label>
          <input
            id="filter-attr-value"
            list="filter-attr-values"
            value={newValue}
            onInput={(e) => setNewValue(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') addAttribute();
            }}
          />
          <datalist id="filter-attr-values">
            {values.map((v) => (
              <option key={v.value} value={v.value} />
            ))}
          </datalist>
        </div>
      )}
      {newKey && (
        <button type="button" class="secondary add-filter" onClick={addAttribute} disabled={!newValue}>
          {t('add_filter')}
        </button>
      )}
      {Object.keys(filters.attributes).length > 0 && (
        <ul class="chips" aria-label={t('attribute_filters')}>
          {Object.entries(filters.attributes).map(([key, value]) => (
            <li key={key}>
              <span>
                {key} = {value}
              </span>
              <button
                type="button"
                class="chip-remove"
                aria-label={t('remove_filter', { filter: `${key} = ${value}` })}
                onClick={() => setQuery({ [`attr.${key}`]: undefined })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </form>
  );
}
