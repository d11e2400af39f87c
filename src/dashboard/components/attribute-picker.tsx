/**
 * Picks the attribute a page groups by: a list of known ones plus "Other attribute …", which
 * shows a text field for any attribute name (e.g. account.industry, customer_since). The choice is
 * reported on change (list) or on submit / leaving the field (text), so the page can put it into
 * the URL.
 */
import { useEffect, useState } from 'preact/hooks';
import { useMessages } from '../i18n';

/** The attribute names the API accepts as `by` (an optional attr. prefix is allowed there too). */
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

const OTHER = '__other__';

const M = {
  en: {
    other: 'Other attribute …',
    other_label: 'Attribute name',
    other_hint: 'For example account.industry or customer_since',
    apply: 'Show',
    invalid: 'Letters, digits, _ . - only, starting with a letter.',
  },
  de: {
    other: 'Anderes Attribut …',
    other_label: 'Name des Attributs',
    other_hint: 'Zum Beispiel account.industry oder customer_since',
    apply: 'Anzeigen',
    invalid: 'Nur Buchstaben, Ziffern, _ . -, beginnend mit einem Buchstaben.',
  },
};

export interface AttributeOption {
  value: string;
  label: string;
}

export function AttributePicker(props: {
  id: string;
  label: string;
  value: string;
  options: AttributeOption[];
  onChange: (value: string) => void;
}) {
  const m = useMessages(M);
  const known = props.options.some((o) => o.value === props.value);
  const [other, setOther] = useState(!known);
  const [text, setText] = useState(known ? '' : props.value);
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    const isKnown = props.options.some((o) => o.value === props.value);
    if (!isKnown) {
      setOther(true);
      setText(props.value);
    } else setOther(false);
  }, [props.value, props.options.map((o) => o.value).join(',')]);

  const submit = () => {
    const name = text.trim();
    if (!ATTRIBUTE_NAME.test(name)) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    if (name !== props.value) props.onChange(name);
  };

  return (
    <div class="attribute-picker">
      <div class="field an-field">
        <label class="an-label" for={props.id}>
          {props.label}
        </label>
        <select
          id={props.id}
          value={other ? OTHER : props.value}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            if (v === OTHER) setOther(true);
            else {
              setOther(false);
              props.onChange(v);
            }
          }}
        >
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
          <option value={OTHER}>{m('other')}</option>
        </select>
      </div>
      {other && (
        <form
          class="field an-field attribute-other"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label class="an-label" for={`${props.id}-other`}>
            {m('other_label')}
          </label>
          <span class="attribute-other-row">
            <input
              class="an-other-input"
              id={`${props.id}-other`}
              value={text}
              maxLength={64}
              spellcheck={false}
              autocomplete="off"
              aria-describedby={`${props.id}-other-hint`}
              aria-invalid={invalid ? 'true' : undefined}
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="an-other-button">
              {m('apply')}
            </button>
          </span>
          <span id={`${props.id}-other-hint`} class={invalid ? 'error an-small' : 'muted an-small'}>
            {invalid ? m('invalid') : m('other_hint')}
          </span>
        </form>
      )}
    </div>
  );
}
