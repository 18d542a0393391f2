import type { Bar } from '../../lib/downsampled.ts';
import { formatNumber, formatSeriesValue, type SeriesDisplay } from '../../lib/series-display.ts';
import { valueTicks } from '../../lib/ticks.ts';
import styles from './BarList.module.css';

interface Props {
  bars: Bar[];
  /** One per value of each bar (a bar group per key). */
  series: SeriesDisplay[];
  /** Instead: one per bar (a bar per series), giving each row its series' colour and unit. */
  perRowSeries?: SeriesDisplay[];
  /** Grow the rows to fill the height they are given (a widget), instead of their own. */
  fill?: boolean;
  /** For screen readers: what the chart shows. */
  description: string;
}

/** A bar longer than this share of its track carries its value inside, in white. */
const INSIDE_FROM = 0.7;

/**
 * Horizontal bars: one row per key (or series), a bar per shown series, over a value axis
 * with round ticks. Labels are HTML, so a long key is cut with an ellipsis and shown whole in
 * its tooltip, and labels never overlap; a value sits after its bar, or inside a long one.
 */
export function BarList({ bars, series, perRowSeries, fill = false, description }: Props) {
  const all = bars.flatMap((bar) => bar.values.filter((v): v is number => v !== undefined));
  const { low, high, ticks } = valueTicks(Math.min(0, ...all), Math.max(0, ...all));
  const span = high - low;
  const at = (value: number) => ((value - low) / span) * 100;
  const decimals = perRowSeries?.[0]?.decimals ?? series[0]?.decimals ?? null;
  return (
    <div
      className={fill ? `${styles.list} ${styles.fill}` : styles.list}
      role="img"
      aria-label={description}
    >
      {bars.map((bar, row) => (
        <div key={bar.label} className={styles.row} data-bar-row>
          <span className={styles.label} title={bar.label}>
            {bar.label}
          </span>
          <span className={styles.tracks}>
            {bar.values.map((value, i) => {
              const s = perRowSeries?.[row] ?? series[i]!;
              const start = value === undefined ? at(0) : at(Math.min(0, value));
              const end = value === undefined ? at(0) : at(Math.max(0, value));
              const width = end - start;
              const inside = width / 100 >= INSIDE_FROM;
              const text = formatSeriesValue(value, s);
              return (
                <span
                  key={s.sk}
                  className={styles.track}
                  title={`${bar.label} · ${s.name}: ${text || 'no value'}`}
                >
                  <span
                    className={styles.bar}
                    style={{ left: `${start}%`, width: `${width}%`, background: s.color }}
                  />
                  <span
                    className={
                      inside ? `${styles.value} ${styles.inside} mono` : `${styles.value} mono`
                    }
                    style={inside ? { right: `${100 - end}%` } : { left: `${end}%` }}
                  >
                    {text || '–'}
                  </span>
                </span>
              );
            })}
          </span>
        </div>
      ))}
      <div className={`${styles.row} ${styles.axis}`} aria-hidden="true">
        <span />
        <span className={styles.axisTrack}>
          {ticks.map((tick) => (
            <span
              key={tick}
              className={`${styles.tick} mono`}
              data-bar-tick
              style={{ left: `${at(tick)}%` }}
            >
              {formatNumber(tick, decimals)}
            </span>
          ))}
        </span>
      </div>
    </div>
  );
}
