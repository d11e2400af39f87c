/**
 * The NPS over time as an SVG line with its 95% confidence band, drawn by hand (no chart
 * library) in the pixels of its container, so its labels keep their size on a phone; the y axis
 * is fixed to -100..100 so trends are never exaggerated. Buckets without responses leave gaps.
 * A table with the same numbers follows for screen readers.
 */
import { useI18n } from '../i18n';
import type { TrendPoint } from '../types';
import { useWidth } from './use-width';

const H = 240;
const PAD = { left: 36, right: 12, top: 10, bottom: 24 };

const y = (v: number) => PAD.top + ((100 - v) * (H - PAD.top - PAD.bottom)) / 200;

/** Runs of consecutive buckets with responses (a gap ends a run). */
function runs(points: TrendPoint[]): number[][] {
  const out: number[][] = [];
  let run: number[] = [];
  points.forEach((p, i) => {
    if (p.summary.nps === null) {
      if (run.length) out.push(run);
      run = [];
    } else run.push(i);
  });
  if (run.length) out.push(run);
  return out;
}

export interface Benchmark {
  nps: number;
  /** Shown next to the line: what the figure is and where it comes from. */
  label: string;
}

export function TrendChart({
  points,
  label,
  benchmark,
}: {
  points: TrendPoint[];
  label: string;
  benchmark?: Benchmark;
}) {
  const { t, number } = useI18n();
  const [ref, W] = useWidth<HTMLElement>();
  const n = points.length;
  const x = (i: number, count: number) =>
    PAD.left + (count <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (count - 1));
  const withData = points.filter((p) => p.summary.nps !== null);
  if (withData.length < 2) return <p class="muted">{t('chart_empty')}</p>;
  const segments = runs(points);
  const lines = segments.map((run) => run.map((i) => `${x(i, n)},${y(points[i]!.summary.nps!)}`).join(' '));
  const bands = segments.map((run) => {
    const upper = run.map((i) => {
      const s = points[i]!.summary;
      return `${x(i, n)},${y(Math.min(100, s.nps! + (s.margin_of_error ?? 0)))}`;
    });
    const lower = run
      .slice()
      .reverse()
      .map((i) => {
        const s = points[i]!.summary;
        return `${x(i, n)},${y(Math.max(-100, s.nps! - (s.margin_of_error ?? 0)))}`;
      });
    return [...upper, ...lower].join(' ');
  });
  const ticks = [-100, -50, 0, 50, 100];
  // As many date labels as fit (about 90 px each).
  const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor((W - PAD.left) / 90))));
  return (
    <figure class="chart" ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
        {ticks.map((v) => (
          <g key={v}>
            <line
              class={v === 0 ? 'axis zero' : 'axis'}
              x1={PAD.left}
              x2={W - PAD.right}
              y1={y(v)}
              y2={y(v)}
            />
            <text class="tick" x={PAD.left - 6} y={y(v) + 4} text-anchor="end">
              {v}
            </text>
          </g>
        ))}
        {benchmark && (
          <g class="benchmark">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(benchmark.nps)} y2={y(benchmark.nps)} />
            <text x={W - PAD.right} y={y(benchmark.nps) - 5} text-anchor="end">
              {benchmark.label}
            </text>
          </g>
        )}
        {bands.map((b) => (
          <polygon key={b} class="band" points={b} />
        ))}
        {lines.map((l) => (
          <polyline key={l} class="line" points={l} />
        ))}
        {points.map((p, i) =>
          p.summary.nps === null ? null : (
            <circle key={p.bucket} class="dot" cx={x(i, n)} cy={y(p.summary.nps)} r="3" />
          ),
        )}
        {points.map((p, i) =>
          i % every === 0 ? (
            <text key={`l${p.bucket}`} class="tick" x={x(i, n)} y={H - 6} text-anchor="middle">
              {p.bucket.slice(0, 10)}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption class="muted">{t('trend_band')}</figcaption>
      <table class="visually-hidden">
        <caption>{label}</caption>
        <tbody>
          {withData.map((p) => (
            <tr key={p.bucket}>
              <th scope="row">{p.bucket}</th>
              <td>
                {number(p.summary.nps!, 0)} ± {number(p.summary.margin_of_error ?? 0, 1)} ({p.summary.n})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
