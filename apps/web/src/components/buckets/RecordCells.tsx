import { useTimeFormat } from '../../hooks/useTimeFormat.ts';
import { formatSeriesValue, type SeriesDisplay } from '../../lib/series-display.ts';
import type { Bucket, BucketRecord } from '../../lib/trpc.ts';

/** A records table's header cells: the key (TSV: the time, with its zone) and one per series. */
export function RecordHeaderCells({
  bucket,
  columns,
}: {
  bucket: Bucket;
  columns: SeriesDisplay[];
}) {
  const format = useTimeFormat();
  return (
    <>
      <th scope="col">{bucket.type === 'TSV' ? `Time (${format.zoneShort})` : 'Key'}</th>
      {columns.map((c) => (
        <th key={c.sk} scope="col" className="numeric">
          {c.name}
          {c.unit && <span className="muted unit"> ({c.unit})</span>}
        </th>
      ))}
    </>
  );
}

/** One record's series values in the columns' order (the unit is in the header). */
export function RecordValueCells({
  record,
  columns,
}: {
  record: BucketRecord;
  columns: SeriesDisplay[];
}) {
  const values = new Map(record.data.map((d) => [d.series_key, d.value]));
  return (
    <>
      {columns.map((c) => (
        <td key={c.sk} className="numeric mono">
          {formatSeriesValue(values.get(c.sk), { ...c, unit: '' })}
        </td>
      ))}
    </>
  );
}
