import { type Store, wrapMethods } from '@bucketgrid/store';
import type { DashboardEvent, LiveEvents } from './live-events.ts';

// biome-ignore lint/suspicious/noExplicitAny: the arguments of any store method, as called
type Args = any[];

/**
 * For each store change that open views show, the dashboard and the event its views get, from
 * the call's arguments and result (or `undefined`: nothing to tell). Changes that end members'
 * views (a dashboard, a membership, a session) are the hub's business, not events; a share
 * link revoked or replaced is an event (`shareLinkEnded`), so that on MongoDB the views every
 * process holds with it end within a second, not at their next re-check.
 */
type Publication = (
  args: Args,
  result: unknown,
  at: number,
) => { dashboardId: string; event: DashboardEvent }[];

const recordsOf: Publication = ([bucket], _result, at) => [
  { dashboardId: bucket.dashboardId, event: { type: 'records', bucketId: bucket.id, at } },
];
const bucketsOf =
  (dashboardIdOf: (args: Args, result: unknown) => string | undefined): Publication =>
  (args, result, at) => {
    const dashboardId = dashboardIdOf(args, result);
    return dashboardId ? [{ dashboardId, event: { type: 'buckets', at } }] : [];
  };

const shareLinkEnded: Publication = ([dashboardId, shareLinkId], result, at) =>
  result ? [{ dashboardId, event: { type: 'shareLinkEnded', shareLinkId, at } }] : [];

const PUBLICATIONS: Partial<Record<keyof Store, Publication>> = {
  upsertRecords: recordsOf,
  deleteRecords: recordsOf,
  purgeRecords: recordsOf,
  /** Upkeep trimmed records (retention, a lowered retention): the views refetch. */
  maintain: (_args, result, at) =>
    (result as Awaited<ReturnType<Store['maintain']>>).trimmed.map(({ bucketId, dashboardId }) => ({
      dashboardId,
      event: { type: 'records', bucketId, at },
    })),
  createBucket: bucketsOf((_args, bucket) => (bucket as { dashboardId: string }).dashboardId),
  setBucketSeries: bucketsOf(
    (_args, bucket) => (bucket as { dashboardId: string } | null)?.dashboardId,
  ),
  /** Buckets show their dashboard's retention (and are trimmed to it). */
  updateDashboard: bucketsOf(([id, patch], updated) =>
    updated && patch.retention !== undefined ? id : undefined,
  ),
  revokeShareLink: shareLinkEnded,
  regenerateShareLink: shareLinkEnded,
  saveLayout: ([dashboardId], result, at) => {
    const saved = result as Awaited<ReturnType<Store['saveLayout']>>;
    return saved.status === 'saved'
      ? [{ dashboardId, event: { type: 'layout', version: saved.layout.version, at } }]
      : [];
  },
};

/** Changes named by a bucket id alone: its dashboard is looked up first (they are rare). */
const BY_BUCKET_ID: ReadonlySet<string> = new Set<keyof Store>(['renameBucket', 'deleteBucket']);

/**
 * The store, telling `events` of every change its open live views show, once the change has
 * been made, whoever made it (a REST write, a tRPC mutation, upkeep, the admin CLI): the one
 * place live events are published (docs/live-updates.md lists them).
 */
export function publishChanges(store: Store, events: LiveEvents, now: () => number): Store {
  const publish = (publication: Publication, args: Args, result: unknown) => {
    for (const { dashboardId, event } of publication(args, result, now())) {
      events.publish(dashboardId, event);
    }
  };
  return wrapMethods(store, (name, method) => {
    const publication = PUBLICATIONS[name as keyof Store];
    if (publication) {
      return async (...args) => {
        const result = await method(...args);
        publish(publication, args, result);
        return result;
      };
    }
    if (BY_BUCKET_ID.has(name)) {
      return async (id: string, ...rest) => {
        const bucket = await store.getBucket(id);
        const result = await method(id, ...rest);
        if (bucket) events.publish(bucket.dashboardId, { type: 'buckets', at: now() });
        return result;
      };
    }
    return undefined;
  });
}
