import type { LiveMessage, LiveView } from '@bucketgrid/live';
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
  downsampleQueryInput,
  encodeCursor,
  idSchema,
  readQueryInput,
  toLongRecord,
} from '@bucketgrid/shared';
import type { ShareLink, Store } from '@bucketgrid/store';
import { z } from 'zod';
import { liveInput, trackedEvents } from '../live.ts';
import { publicProcedure, router } from '../trpc.ts';

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
    .query(async ({ ctx, input }) => {
      const { token: _t, bucketId, ...query } = input;
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
    }),

  /** As `buckets.records`, for a bucket the grid shows: only its shown series, within range. */
  records: shareProcedure
    .input(bucketInput.extend(readQueryInput.shape))
    .query(async ({ ctx, input }) => {
      const { token: _t, bucketId, ...params } = input;
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
    }),

  /**
   * The dashboard's live events, as `dashboards.live`, but only of the buckets the saved
   * widgets show. Counted in the share-link caps of the live hub; revoking the link or
   * replacing its token ends it at once.
   */
  live: shareProcedure.input(liveInput).subscription(({ ctx, input, signal }) => {
    const view = ctx.live.open({
      dashboardId: ctx.link.dashboardId,
      owner: {
        shareLink: { id: ctx.link.id, tokenHash: ctx.link.tokenHash },
        address: ctx.clientAddress,
      },
      lastEventId: input.lastEventId,
      signal: signal ?? new AbortController().signal,
    });
    return trackedEvents(shownOnly(view, ctx.store, ctx.link, ctx.layout));
  }),
});

/**
 * The view's events, less those of buckets the saved widgets do not show (whose write times
 * are none of the viewer's business); a saved layout changes what is shown.
 */
async function* shownOnly(
  view: LiveView,
  store: Store,
  link: ShareLink,
  layout: DashboardLayout,
): AsyncGenerator<LiveMessage> {
  let shown = shownByWidgets(layout.widgets);
  for await (const message of view) {
    const { event } = message;
    if (event.type === 'layout') {
      shown = shownByWidgets((await getLayout(store, link.dashboardId)).widgets);
    }
    if (event.type === 'records' && !shown.has(event.bucketId)) continue;
    // Alert states are for members (docs/alerts.md): a share page shows none.
    if (event.type === 'alerts') continue;
    yield message;
  }
}
