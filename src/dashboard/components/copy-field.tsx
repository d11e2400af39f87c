/** A read-only text with a copy button (falls back to selecting the text). */
import { useRef, useState } from 'preact/hooks';
import { defineMessages, useMessages } from '../i18n';

const M = defineMessages({
  en: {
    copy: 'Copy',
    copied: 'Copied to the clipboard.',
    copy_failed: 'Could not copy: select the text and copy it yourself.',
  },
  de: {
    copy: 'Kopieren',
    copied: 'In die Zwischenablage kopiert.',
    copy_failed: 'Kopieren nicht möglich: Markieren und kopieren Sie den Text selbst.',
  },
});

export function CopyField(props: {
  id: string;
  label: string;
  value: string;
  multiline?: boolean;
  testId?: string;
  autocomplete?: string;
}) {
  const m = useMessages(M);
  const [state, setState] = useState<'' | 'copied' | 'failed'>('');
  const ref = useRef<HTMLInputElement | HTMLTextAreaElement>(null);
  const copy = async () => {
    ref.current?.select();
    try {
      await navigator.clipboard.writeText(props.value);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <div class="copy-field">
      <label for={props.id}>{props.label}</label>
      <div class="copy-row">
        {props.multiline ? (
          <textarea
            id={props.id}
            ref={ref as preact.Ref<HTMLTextAreaElement>}
            readOnly
            rows={3}
            value={props.value}
            data-testid={props.testId}
            spellcheck={false}
          />
        ) : (
          <input
            id={props.id}
            ref={ref as preact.Ref<HTMLInputElement>}
            readOnly
            value={props.value}
            data-testid={props.testId}
            spellcheck={false}
            autocomplete={props.autocomplete}
          />
        )}
        <button type="button" class="secondary" onClick={copy}>
          {m('copy')}
        </button>
      </div>
      <p class="muted small" role="status">
        {state === 'copied' ? m('copied') : state === 'failed' ? m('copy_failed') : ''}
      </p>
    </div>
  );
}
