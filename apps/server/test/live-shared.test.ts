import { SharedLiveEvents } from '@bucketgrid/live';
import { FakeEventLog } from '@bucketgrid/live/fake-event-log';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../src/log.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { startTestServer, type TestServer } from './helpers.ts';
import { openLive } from './live-client.ts';
import { endedWith, events, ownerWithBuckets } from './live-fixture.ts';

// Bounded work (no test waits on the clock), slow only on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

/*
 * Two server processes of one deployment, as on MongoDB: one store, and live events shared
 * through an event log. The log is the in-memory fake (the MongoDB change stream cannot run
 * here); everything else is the real server.
 */
const log = new FakeEventLog();
let a: TestServer;
let b: RunningServer;

const sharedEvents = (name: string) =>
  new SharedLiveEvents({
    log: log.as(name),
    logger: silentLogger,
    retryMs: { first: 10, max: 10 },
  });

beforeAll(async () => {
  a = await startTestServer({ now: Date.now, liveEvents: sharedEvents('a') });
  b = await startServer({
    store: a.store,
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
    now: Date.now,
    liveEvents: sharedEvents('b'),
  });
});
afterAll(async () => {
  await b.close();
  await a.stopAll();
});

describe('live updates across server processes', () => {
  it('a write served by one process reaches the views of another', async () => {
    const owner = await ownerWithBuckets(a);
    const bucket = owner.buckets[0]!;
    const live = openLive(
      b.url,
      'dashboards.live',
      { dashboardId: owner.dashboard.id },
      {
        jar: owner.jar,
      },
    );
    await live.started;
    expect((await owner.write(bucket.id)).status).toBe(200);
    await live.until((stream) => stream.data.length > 0);
    expect(events(live)).toMatchObject([{ type: 'records', bucketId: bucket.id }]);
    expect(log.batches.at(-1)!.events).toMatchObject([
      { dashboardId: owner.dashboard.id, event: { type: 'records', bucketId: bucket.id } },
    ]);
    live.close();
  });

  it('refreshes the views of a process whose watch could not resume', async () => {
    const owner = await ownerWithBuckets(a, ['Temperatures', 'Pressures']);
    const live = openLive(
      b.url,
      'dashboards.live',
      { dashboardId: owner.dashboard.id },
      {
        jar: owner.jar,
      },
    );
    await live.started;
    // B's stream breaks, and the log no longer holds where it stood.
    log.oldestHeld = Number.POSITIVE_INFINITY;
    log.watchesOf('b').at(-1)!.fail(new Error('connection reset'));
    // (The bucket list may also arrive as the event of the buckets' creation.)
    const refreshed = () =>
      events(live).some((event) => event.type === 'layout') &&
      owner.buckets.every((bucket) =>
        events(live).some((event) => event.type === 'records' && event.bucketId === bucket.id),
      );
    await live.until(refreshed);
    expect(events(live)).toContainEqual(expect.objectContaining({ type: 'buckets' }));
    expect(events(live)).toContainEqual(expect.objectContaining({ type: 'layout', version: 0 }));
    // And it follows the log again.
    const before = live.data.length;
    expect((await owner.write(owner.buckets[1]!.id)).status).toBe(200);
    await live.until((stream) =>
      events(stream)
        .slice(before)
        .some((event) => event.type === 'records' && event.bucketId === owner.buckets[1]!.id),
    );
    live.close();
  });

  it('a share link revoked or replaced in one process ends its views in the others', async () => {
    const owner = await ownerWithBuckets(a);
    const { dashboard } = owner;
    const link = async () => {
      const { url, link } = await owner.client.shareLinks.create.mutate({
        dashboardId: dashboard.id,
        name: 'wall',
      });
      return { id: link.id, token: url.split('/s/')[1]! };
    };
    const revoked = await link();
    const replaced = await link();
    const kept = await link();
    const [onRevoked, onReplaced, onKept] = [revoked, replaced, kept].map(({ token }) =>
      openLive(b.url, 'share.live', { token }),
    );
    await Promise.all([onRevoked!.started, onReplaced!.started, onKept!.started]);

    await owner.client.shareLinks.revoke.mutate({
      dashboardId: dashboard.id,
      shareLinkId: revoked.id,
    });
    await owner.client.shareLinks.regenerate.mutate({
      dashboardId: dashboard.id,
      shareLinkId: replaced.id,
    });
    // Ended by the event through the log, not by B's re-check (30 s, never reached here).
    await Promise.all([onRevoked!.ended, onReplaced!.ended]);
    expect(endedWith(onRevoked!)).toBe('NOT_FOUND:share_link_not_found');
    expect(endedWith(onReplaced!)).toBe('NOT_FOUND:share_link_not_found');
    expect(log.batches.flatMap((batch) => batch.events.map((entry) => entry.event))).toContainEqual(
      expect.objectContaining({ type: 'shareLinkEnded', shareLinkId: revoked.id }),
    );
    // The other link's view stays open (its link is untouched).
    expect(onKept!.isEnded).toBe(false);
    onKept!.close();
  });
});
