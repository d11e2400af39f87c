/** Promoters, passives, detractors as one stacked bar with their shares in words. */
import { useI18n } from '../i18n';
import type { Summary } from '../types';

export function SplitBar({ summary }: { summary: Summary }) {
  const { t, number } = useI18n();
  const parts = [
    { key: 'promoter', label: t('promoters'), pct: summary.promoter_pct, n: summary.promoters },
    { key: 'passive', label: t('passives'), pct: summary.passive_pct, n: summary.passives },
    { key: 'detractor', label: t('detractors'), pct: summary.detractor_pct, n: summary.detractors },
  ];
  return (
    <div>
      <svg class="split" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
        {
          parts.reduce<{ x: number; els: preact.JSX.Element[] }>(
            (acc, p) => {
              acc.els.push(
                <rect key={p.key} class={`bar ${p.key}`} x={acc.x} y="0" width={p.pct} height="8" />,
              );
              acc.x += p.pct;
              return acc;
            },
            { x: 0, els: [] },
          ).els
        }
      </svg>
      <ul class="legend">
        {parts.map((p) => (
          <li key={p.key}>
            <span class={`swatch ${p.key}`} aria-hidden="true" />
            {p.label}: <strong>{number(p.pct, 0)} %</strong> <span class="muted">({p.n})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
