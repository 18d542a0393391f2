import type { Bar } from '../../lib/downsampled.ts';
import { formatSeriesValue, type SeriesDisplay } from '../../lib/series-display.ts';

interface Props {
  bars: Bar[];
  /** One per value of each bar (a bar group per key). */
  series: SeriesDisplay[];
  /** Instead: one per bar (a bar per series), giving each row its series' colour and unit. */
  perRowSeries?: SeriesDisplay[];
  /** For screen readers: what the chart shows. */
  description: string;
}

/**
 * Horizontal bars: one row per key (or series), a bar per shown series. Labels are HTML, so a
 * long key is cut with an ellipsis and shown whole in its tooltip, and labels never overlap.
 */
export function BarList({ bars, series, perRowSeries, description }: Props) {
  const all = bars.flatMap((bar) => bar.values.filter((v): v is number => v !== undefined));
  const max = Math.max(0, ...all);
  const min = Math.min(0, ...all);
  const span = max - min || 1;
  return (
    <div className="bar-list" role="img" aria-label={description}>
      {bars.map((bar, row) => (
        <div key={bar.label} className="bar-row">
          <span className="bar-label" title={bar.label}>
            {bar.label}
          </span>
          <span className="bar-tracks">
            {bar.values.map((value, i) => {
              const s = perRowSeries?.[row] ?? series[i]!;
              const width = value === undefined ? 0 : (Math.abs(value) / span) * 100;
              const left =
                value === undefined || value >= 0
                  ? (-min / span) * 100
                  : ((value - min) / span) * 100;
              const text = formatSeriesValue(value, s);
              return (
                <span
                  key={s.sk}
                  className="bar-track"
                  title={`${bar.label} · ${s.name}: ${text || 'no value'}`}
                >
                  <span
                    className="bar"
                    style={{ left: `${left}%`, width: `${width}%`, background: s.color }}
                  />
                  <span className="bar-value mono">{text || '–'}</span>
                </span>
              );
            })}
          </span>
        </div>
      ))}
    </div>
  );
}
