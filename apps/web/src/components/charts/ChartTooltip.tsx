import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import type { Columns } from '../../lib/downsampled.ts';
import { formatDuration } from '../../lib/format.ts';
import { formatNumber, formatSeriesValue } from '../../lib/series-display.ts';
import type { ChartKeyType, ChartSeries } from '../../lib/time-chart-options.ts';
import styles from './ChartTooltip.module.css';

interface Props {
  values: Columns;
  band: { min: Columns; max: Columns } | null;
  series: ChartSeries[];
  hidden: ReadonlySet<number>;
  keyType: ChartKeyType;
  /** The data index under the cursor. */
  index: number;
  /** The cursor, in px from the chart's top left. */
  left: number;
  top: number;
  /** The plot area, to keep the tooltip inside it. */
  plotLeft: number;
  plotWidth: number;
}

/** Room between the cursor and the tooltip. */
const OFFSET_PX = 14;

/**
 * Every shown series' value at the cursor with its unit, under the time it stands for: the
 * record's time, or the interval's span when the read was downsampled.
 */
export function ChartTooltip({
  values,
  band,
  series,
  hidden,
  keyType,
  index,
  left,
  top,
  plotLeft,
  plotWidth,
}: Props) {
  const format = useTimeFormat();
  const x = values.x[index];
  if (x === undefined) return null;
  const interval = values.interval;
  // A downsampled point stands at its interval's middle.
  const key = interval === null ? x : x - interval / 2;
  const at =
    keyType === 'TSV'
      ? interval === null
        ? `${format.dateTime(key)} ${format.zoneShort}`
        : `${format.dateTime(key)} – ${format.dateTime(key + interval)} ${format.zoneShort}`
      : interval === null
        ? `Key ${formatNumber(key, 0)}`
        : `Keys ${formatNumber(key, 0)} – ${formatNumber(key + interval - 1, 0)}`;
  // Right of the cursor in the plot's left half, left of it in the right half.
  const onRight = left - plotLeft < plotWidth / 2;
  const style = onRight
    ? { left: left + OFFSET_PX, top }
    : { right: `calc(100% - ${left - OFFSET_PX}px)`, top };
  return (
    <div className={styles.tooltip} role="tooltip" style={style}>
      <p className={`${styles.time} mono`}>
        {at}
        {interval !== null && keyType === 'TSV' && (
          <span className="muted"> · {formatDuration(interval)} interval</span>
        )}
      </p>
      <table>
        <tbody>
          {series.map((s, i) => {
            if (hidden.has(i)) return null;
            const value = values.series[i]?.[index];
            const min = band?.min.series[i]?.[index];
            const max = band?.max.series[i]?.[index];
            return (
              <tr key={s.sk}>
                <th scope="row" className={styles.name}>
                  <span className="swatch" style={{ background: s.color }} aria-hidden="true" />{' '}
                  {s.name}
                </th>
                <td className={`${styles.value} mono`}>
                  {value === undefined || value === null ? '–' : formatSeriesValue(value, s)}
                  {min != null && max != null && min !== max && (
                    <span className="muted">
                      {' '}
                      ({formatNumber(min, s.decimals)} … {formatNumber(max, s.decimals)})
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
