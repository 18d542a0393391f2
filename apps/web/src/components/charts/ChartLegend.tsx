import type { Ref } from 'react';
import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import type { Columns } from '../../lib/downsampled.ts';
import { formatNumber, formatSeriesValue } from '../../lib/series-display.ts';
import type { ChartKeyType, ChartSeries } from '../../lib/time-chart-options.ts';
import styles from './ChartLegend.module.css';

interface Props {
  ref?: Ref<HTMLUListElement>;
  values: Columns;
  series: ChartSeries[];
  keyType: ChartKeyType;
  /** The data index under the cursor; null shows each series' latest value. */
  cursor: number | null;
  /** Series (by position) the viewer hid. */
  hidden: ReadonlySet<number>;
  /** A click hides or shows a series; with Ctrl, ⌘ or Shift it isolates it (again: all). */
  onToggle: (index: number, isolate: boolean) => void;
}

/**
 * Series names with their values: at the cursor when there is one, else the newest record's.
 * Entries wrap onto more lines, and past a few lines the legend scrolls; nothing is cut.
 */
export function ChartLegend({ ref, values, series, keyType, cursor, hidden, onToggle }: Props) {
  const format = useTimeFormat();
  const x = cursor === null ? undefined : values.x[cursor];
  // A downsampled point stands at its interval's middle; the legend names the interval's start.
  const key = x === undefined || values.interval === null ? x : x - values.interval / 2;
  const keyText =
    key === undefined || key === null
      ? keyType === 'TSV'
        ? `Latest · ${format.zoneShort}`
        : 'Latest'
      : keyType === 'TSV'
        ? `${format.dateTime(key)} ${format.zoneShort}`
        : `Key ${formatNumber(key, 0)}`;
  return (
    <ul ref={ref} className={styles.legend} aria-label="Legend">
      <li className={`${styles.key} mono`} data-legend-key>
        {keyText}
      </li>
      {series.map((s, i) => {
        const value = cursor === null ? values.latest[i] : values.series[i]?.[cursor];
        const off = hidden.has(i);
        return (
          <li key={s.sk}>
            <button
              type="button"
              className={off ? `${styles.entry} ${styles.off}` : styles.entry}
              aria-pressed={!off}
              title={`${s.name}: click to ${off ? 'show' : 'hide'}, Ctrl-click to show only this series`}
              onClick={(event) => onToggle(i, event.ctrlKey || event.metaKey || event.shiftKey)}
            >
              <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
              <span className={styles.name}>{s.name}</span>
              {s.axis === 'right' && <span className="muted"> (right)</span>}
              <span className={`${styles.value} mono`} data-legend-value>
                {value === undefined || value === null ? '–' : formatSeriesValue(value, s)}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
