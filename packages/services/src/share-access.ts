import {
  AppError,
  type DashboardLayout,
  type Downsampled,
  type DownsampleQueryInput,
  type ReadQuery,
  type ReadQueryInput,
  type RelativeRange,
  relativeRanges,
  resolveReadQuery,
  type Widget,
} from '@bucketgrid/shared';
import type { Bucket, ReadResult, ShareLink, Store } from '@bucketgrid/store';
import { downsampleRecords, type Reader, readRecords } from './records.ts';
import type { ShareReadCache } from './share-read-cache.ts';
import { hashLinkToken } from './tokens.ts';

/**
 * What a public share link may read (docs/sharing.md, "Public links"): the buckets and series
 * its dashboard's saved widgets show, within the range the link allows. Every read goes
 * through here and is held to that, whatever the request names: the token is the whole
 * authorisation, so nothing the client sends widens it.
 */

const GONE =
  'This share link does not exist: it was revoked, replaced or has expired. Ask whoever shared it for a new one.';

/** The link a token opens; `share_link_not_found` when none does (whatever the reason). */
export async function shareLinkByToken(
  store: Store,
  token: string,
  now: number,
): Promise<ShareLink> {
  const link = await store.getShareLinkByTokenHash(hashLinkToken(token));
  if (!link || (link.expiresAt !== null && link.expiresAt <= now)) {
    throw new AppError('share_link_not_found', GONE);
  }
  return link;
}

/** The series of a bucket the widgets show; `all`: a table that shows every series. */
export type ShownSeries = ReadonlySet<number> | 'all';

/** Which series of which bucket the saved widgets show. */
export function shownByWidgets(widgets: readonly Widget[]): Map<string, ShownSeries> {
  const shown = new Map<string, Set<number> | 'all'>();
  const add = (bucketId: string, series: number[] | 'all') => {
    const current = shown.get(bucketId) ?? new Set<number>();
    if (current === 'all' || series === 'all') {
      shown.set(bucketId, 'all');
      return;
    }
    for (const sk of series) current.add(sk);
    shown.set(bucketId, current);
  };
  for (const widget of widgets) {
    switch (widget.type) {
      case 'timeChart':
        add(
          widget.bucketId,
          widget.series.map((s) => s.sk),
        );
        break;
      case 'barChart':
        add(widget.bucketId, widget.series);
        break;
      case 'stat':
        add(widget.bucketId, [widget.sk]);
        break;
      case 'table':
        add(widget.bucketId, widget.series.length === 0 ? 'all' : widget.series);
        break;
      case 'text':
        break;
    }
  }
  return shown;
}

/** The range every read of a link is held to. */
export interface RangePolicy {
  allowRangeChange: boolean;
  /** The dashboard's default range: the only one when the range is locked. */
  defaultRange: RelativeRange;
}

export function rangePolicy(link: ShareLink, layout: DashboardLayout): RangePolicy {
  return { allowRangeChange: link.allowRangeChange, defaultRange: layout.defaultRange };
}

/**
 * Where a locked range starts at `now` (TSV keys are unix ms), or null when nothing is held:
 * the viewer may change the range, the default range is `all`, or the bucket's keys are not
 * times (KV and IV buckets are read whole, as the grid reads them). Rounded up to the second,
 * inside the range: every viewer in that second asks the same read (share-read-cache.ts).
 */
export function lockedFrom(policy: RangePolicy, bucket: Bucket, now: number): number | null {
  const width = relativeRanges[policy.defaultRange];
  if (policy.allowRangeChange || width === null || bucket.type !== 'TSV') return null;
  return Math.ceil((now - width) / 1000) * 1000;
}

/**
 * How fresh a shared answer must be: the position of the last live event about the bucket
 * that the link's viewers were sent (an answer read after it holds every write they were told
 * of; they are told at most once a second), or, with no viewer's stream open here, the
 * bucket's own state (its last write and record count: no answer outlives a write).
 */
export type Freshness = number | null;

/** What a cached answer depends on besides the read: the link, the bucket, how fresh. */
function cacheKey(
  linkId: string,
  { bucket }: SharedBucket,
  freshness: Freshness,
  kind: string,
  query: unknown,
): string {
  const state =
    freshness === null ? `state:${bucket.lastWriteAt}:${bucket.recordCount}` : `event:${freshness}`;
  return `${linkId}\n${bucket.id}\n${state}\n${kind}\n${JSON.stringify(query)}`;
}

/** One bucket a link reads, with the series it may read of it. */
export interface SharedBucket {
  bucket: Bucket;
  series: ShownSeries;
}

/**
 * The bucket, if the link's saved widgets show it; `bucket_not_found` otherwise, exactly as
 * for a bucket that does not exist (of this dashboard or any other).
 */
export async function sharedBucket(
  store: Store,
  link: ShareLink,
  layout: DashboardLayout,
  bucketId: string,
): Promise<SharedBucket> {
  const series = shownByWidgets(layout.widgets).get(bucketId);
  const bucket = series === undefined ? null : await store.getBucket(bucketId);
  if (!bucket || bucket.dashboardId !== link.dashboardId || series === undefined) {
    throw new AppError('bucket_not_found', 'This share link shows no such bucket.');
  }
  return { bucket, series };
}

/** The buckets the widgets show, each with only the series metadata of its shown series. */
export function sharedBuckets(buckets: Bucket[], widgets: readonly Widget[]): Bucket[] {
  const shown = shownByWidgets(widgets);
  return buckets.flatMap((bucket) => {
    const series = shown.get(bucket.id);
    if (series === undefined) return [];
    if (series === 'all') return [bucket];
    return [{ ...bucket, series: bucket.series.filter((meta) => series.has(meta.sk)) }];
  });
}

/** The series a read may name: those asked for that are shown (all shown when none asked). */
function seriesToRead(shown: ShownSeries, asked: number[] | undefined): number[] | undefined {
  if (shown === 'all') return asked;
  if (asked === undefined) return [...shown];
  const allowed = asked.filter((sk) => shown.has(sk));
  if (allowed.length === 0) {
    throw new AppError('forbidden', 'This share link shows none of the series asked for.');
  }
  return allowed;
}

/**
 * A downsampled read of a shown bucket: only shown series; a locked range replaces whatever
 * range the request names (so every viewer of a link asks the same read).
 */
export function shareDownsample(
  store: Store,
  shared: SharedBucket,
  policy: RangePolicy,
  input: DownsampleQueryInput,
  reader: Reader,
  now: number,
  cache: ShareReadCache,
  freshness: Freshness,
): Promise<Downsampled> {
  const from = lockedFrom(policy, shared.bucket, now);
  const query: DownsampleQueryInput = {
    ...input,
    ...(from === null ? {} : { from, to: undefined }),
    series: seriesToRead(shared.series, input.series),
  };
  return cache.read(cacheKey(reader.principal, shared, freshness, 'downsample', query), () =>
    downsampleRecords(store, shared.bucket, query, reader),
  );
}

/**
 * A page of records of a shown bucket: each record holds only shown series; a locked range
 * raises the request's lower bound to the range's start.
 */
export async function shareRecords(
  store: Store,
  shared: SharedBucket,
  policy: RangePolicy,
  input: ReadQueryInput,
  reader: Reader,
  now: number,
  cache: ShareReadCache,
  freshness: Freshness,
): Promise<{ query: ReadQuery; result: ReadResult }> {
  const query = resolveReadQuery(shared.bucket, input);
  const from = lockedFrom(policy, shared.bucket, now);
  if (from !== null) {
    if (query.from === undefined || (query.from as number) < from) query.from = from;
    if (query.to !== undefined && (query.to as number) < from) query.to = from;
  }
  const result = await cache.read(
    cacheKey(reader.principal, shared, freshness, 'records', query),
    () => readRecords(store, shared.bucket, query, reader),
  );
  const { series } = shared;
  if (series === 'all') return { query, result };
  const records = result.records.map((record) => ({
    key: record.key,
    values: Object.fromEntries(
      Object.entries(record.values).filter(([sk]) => series.has(Number(sk))),
    ),
  }));
  return { query, result: { ...result, records } };
}
