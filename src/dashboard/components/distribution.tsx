/** The 0-10 distribution as SVG bars coloured by category, with the counts for screen readers. */
import { useI18n } from '../i18n';
import { useWidth } from './use-width';

const H = 150;

export function Distribution({ counts }: { counts: number[] }) {
  const { t } = useI18n();
  const [ref, W] = useWidth<HTMLElement>(320);
  const max = Math.max(1, ...counts);
  const bar = W / 11;
  return (
    <figure class="chart" ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={t('distribution')}>
        {counts.map((c, score) => {
          const h = ((H - 36) * c) / max;
          const kind = score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
          return (
            <g key={score}>
              <rect class={`bar ${kind}`} x={score * bar + 3} y={H - 20 - h} width={bar - 6} height={h} />
              <text class="tick" x={score * bar + bar / 2} y={H - 6} text-anchor="middle">
                {score}
              </text>
              <text class="tick" x={score * bar + bar / 2} y={H - 24 - h} text-anchor="middle">
                {c}
              </text>
            </g>
          );
        })}
      </svg>
      <table class="visually-hidden">
        <caption>{t('distribution')}</caption>
        <tbody>
          {counts.map((c, score) => (
            <tr key={score}>
              <th scope="row">
                {t('score')} {score}
              </th>
              <td>{c}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
