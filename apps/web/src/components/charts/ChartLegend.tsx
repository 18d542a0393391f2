import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import type { Columns } from '../../lib/downsampled.ts';
import { formatNumber, formatSeriesValue } from '../../lib/series-display.ts';
import type { ChartKeyType, ChartSeries } from '../../lib/time-chart-options.ts';

interface Props {
  values: Columns;
  series: ChartSeries[];
  keyType: ChartKeyType;
  /** The data index under the cursor; null shows each series' latest value. */
  cursor: number | null;
}

function latestIndex(column: readonly (number | null | undefined)[] | undefined): number | null {
  if (!column) return null;
  for (let i = column.length - 1; i >= 0; i--) {
    if (column[i] !== null && column[i] !== undefined) return i;
  }
  return null;
}

/** Series names with their values: at the cursor when there is one, else the latest. */
export function ChartLegend({ values, series, keyType, cursor }: Props) {
  const format = useTimeFormat();
  const key = cursor === null ? null : values.x[cursor];
  const keyText =
    key === undefined || key === null
      ? keyType === 'TSV'
        ? `Latest · ${format.zoneShort}`
        : 'Latest'
      : keyType === 'TSV'
        ? `${format.dateTime(key)} ${format.zoneShort}`
        : `Key ${formatNumber(key, 0)}`;
  return (
    <ul className="chart-legend" aria-label="Legend">
      <li className="chart-legend-key mono">{keyText}</li>
      {series.map((s, i) => {
        const column = values.series[i];
        const index = cursor ?? latestIndex(column);
        const value = index === null ? undefined : column?.[index];
        return (
          <li key={s.sk} title={s.name}>
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
            <span className="chart-legend-name">{s.name}</span>
            {s.axis === 'right' && <span className="muted"> (right)</span>}
            <span className="chart-legend-value mono">
              {value === undefined || value === null ? '–' : formatSeriesValue(value, s)}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
