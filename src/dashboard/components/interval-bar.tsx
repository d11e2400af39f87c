/**
 * One NPS on the fixed -100..100 scale: a dot at the estimate and a bar over its 95% interval
 * (estimate ± margin, clipped to the scale), so segments, accounts and teams compare at a glance
 * without exaggeration. Drawn in percentages of its own width (no measuring, no distortion); the
 * numbers are in the label for screen readers.
 */
import { useI18n } from '../i18n';

const pct = (v: number) => `${(Math.max(-100, Math.min(100, v)) + 100) / 2}%`;

export function IntervalBar({ nps, margin }: { nps: number | null; margin: number | null }) {
  const { locale, number } = useI18n();
  if (nps === null) return null;
  const m = margin ?? 0;
  const low = Math.max(-100, nps - m);
  const high = Math.min(100, nps + m);
  const label =
    locale === 'de'
      ? `NPS ${number(nps, 0)}, 95-%-Intervall ${number(low, 0)} bis ${number(high, 0)}`
      : `NPS ${number(nps, 0)}, 95% interval ${number(low, 0)} to ${number(high, 0)}`;
  const tone = nps >= 30 ? 'good' : nps >= 0 ? 'fair' : 'poor';
  return (
    <svg class={`interval-bar ${tone}`} role="img" aria-label={label} height="16">
      <title>{label}</title>
      <line class="ib-scale" x1="0" x2="100%" y1="8" y2="8" />
      <line class="ib-zero" x1="50%" x2="50%" y1="2" y2="14" />
      <line class="ib-range" x1={pct(low)} x2={pct(high)} y1="8" y2="8" />
      <circle class="ib-dot" cx={pct(nps)} cy="8" r="4" />
    </svg>
  );
}
