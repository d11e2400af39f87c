/**
 * A destructive action that asks once more, inline (keyboard and screen-reader friendly): the
 * question takes the focus, and it goes back to the button when the question closes (unless
 * what the action showed took it).
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { defineMessages, useMessages } from '../i18n';

const M = defineMessages({
  en: { cancel: 'Cancel' },
  de: { cancel: 'Abbrechen' },
});

export function ConfirmButton(props: {
  label: string;
  question: string;
  /** The confirming button's label; the label by default. */
  confirmLabel?: string;
  onConfirm: () => Promise<void> | void;
  disabled?: boolean;
  /** false: styled as a secondary action, not a dangerous one. */
  danger?: boolean;
}) {
  const m = useMessages(M);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  const questionId = useId();
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
    else if (wasAsking.current && (!document.activeElement || document.activeElement === document.body))
      openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  const cls = props.danger === false ? 'secondary' : 'danger';
  if (!asking)
    return (
      <button
        type="button"
        class={cls}
        ref={openRef}
        disabled={props.disabled}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  return (
    <span class="confirm">
      <span class="confirm-question" id={questionId}>
        {props.question}
      </span>
      <button
        type="button"
        class={cls}
        ref={confirmRef}
        aria-describedby={questionId}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await props.onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {props.confirmLabel ?? props.label}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        {m('cancel')}
      </button>
    </span>
  );
}
