import type { BucketType, Downsampled, LongRecord, RecordKey, Widget } from '@bucketgrid/shared';
import { pointsForWidth } from '../hooks/useBucketReads.ts';
import { seriesColumnName, toCsv } from './csv.ts';
import type { GridReads } from './grid-reads.tsx';
import { needsMilliseconds } from './table-format.ts';
import type { TimeFormat } from './time-format.ts';
import { type DashboardRange, resolveRange } from './time-range.ts';
import type { Bucket } from './trpc.ts';

/**
 * "Download CSV" of a widget: exactly what it shows, read as the widget reads it (the same
 * range, points for its width, series), one row per point or record, series named as the
 * widget names them, times in the dashboard's time format (the viewer's zone, named in the
 * header). Charts give the downsampled figures they draw, each interval at its start; tables
 * give their raw records.
 */

type Cell = string | number | null | undefined;

export interface WidgetCsvInput {
  widget: Exclude<Widget, { type: 'text' }>;
  bucket: Bucket;
  range: DashboardRange;
  /** The widget's width in pixels (a chart reads about one point per 2 pixels). */
  width: number;
  format: TimeFormat;
}

/** The from/to a widget reads: the dashboard range for TSV buckets, else the whole bucket. */
function rangeOf(type: BucketType, range: DashboardRange) {
  if (type !== 'TSV') return { from: undefined, to: undefined };
  const resolved = resolveRange(range, Date.now());
  return { from: resolved.from ?? undefined, to: resolved.to ?? undefined };
}

/** Whether a widget has anything to export (notes and KV time charts do not). */
export function hasWidgetCsv(widget: Widget, bucket: Bucket | undefined): boolean {
  if (widget.type === 'text' || !bucket) return false;
  return !(widget.type === 'timeChart' && bucket.type === 'KV');
}

export async function widgetCsv(reads: GridReads, input: WidgetCsvInput): Promise<string> {
  const { widget, bucket, range, width, format } = input;
  const ids = { dashboardId: bucket.dashboardId, bucketId: bucket.id };
  const { from, to } = rangeOf(bucket.type, range);
  if (widget.type === 'table') {
    const { records } = await reads.records({
      ...ids,
      order: bucket.type === 'KV' ? 'asc' : 'desc',
      limit: widget.limit,
      from,
      to,
    });
    return tableCsv(records, widget.series, bucket, format);
  }
  const isKvBars = widget.type === 'barChart' && bucket.type === 'KV';
  const points =
    widget.type === 'stat'
      ? Math.min(200, pointsForWidth(width))
      : isKvBars
        ? widget.limit
        : pointsForWidth(width);
  const sks =
    widget.type === 'timeChart'
      ? widget.series.map((s) => s.sk)
      : widget.type === 'stat'
        ? [widget.sk]
        : widget.series;
  const data = await reads.downsample({
    ...ids,
    from,
    to,
    points,
    series: sks.length > 0 ? sks : undefined,
  });
  if (widget.type === 'barChart' && !isKvBars) return latestCsv(data, sks, bucket, format);
  const stat = widget.type === 'timeChart' ? widget.stat : 'last';
  const band = widget.type === 'timeChart' && widget.band && !widget.stacked;
  return downsampledCsv(data, sks, stat, band, bucket, format);
}

function keyHeader(type: BucketType, format: TimeFormat): string {
  return type === 'TSV' ? `time (${format.zoneShort})` : 'key';
}

/** Keys as the dashboard writes them: times in the viewer's zone, milliseconds where needed. */
function keyWriter(type: BucketType, keys: RecordKey[], format: TimeFormat) {
  if (type !== 'TSV') return (key: RecordKey) => key;
  const withMs = needsMilliseconds(keys.map(Number)) || keys.some((k) => Number(k) % 1000 !== 0);
  return (key: RecordKey) =>
    withMs ? format.dateTimeMs(Number(key)) : format.dateTime(Number(key));
}

/** One row per interval (or raw record): its key, then each series' figure. */
export function downsampledCsv(
  data: Downsampled,
  sks: readonly number[],
  stat: 'avg' | 'min' | 'max' | 'last',
  band: boolean,
  bucket: Pick<Bucket, 'type' | 'series'>,
  format: TimeFormat,
): string {
  const header: Cell[] = [keyHeader(bucket.type, format)];
  for (const sk of sks) {
    header.push(seriesColumnName(bucket.series, sk));
    if (band)
      header.push(
        seriesColumnName(bucket.series, sk, ' min'),
        seriesColumnName(bucket.series, sk, ' max'),
      );
  }
  const writeKey = keyWriter(bucket.type, data.keys, format);
  const rows: Cell[][] = data.keys.map((key, i) => {
    const row: Cell[] = [writeKey(key)];
    for (const sk of sks) {
      const figures = data.series[sk];
      row.push(figures?.[stat][i] ?? '');
      if (band) row.push(figures?.min[i] ?? '', figures?.max[i] ?? '');
    }
    return row;
  });
  return toCsv([header, ...rows]);
}

/** A bar chart of a TSV or IV bucket: a row per series, at its latest value and key. */
export function latestCsv(
  data: Downsampled,
  sks: readonly number[],
  bucket: Pick<Bucket, 'type' | 'series'>,
  format: TimeFormat,
): string {
  const writeKey = keyWriter(bucket.type, data.keys, format);
  const rows: Cell[][] = sks.map((sk) => {
    const last = data.series[sk]?.last ?? [];
    let i = last.length - 1;
    while (i >= 0 && last[i] === null) i--;
    return [
      seriesColumnName(bucket.series, sk),
      i < 0 ? '' : last[i],
      i < 0 ? '' : writeKey(data.keys[i]!),
    ];
  });
  return toCsv([['series', 'latest value', keyHeader(bucket.type, format)], ...rows]);
}

/** A table's raw records, in its order: the key, then each series (all seen, if none chosen). */
export function tableCsv(
  records: LongRecord[],
  chosen: readonly number[],
  bucket: Pick<Bucket, 'type' | 'series'>,
  format: TimeFormat,
): string {
  const sks =
    chosen.length > 0
      ? chosen
      : [...new Set(records.flatMap((r) => r.data.map((d) => d.series_key)))].sort((a, b) => a - b);
  const writeKey = keyWriter(
    bucket.type,
    records.map((r) => r.key),
    format,
  );
  const rows: Cell[][] = records.map((record) => {
    const values = new Map(record.data.map((d) => [d.series_key, d.value]));
    return [writeKey(record.key), ...sks.map((sk) => values.get(sk) ?? '')];
  });
  return toCsv([
    [keyHeader(bucket.type, format), ...sks.map((sk) => seriesColumnName(bucket.series, sk))],
    ...rows,
  ]);
}
