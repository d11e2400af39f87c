/**
 * Surveys: the list, and the editor with a live preview of what respondents see (the hosted page's
 * three steps, the email and the website widget, in each language), rendered by the server's own
 * renderers from the unsaved draft (GET /surveys/preview in a sandboxed iframe; the widget from the
 * widget's own markup, in the colours and position being edited). Saved surveys also show their public
 * link and their website-widget settings (colours with the API's contrast warnings, position,
 * sampling, delay, triggers) and their distribution (campaigns, autopilots, trigger rules:
 * ./survey-distribution.tsx).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api, get, patch, post } from '../api';
import { defineMessages, useMessages } from '../i18n';
import { BASE, navigate, onLinkClick } from '../router';
import type { PageContext } from '../routes';
import { SurveyDistribution } from './survey-distribution';

const M = defineMessages({
  en: {
    title: 'Surveys',
    new_survey: 'New survey',
    name: 'Name',
    product: 'Product or company name (replaces {product} in the question)',
    kind: 'Kind',
    relational: 'Relational (every few months)',
    transactional: 'Transactional (after an event)',
    journey: 'Journey stage',
    default_locale: 'Default language',
    brand: 'Brand colour',
    logo: 'Logo URL (emails)',
    consent: 'Ask promoters whether their comment may be quoted (testimonials)',
    texts_in: 'Texts in {lang}',
    question: 'Question',
    follow_up: 'Follow-up question',
    follow_up_detractor: 'Follow-up for detractors (0-6), optional',
    follow_up_passive: 'Follow-up for passives (7-8), optional',
    follow_up_promoter: 'Follow-up for promoters (9-10), optional',
    thank_you: 'Thank-you text',
    consent_text: 'Consent checkbox text, optional',
    placeholder_builtin: 'Empty: the built-in text',
    save: 'Save',
    create: 'Create survey',
    saved: 'Saved.',
    archive: 'Archive',
    activate: 'Activate again',
    archived: 'archived',
    active: 'active',
    preview: 'Preview',
    preview_question: 'Question',
    preview_follow_up: 'Follow-up',
    preview_thanks: 'Thanks',
    preview_email: 'Email',
    preview_widget: 'Widget',
    preview_widget_step: 'Step',
    preview_score: 'Score for the follow-up',
    preview_frame: 'Preview of the survey as respondents see it',
    public_link: 'Public link (anyone with it may answer)',
    widget: 'Website widget',
    widget_colors: 'Colours',
    widget_background: 'Background',
    widget_text: 'Text',
    position: 'Position',
    bottom_right: 'Bottom right',
    bottom_left: 'Bottom left',
    center: 'Centre',
    sampling: 'Share of visitors asked (%)',
    delay: 'Delay before showing (seconds)',
    cooldown: 'Days not to ask again after the widget was closed',
    triggers: 'Triggers (one per line: path /checkout/*, event checkout_completed, seconds 30, scroll 50)',
    save_widget: 'Save widget settings',
    warnings: 'Contrast warnings',
    no_surveys: 'No surveys yet.',
    read_only: 'Your role can view surveys but not change them.',
  },
  de: {
    title: 'Umfragen',
    new_survey: 'Neue Umfrage',
    name: 'Name',
    product: 'Produkt- oder Firmenname (ersetzt {product} in der Frage)',
    kind: 'Art',
    relational: 'Beziehung (alle paar Monate)',
    transactional: 'Transaktion (nach einem Ereignis)',
    journey: 'Phase der Customer Journey',
    default_locale: 'Standardsprache',
    brand: 'Markenfarbe',
    logo: 'Logo-URL (E-Mails)',
    consent: 'Promotoren fragen, ob ihr Kommentar zitiert werden darf (Testimonials)',
    texts_in: 'Texte auf {lang}',
    question: 'Frage',
    follow_up: 'Folgefrage',
    follow_up_detractor: 'Folgefrage für Kritiker (0-6), optional',
    follow_up_passive: 'Folgefrage für Passive (7-8), optional',
    follow_up_promoter: 'Folgefrage für Promotoren (9-10), optional',
    thank_you: 'Dankestext',
    consent_text: 'Text der Einwilligung, optional',
    placeholder_builtin: 'Leer: der eingebaute Text',
    save: 'Speichern',
    create: 'Umfrage anlegen',
    saved: 'Gespeichert.',
    archive: 'Archivieren',
    activate: 'Wieder aktivieren',
    archived: 'archiviert',
    active: 'aktiv',
    preview: 'Vorschau',
    preview_question: 'Frage',
    preview_follow_up: 'Folgefrage',
    preview_thanks: 'Dank',
    preview_email: 'E-Mail',
    preview_widget: 'Widget',
    preview_widget_step: 'Schritt',
    preview_score: 'Bewertung für die Folgefrage',
    preview_frame: 'Vorschau der Umfrage, wie Befragte sie sehen',
    public_link: 'Öffentlicher Link (wer ihn hat, kann antworten)',
    widget: 'Website-Widget',
    widget_colors: 'Farben',
    widget_background: 'Hintergrund',
    widget_text: 'Text',
    position: 'Position',
    bottom_right: 'Unten rechts',
    bottom_left: 'Unten links',
    center: 'Mitte',
    sampling: 'Anteil der befragten Besucher (%)',
    delay: 'Verzögerung vor dem Anzeigen (Sekunden)',
    cooldown: 'Tage ohne erneute Frage, nachdem das Widget geschlossen wurde',
    triggers: 'Auslöser (einer pro Zeile: path /checkout/*, event checkout_completed, seconds 30, scroll 50)',
    save_widget: 'Widget-Einstellungen speichern',
    warnings: 'Kontrast-Warnungen',
    no_surveys: 'Noch keine Umfragen.',
    read_only: 'Ihre Rolle kann Umfragen ansehen, aber nicht ändern.',
  },
});

interface Texts {
  question?: string;
  follow_up?: string;
  follow_up_by_category?: { detractor?: string; passive?: string; promoter?: string };
  thank_you?: string;
  testimonial_consent?: string;
}

interface Survey {
  id: string;
  name: string;
  kind: 'relational' | 'transactional';
  journey_stage: string;
  product_name: string;
  default_locale: string;
  texts: Record<string, Texts>;
  brand_color: string;
  logo_url: string | null;
  public_url: string;
  status: 'active' | 'archived';
  ask_testimonial_consent: boolean;
}

type Draft = Omit<Survey, 'id' | 'public_url' | 'status'>;

const LANGS = ['de', 'en'] as const;

const emptyDraft = (): Draft => ({
  name: '',
  kind: 'relational',
  journey_stage: 'loyalty',
  product_name: '',
  default_locale: 'de',
  texts: { de: {}, en: {} },
  brand_color: '#2f6fed',
  logo_url: null,
  ask_testimonial_consent: false,
});

/** The draft as the API takes it: empty texts left out (the built-in ones apply). */
export function draftBody(d: Draft) {
  const texts: Record<string, Texts> = {};
  for (const [lang, t] of Object.entries(d.texts)) {
    const out: Texts = {};
    for (const k of ['question', 'follow_up', 'thank_you', 'testimonial_consent'] as const) {
      const v = t[k]?.trim();
      if (v) out[k] = v;
    }
    const byCategory = Object.fromEntries(
      Object.entries(t.follow_up_by_category ?? {}).filter(([, v]) => v?.trim()),
    );
    if (Object.keys(byCategory).length) out.follow_up_by_category = byCategory;
    texts[lang] = out;
  }
  return { ...d, logo_url: d.logo_url?.trim() ? d.logo_url.trim() : null, texts };
}

/** base64url of the UTF-8 JSON, as GET /surveys/preview takes its `draft`. */
export function encodeDraft(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function SurveysPage(ctx: PageContext) {
  const id = ctx.params.id;
  if (id)
    return (
      <SurveyEditor key={id} id={id} canEdit={ctx.session.role === 'admin' || ctx.session.role === 'owner'} />
    );
  return <SurveyList canEdit={ctx.session.role === 'admin' || ctx.session.role === 'owner'} />;
}

function SurveyList({ canEdit }: { canEdit: boolean }) {
  const m = useMessages(M);
  const [surveys, setSurveys] = useState<Survey[] | null>(null);
  useEffect(() => {
    get<{ data: Survey[] }>('/surveys').then((r) => setSurveys(r.data));
  }, []);
  return (
    <section>
      <div class="page-head">
        <h1>{m('title')}</h1>
        {canEdit && (
          <a class="button" href={`${BASE}/surveys/new`} onClick={(e) => onLinkClick(e, '/surveys/new')}>
            {m('new_survey')}
          </a>
        )}
      </div>
      {surveys === null ? null : surveys.length === 0 ? (
        <p>{m('no_surveys')}</p>
      ) : (
        <ul class="survey-list">
          {surveys.map((s) => (
            <li key={s.id} class="card">
              <a href={`${BASE}/surveys/${s.id}`} onClick={(e) => onLinkClick(e, `/surveys/${s.id}`)}>
                {s.name}
              </a>{' '}
              <span class={`status ${s.status}`}>{m(s.status)}</span>
              <span class="muted">
                {' '}
                · {s.product_name} · {s.kind} · {s.journey_stage}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SurveyEditor({ id, canEdit }: { id: string; canEdit: boolean }) {
  const m = useMessages(M);
  const isNew = id === 'new';
  const [draft, setDraft] = useState<Draft | null>(isNew ? emptyDraft() : null);
  const [saved, setSaved] = useState<Survey | null>(null);
  const [lang, setLang] = useState<'de' | 'en'>('de');
  const [message, setMessage] = useState<{ text: string; field?: string | null; error?: boolean } | null>(
    null,
  );
  const [view, setView] = useState<'question' | 'follow_up' | 'thanks' | 'email' | 'widget'>('question');
  const [score, setScore] = useState(9);
  const [widgetStep, setWidgetStep] = useState<'question' | 'follow_up'>('question');
  // The widget settings' colours and position as edited below (saved or not), for the widget preview.
  const [widgetLook, setWidgetLook] = useState<WidgetLook | null>(null);

  useEffect(() => {
    if (isNew) return;
    get<Survey>(`/surveys/${id}`).then((s) => {
      setSaved(s);
      setDraft({
        name: s.name,
        kind: s.kind,
        journey_stage: s.journey_stage,
        product_name: s.product_name,
        default_locale: s.default_locale,
        texts: { de: s.texts.de ?? {}, en: s.texts.en ?? {}, ...s.texts },
        brand_color: s.brand_color,
        logo_url: s.logo_url,
        ask_testimonial_consent: s.ask_testimonial_consent,
      });
      setLang(s.default_locale === 'en' ? 'en' : 'de');
    });
  }, [id]);

  // The preview follows the draft, a moment after the last keystroke.
  const [previewSrc, setPreviewSrc] = useState('');
  const body = useMemo(() => (draft ? draftBody(draft) : null), [draft]);
  useEffect(() => {
    if (!body) return;
    const timer = setTimeout(() => {
      const { name, product_name, default_locale, brand_color, logo_url, ask_testimonial_consent, texts } =
        body;
      const widget = view === 'widget';
      const encoded = encodeDraft({
        name,
        product_name,
        default_locale,
        brand_color,
        logo_url,
        ask_testimonial_consent,
        texts,
        ...(widget && widgetLook ? { widget: widgetLook } : {}),
      });
      // The widget of a saved survey: its saved widget settings (texts) under the edited look.
      const shown = widget ? (widgetStep === 'follow_up' ? 'widget_follow_up' : 'widget') : view;
      const savedId = widget && saved ? `&survey_id=${saved.id}` : '';
      setPreviewSrc(
        `/api/v1/surveys/preview?view=${shown}&locale=${lang}&score=${score}${savedId}&draft=${encoded}`,
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [body, view, lang, score, widgetStep, widgetLook, saved]);

  if (!draft) return <p>…</p>;
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const setText = (key: keyof Texts, value: string) =>
    set({ texts: { ...draft.texts, [lang]: { ...draft.texts[lang], [key]: value } } });
  const setCategory = (category: 'detractor' | 'passive' | 'promoter', value: string) =>
    set({
      texts: {
        ...draft.texts,
        [lang]: {
          ...draft.texts[lang],
          follow_up_by_category: { ...draft.texts[lang]?.follow_up_by_category, [category]: value },
        },
      },
    });
  const texts = draft.texts[lang] ?? {};

  const save = async (e: Event) => {
    e.preventDefault();
    setMessage(null);
    try {
      const result = isNew
        ? await post<Survey>('/surveys', body)
        : await patch<Survey>(`/surveys/${id}`, body);
      setSaved(result);
      setMessage({ text: m('saved') });
      if (isNew) navigate(`/surveys/${result.id}`, { replace: true });
    } catch (error) {
      if (error instanceof ApiError) setMessage({ text: error.message, field: error.field, error: true });
      else throw error;
    }
  };
  const toggleStatus = async () => {
    if (!saved) return;
    setSaved(
      await patch<Survey>(`/surveys/${saved.id}`, {
        status: saved.status === 'active' ? 'archived' : 'active',
      }),
    );
  };
  const field = (name: string) => (message?.error && message.field === name ? 'invalid' : undefined);

  return (
    <div class="editor">
      <form class="card editor-form" onSubmit={save} aria-labelledby="editor-title">
        <h1 id="editor-title">{isNew ? m('new_survey') : draft.name}</h1>
        {!canEdit && <p class="muted">{m('read_only')}</p>}
        <fieldset disabled={!canEdit}>
          <label for="s-name">{m('name')}</label>
          <input
            id="s-name"
            class={field('name')}
            required
            value={draft.name}
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
          <label for="s-product">{m('product')}</label>
          <input
            id="s-product"
            class={field('product_name')}
            required
            value={draft.product_name}
            onInput={(e) => set({ product_name: e.currentTarget.value })}
          />
          <div class="row">
            <div class="field">
              <label for="s-kind">{m('kind')}</label>
              <select
                id="s-kind"
                value={draft.kind}
                onChange={(e) => set({ kind: e.currentTarget.value as Draft['kind'] })}
              >
                <option value="relational">{m('relational')}</option>
                <option value="transactional">{m('transactional')}</option>
              </select>
            </div>
            <div class="field">
              <label for="s-journey">{m('journey')}</label>
              <input
                id="s-journey"
                class={field('journey_stage')}
                value={draft.journey_stage}
                onInput={(e) => set({ journey_stage: e.currentTarget.value })}
              />
            </div>
            <div class="field">
              <label for="s-locale">{m('default_locale')}</label>
              <select
                id="s-locale"
                value={draft.default_locale}
                onChange={(e) => set({ default_locale: e.currentTarget.value })}
              >
                <option value="de">Deutsch</option>
                <option value="en">English</option>
              </select>
            </div>
            <div class="field">
              <label for="s-brand">{m('brand')}</label>
              <input
                id="s-brand"
                type="color"
                value={draft.brand_color}
                onInput={(e) => set({ brand_color: e.currentTarget.value })}
              />
            </div>
          </div>
          <label for="s-logo">{m('logo')}</label>
          <input
            id="s-logo"
            type="url"
            class={field('logo_url')}
            value={draft.logo_url ?? ''}
            onInput={(e) => set({ logo_url: e.currentTarget.value })}
          />
          <label class="check">
            <input
              type="checkbox"
              checked={draft.ask_testimonial_consent}
              onChange={(e) => set({ ask_testimonial_consent: e.currentTarget.checked })}
            />
            {m('consent')}
          </label>
          <div class="tabs" role="tablist" aria-label={m('texts_in', { lang: '' })}>
            {LANGS.map((l) => (
              <button
                key={l}
                type="button"
                role="tab"
                aria-selected={lang === l}
                class={lang === l ? 'tab active' : 'tab'}
                onClick={() => setLang(l)}
              >
                {l === 'de' ? 'Deutsch' : 'English'}
              </button>
            ))}
          </div>
          <h2>{m('texts_in', { lang: lang === 'de' ? 'Deutsch' : 'English' })}</h2>
          {(
            [
              ['question', m('question')],
              ['follow_up', m('follow_up')],
              ['thank_you', m('thank_you')],
              ['testimonial_consent', m('consent_text')],
            ] as const
          ).map(([key, label]) => (
            <div key={key}>
              <label for={`s-${lang}-${key}`}>{label}</label>
              <textarea
                id={`s-${lang}-${key}`}
                rows={2}
                class={field(`texts.${lang}.${key}`)}
                placeholder={m('placeholder_builtin')}
                value={texts[key] ?? ''}
                onInput={(e) => setText(key, e.currentTarget.value)}
              />
            </div>
          ))}
          {(['detractor', 'passive', 'promoter'] as const).map((category) => (
            <div key={category}>
              <label for={`s-${lang}-fu-${category}`}>{m(`follow_up_${category}`)}</label>
              <input
                id={`s-${lang}-fu-${category}`}
                placeholder={m('placeholder_builtin')}
                value={texts.follow_up_by_category?.[category] ?? ''}
                onInput={(e) => setCategory(category, e.currentTarget.value)}
              />
            </div>
          ))}
          {message && (
            <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
              {message.text}
            </p>
          )}
          <div class="actions">
            <button type="submit">{isNew ? m('create') : m('save')}</button>
            {saved && (
              <button type="button" class="secondary" onClick={toggleStatus}>
                {saved.status === 'active' ? m('archive') : m('activate')}
              </button>
            )}
          </div>
        </fieldset>
        {saved && (
          <p>
            {m('public_link')}:{' '}
            <a href={saved.public_url} target="_blank" rel="noopener noreferrer">
              {saved.public_url}
            </a>
          </p>
        )}
      </form>
      <section class="card preview" aria-labelledby="preview-title">
        <h2 id="preview-title">{m('preview')}</h2>
        <div class="tabs" role="tablist">
          {(['question', 'follow_up', 'thanks', 'email', 'widget'] as const).map((v) => (
            <button
              key={v}
              type="button"
              role="tab"
              aria-selected={view === v}
              class={view === v ? 'tab active' : 'tab'}
              onClick={() => setView(v)}
            >
              {m(`preview_${v}`)}
            </button>
          ))}
        </div>
        {view === 'widget' && (
          <div class="field">
            <label for="p-widget-step">{m('preview_widget_step')}</label>
            <select
              id="p-widget-step"
              value={widgetStep}
              onChange={(e) => setWidgetStep(e.currentTarget.value as 'question' | 'follow_up')}
            >
              <option value="question">{m('preview_question')}</option>
              <option value="follow_up">{m('preview_follow_up')}</option>
            </select>
          </div>
        )}
        {(view === 'follow_up' || (view === 'widget' && widgetStep === 'follow_up')) && (
          <div class="field">
            <label for="p-score">{m('preview_score')}</label>
            <input
              id="p-score"
              type="number"
              min={0}
              max={10}
              value={score}
              onInput={(e) => setScore(Number(e.currentTarget.value) || 0)}
            />
          </div>
        )}
        {previewSrc && (
          <iframe title={m('preview_frame')} src={previewSrc} sandbox="" class="preview-frame" />
        )}
      </section>
      {saved && <WidgetSettings surveyId={saved.id} canEdit={canEdit} onLook={setWidgetLook} />}
      {saved && <SurveyDistribution surveyId={saved.id} canEdit={canEdit} />}
    </div>
  );
}

/** What the widget preview takes from the widget settings being edited (the draft's `widget`). */
type WidgetLook = Pick<WidgetSettingsJson, 'colors' | 'position'>;

interface WidgetSettingsJson {
  triggers: (
    | { kind: 'page_view'; url_pattern: string }
    | { kind: 'event'; name: string }
    | { kind: 'seconds_on_page'; seconds: number }
    | { kind: 'scroll_depth'; percent: number }
  )[];
  sampling_percent: number;
  delay_seconds: number;
  position: 'bottom-right' | 'bottom-left' | 'center';
  colors: { brand: string; background: string; text: string };
  dismiss_cooldown_days: number;
  texts: Record<string, unknown>;
  warnings?: { field: string; message: string }[];
}

/** Triggers as lines ("path /checkout/*", "event checkout_completed", "seconds 30", "scroll 50"). */
export function triggersToText(triggers: WidgetSettingsJson['triggers']): string {
  return triggers
    .map((t) =>
      t.kind === 'page_view'
        ? `path ${t.url_pattern}`
        : t.kind === 'event'
          ? `event ${t.name}`
          : t.kind === 'seconds_on_page'
            ? `seconds ${t.seconds}`
            : `scroll ${t.percent}`,
    )
    .join('\n');
}

/** The lines back to triggers; a line it cannot read becomes a trigger the API refuses with its field. */
export function textToTriggers(text: string): unknown[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [word, ...rest] = line.split(/\s+/);
      const value = rest.join(' ');
      if (word === 'path') return { kind: 'page_view', url_pattern: value };
      if (word === 'event') return { kind: 'event', name: value };
      if (word === 'seconds') return { kind: 'seconds_on_page', seconds: Number(value) };
      if (word === 'scroll') return { kind: 'scroll_depth', percent: Number(value) };
      return { kind: word };
    });
}

function WidgetSettings({
  surveyId,
  canEdit,
  onLook,
}: {
  surveyId: string;
  canEdit: boolean;
  /** Called with the colours and position as they are edited, for the editor's widget preview. */
  onLook: (look: WidgetLook) => void;
}) {
  const m = useMessages(M);
  const [settings, setSettings] = useState<WidgetSettingsJson | null>(null);
  const [triggers, setTriggers] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    get<WidgetSettingsJson>(`/surveys/${surveyId}/widget`).then((s) => {
      setSettings(s);
      setTriggers(triggersToText(s.triggers));
    });
  }, [surveyId]);
  const colors = settings?.colors;
  const position = settings?.position;
  useEffect(() => {
    if (colors && position) onLook({ colors, position });
  }, [colors, position]);
  if (!settings) return null;
  const set = (patch: Partial<WidgetSettingsJson>) => setSettings({ ...settings, ...patch });
  const setColor = (key: 'brand' | 'background' | 'text', value: string) =>
    set({ colors: { ...settings.colors, [key]: value } });
  const save = async (e: Event) => {
    e.preventDefault();
    setMessage(null);
    try {
      const { warnings: _w, ...body } = settings;
      const result = await api<WidgetSettingsJson>('PUT', `/surveys/${surveyId}/widget`, {
        body: { ...body, triggers: textToTriggers(triggers) },
      });
      setSettings(result);
      setTriggers(triggersToText(result.triggers));
      setMessage({ text: m('saved'), error: false });
    } catch (error) {
      if (error instanceof ApiError) setMessage({ text: error.message, error: true });
      else throw error;
    }
  };
  return (
    <form class="card widget-settings" onSubmit={save} aria-labelledby="widget-title">
      <h2 id="widget-title">{m('widget')}</h2>
      <fieldset disabled={!canEdit}>
        <div class="row">
          {(['brand', 'background', 'text'] as const).map((key) => (
            <div class="field" key={key}>
              <label for={`w-${key}`}>{key === 'brand' ? m('brand') : m(`widget_${key}`)}</label>
              <input
                id={`w-${key}`}
                type="color"
                value={settings.colors[key]}
                onInput={(e) => setColor(key, e.currentTarget.value)}
              />
            </div>
          ))}
          <div class="field">
            <label for="w-position">{m('position')}</label>
            <select
              id="w-position"
              value={settings.position}
              onChange={(e) => set({ position: e.currentTarget.value as WidgetSettingsJson['position'] })}
            >
              <option value="bottom-right">{m('bottom_right')}</option>
              <option value="bottom-left">{m('bottom_left')}</option>
              <option value="center">{m('center')}</option>
            </select>
          </div>
        </div>
        {settings.warnings && settings.warnings.length > 0 && (
          <div role="alert" class="warning">
            <strong>{m('warnings')}</strong>
            <ul>
              {settings.warnings.map((w) => (
                <li key={w.field}>{w.message}</li>
              ))}
            </ul>
          </div>
        )}
        <div class="row">
          <div class="field">
            <label for="w-sampling">{m('sampling')}</label>
            <input
              id="w-sampling"
              type="number"
              min={0}
              max={100}
              value={settings.sampling_percent}
              onInput={(e) => set({ sampling_percent: Number(e.currentTarget.value) })}
            />
          </div>
          <div class="field">
            <label for="w-delay">{m('delay')}</label>
            <input
              id="w-delay"
              type="number"
              min={0}
              max={600}
              value={settings.delay_seconds}
              onInput={(e) => set({ delay_seconds: Number(e.currentTarget.value) })}
            />
          </div>
          <div class="field">
            <label for="w-cooldown">{m('cooldown')}</label>
            <input
              id="w-cooldown"
              type="number"
              min={0}
              max={365}
              value={settings.dismiss_cooldown_days}
              onInput={(e) => set({ dismiss_cooldown_days: Number(e.currentTarget.value) })}
            />
          </div>
        </div>
        <label for="w-triggers">{m('triggers')}</label>
        <textarea
          id="w-triggers"
          rows={3}
          value={triggers}
          onInput={(e) => setTriggers(e.currentTarget.value)}
        />
        {message && (
          <p class={message.error ? 'error' : 'ok'} role={message.error ? 'alert' : 'status'}>
            {message.text}
          </p>
        )}
        <button type="submit">{m('save_widget')}</button>
      </fieldset>
    </form>
  );
}
