import type { LiveEvent, LiveMessage, LiveView } from '@bucketgrid/live';
import {
  getLayout,
  type RangePolicy,
  type Reader,
  rangePolicy,
  shareDownsample,
  sharedBucket,
  sharedBuckets,
  shareLinkByToken,
  shareRecords,
  shownByWidgets,
} from '@bucketgrid/services';
import {
  type DashboardLayout,
  type Downsampled,
  type DownsampleQueryInput,
  downsampleQueryInput,
  encodeCursor,
  idSchema,
  MAX_PUSHED_READS,
  type PushedRead,
  pushedReadSchema,
  type ReadQueryInput,
  readQueryInput,
  type ShareAnswer,
  type ShareAnswerChange,
  toLongRecord,
} from '@bucketgrid/shared';
import type { ShareLink } from '@bucketgrid/store';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { liveInput, trackedEvents } from '../live.ts';
import { publicProcedure, router } from '../trpc.ts';
import { type Pushed, pushedAnswer } from './share-pushed.ts';

/**
 * What anyone holding a public share link's token may do: read the dashboard's saved grid.
 * The token is the whole authorisation (no session is read); every call looks the link up
 * again, so a revoked or replaced token is `share_link_not_found` at its next request, and
 * every read is held to the saved widgets' buckets and series and to the link's range
 * (services/share-access.ts). Nothing here changes anything but the link's view count.
 */

/** A link's token (32 base62 characters; a little slack, so a wrong one is not found). */
const tokenInput = z.object({ token: z.string().min(1).max(64) });

const shareProcedure = publicProcedure.input(tokenInput).use(async ({ ctx, input, next }) => {
  const link = await shareLinkByToken(ctx.store, input.token, ctx.now());
  ctx.sharing.shareTraffic.spend(link.id);
  const layout = await getLayout(ctx.store, link.dashboardId);
  const reader: Reader = { limits: ctx.readLimits, principal: `share:${link.id}` };
  return next({
    ctx: { ...ctx, link, layout, policy: rangePolicy(link, layout), reader },
  });
});

const bucketInput = z.object({ bucketId: idSchema });

/** `reads`: what the page's widgets read, whose answers a locked link pushes (share-pushed.ts). */
const shareLiveInput = liveInput.extend({
  reads: z.array(pushedReadSchema).max(MAX_PUSHED_READS).optional(),
});

export const shareRouter = router({
  /** What the share page shows: the dashboard's name, its saved grid, the buckets it reads. */
  open: shareProcedure.query(async ({ ctx }) => {
    const [dashboard, buckets] = await Promise.all([
      ctx.store.getDashboard(ctx.link.dashboardId),
      ctx.store.listBuckets(ctx.link.dashboardId),
    ]);
    ctx.sharing.shareTraffic.noteView(ctx.link.id);
    const { version, widgets, defaultRange, maxWidth } = ctx.layout;
    return {
      dashboard: { id: ctx.link.dashboardId, name: dashboard?.name ?? '' },
      layout: { version, widgets, defaultRange, maxWidth },
      buckets: sharedBuckets(buckets, widgets),
      range: ctx.policy satisfies RangePolicy,
      expiresAt: ctx.link.expiresAt,
    };
  }),

  /** As `buckets.downsample`, for a bucket the grid shows, within the link's range. */
  downsample: shareProcedure
    .input(bucketInput.extend(downsampleQueryInput.shape))
    .query(({ ctx, input }) => {
      const { token: _t, bucketId, ...query } = input;
      return downsampleAnswer(ctx, bucketId, query);
    }),

  /** As `buckets.records`, for a bucket the grid shows: only its shown series, within range. */
  records: shareProcedure
    .input(bucketInput.extend(readQueryInput.shape))
    .query(({ ctx, input }) => {
      const { token: _t, bucketId, ...params } = input;
      return recordsAnswer(ctx, bucketId, params);
    }),

  /**
   * The dashboard's live events, as `dashboards.live`, but only of the buckets the saved
   * widgets show. Counted in the share-link caps of the live hub; revoking the link or
   * replacing its token ends it at once. `reads`: the page's widgets' reads, whose answers a
   * locked link pushes before each event about their bucket (share-pushed.ts); a read of a
   * bucket the grid does not show is `bucket_not_found`, one of a series it does not show is
   * never pushed (the page's own request for it is `forbidden`).
   */
  live: shareProcedure.input(shareLiveInput).subscription(async ({ ctx, input, signal }) => {
    // A read of a bucket the grid does not show is refused as every share read is.
    const reads = input.reads ?? [];
    for (const bucketId of new Set(reads.map((read) => read.bucketId))) {
      await sharedBucket(ctx.store, ctx.link, ctx.layout, bucketId);
    }
    const view = ctx.live.open({
      dashboardId: ctx.link.dashboardId,
      owner: {
        shareLink: { id: ctx.link.id, tokenHash: ctx.link.tokenHash },
        address: ctx.clientAddress,
      },
      lastEventId: input.lastEventId,
      signal: signal ?? new AbortController().signal,
    });
    return trackedEvents<LiveEvent | ShareAnswer | ShareAnswerChange>(
      shownEvents(view, ctx, reads),
    );
  }),
});

/** What a share read needs: the link, its layout and range, its reader and shared answers. */
type ShareReadContext = Pick<Context, 'store' | 'now' | 'sharing' | 'live'> & {
  link: ShareLink;
  layout: DashboardLayout;
  policy: RangePolicy;
  reader: Reader;
};

async function downsampleAnswer(
  ctx: ShareReadContext,
  bucketId: string,
  query: DownsampleQueryInput,
): Promise<Downsampled> {
  const shared = await sharedBucket(ctx.store, ctx.link, ctx.layout, bucketId);
  return shareDownsample(
    ctx.store,
    shared,
    ctx.policy,
    query,
    ctx.reader,
    ctx.now(),
    ctx.sharing.shareReads,
    ctx.live.shareEventPosition(ctx.link.dashboardId, bucketId),
  );
}

async function recordsAnswer(ctx: ShareReadContext, bucketId: string, params: ReadQueryInput) {
  const shared = await sharedBucket(ctx.store, ctx.link, ctx.layout, bucketId);
  const { query, result } = await shareRecords(
    ctx.store,
    shared,
    ctx.policy,
    params,
    ctx.reader,
    ctx.now(),
    ctx.sharing.shareReads,
    ctx.live.shareEventPosition(ctx.link.dashboardId, bucketId),
  );
  const last = result.records.at(-1);
  return {
    records: result.records.map(toLongRecord),
    nextCursor:
      result.hasMore && last ? encodeCursor(shared.bucket.id, query.order, last.key) : null,
  };
}

/**
 * The view's events, less those of buckets the saved widgets do not show (whose write times
 * are none of the viewer's business); a saved layout changes what is shown. On a locked link,
 * each `records` event comes after the answers of the view's `reads` of that bucket
 * (share-pushed.ts), read once for all the link's views: as what changed since the answer
 * this view was pushed before, when that is the one the change was made against.
 */
async function* shownEvents(
  view: LiveView,
  ctx: ShareReadContext,
  reads: PushedRead[],
): AsyncGenerator<LiveMessage | Pushed['answer'] | NonNullable<Pushed['change']>> {
  let { layout } = ctx;
  let shown = shownByWidgets(layout.widgets);
  /** The version of each read's answer this view's page was last pushed. */
  const held = new Map<PushedRead, string>();
  for await (const message of view) {
    const { event } = message;
    if (event.type === 'layout') {
      layout = await getLayout(ctx.store, ctx.link.dashboardId);
      shown = shownByWidgets(layout.widgets);
    }
    if (event.type === 'records' && !shown.has(event.bucketId)) continue;
    // Alert states are for members (docs/alerts.md): a share page shows none.
    if (event.type === 'alerts') continue;
    if (event.type === 'records' && !ctx.link.allowRangeChange) {
      const current = { ...ctx, layout, policy: rangePolicy(ctx.link, layout) };
      for (const read of reads) {
        if (read.bucketId !== event.bucketId) continue;
        const scope = `${ctx.link.id}\n${layout.version}`;
        const pushed = await pushedAnswer(message, scope, read, () =>
          read.kind === 'downsample'
            ? // In the order a fetched read's query has: both are the same shared answer.
              downsampleAnswer(current, read.bucketId, {
                from: undefined,
                to: undefined,
                points: read.points,
                series: read.series,
              })
            : recordsAnswer(current, read.bucketId, { order: read.order, limit: read.limit }),
        );
        if (!pushed) continue;
        const { change } = pushed;
        yield change && held.get(read) === change.event.base ? change : pushed.answer;
        held.set(read, pushed.answer.event.version);
      }
    }
    yield message;
  }
}
