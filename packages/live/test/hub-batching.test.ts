import { describe, expect, it, vi } from 'vitest';
import { LiveHub } from '../src/hub.ts';
import { changesOf, InProcessLiveEvents } from '../src/live-events.ts';
import type { LiveMessage, LiveView, ViewOwner } from '../src/view.ts';
import { storeUnderFakeClock } from './hub-clock.ts';

// Bounded work (no real time passes), slow only on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

/*
 * How the hub gathers a dashboard's changes for its members' views, on the hub itself with a
 * simulated clock: what is checked is which events reach which views.
 */

const store = storeUnderFakeClock('live-batching');

const INTERVAL_MS = 100;
const SHARE_INTERVAL_MS = 1_000;

function hub() {
  const live = new LiveHub({
    events: new InProcessLiveEvents(),
    store: store(),
    now: () => performance.now(),
    logger: () => {},
    limits: {
      coalesceMs: INTERVAL_MS,
      shareCoalesceMs: SHARE_INTERVAL_MS,
      queue: 1_000_000,
      recheckMs: 3_600_000,
    },
  });
  let sessions = 0;
  const member = (): ViewOwner => {
    sessions++;
    return { sessionId: `s${sessions}`, userId: `u${sessions}`, address: `a${sessions}` };
  };
  const sharer = (): ViewOwner => ({
    shareLink: { id: 'link', tokenHash: 'hash' },
    address: `share${++sessions}`,
  });
  const open = (owner: ViewOwner, bucketId?: string, lastEventId?: string) =>
    live.open({
      dashboardId: 'd',
      bucketId,
      owner,
      lastEventId,
      signal: new AbortController().signal,
    });
  const write = (bucket: number) =>
    live.publish('d', { type: 'records', bucketId: `b${bucket}`, at: performance.now() });
  return { live, open, member, sharer, write };
}

/** Everything a view holds undelivered (its queue is far larger than the test fills). */
function drain(view: LiveView): LiveMessage[] {
  return (view as unknown as { queue: LiveMessage[] }).queue.splice(0);
}

/** What a view sends first (a reconnect's missed events): all of it is ready at once. */
async function preface(view: LiveView): Promise<LiveMessage[]> {
  const sent: LiveMessage[] = [];
  const reading = (async () => {
    for await (const message of view) sent.push(message);
  })();
  await new Promise((resolve) => setImmediate(resolve));
  view.end();
  await reading;
  return sent;
}

describe("a dashboard's changes, gathered for its members' views", () => {
  it('sends at most one event per interval, telling of every bucket written, each current', () => {
    const { live, open, member, write } = hub();
    const view = open(member());
    const received: LiveMessage[] = [];
    // 300 buckets, each written every 10 ms for 10 simulated seconds: 300,000 changes.
    const SECONDS = 10;
    for (let ms = 0; ms < SECONDS * 1000; ms += 10) {
      for (let bucket = 0; bucket < 300; bucket++) write(bucket);
      vi.advanceTimersByTime(10);
      received.push(...drain(view));
    }
    const lastWrite = performance.now() - 10;
    expect(received.length).toBeLessThanOrEqual((SECONDS * 1000) / INTERVAL_MS + 1);
    expect(received.length).toBeGreaterThanOrEqual((SECONDS * 1000) / INTERVAL_MS - 1);
    // Each event after the first tells of all 300 buckets, once each.
    for (const { event } of received.slice(1)) {
      expect(event.type).toBe('changes');
      expect(
        new Set(changesOf(event).map((change) => change.type === 'records' && change.bucketId))
          .size,
      ).toBe(300);
    }
    // Within an interval of the writes stopping, the view knows every bucket's last change.
    vi.advanceTimersByTime(INTERVAL_MS);
    received.push(...drain(view));
    const latest = new Map<string, number>();
    for (const change of received.flatMap(({ event }) => changesOf(event))) {
      if (change.type === 'records') latest.set(change.bucketId, change.at);
    }
    expect(latest.size).toBe(300);
    expect([...latest.values()].every((at) => at === lastWrite)).toBe(true);
    live.close();
  });

  it('sends a change after a quiet interval at once, alone', () => {
    const { live, open, member, write } = hub();
    const view = open(member());
    vi.advanceTimersByTime(INTERVAL_MS);
    write(1);
    expect(drain(view).map(({ event }) => event)).toEqual([
      { type: 'records', bucketId: 'b1', at: performance.now() },
    ]);
    live.close();
  });

  it("gives a bucket's views and share-link views each change alone, never `changes`", () => {
    const { live, open, member, sharer, write } = hub();
    const dashboardView = open(member());
    const bucketView = open(member(), 'b7');
    const shareView = open(sharer());
    const got = {
      dashboard: [] as LiveMessage[],
      bucket: [] as LiveMessage[],
      share: [] as LiveMessage[],
    };
    for (let ms = 0; ms < 3_000; ms += 10) {
      for (let bucket = 0; bucket < 20; bucket++) write(bucket);
      vi.advanceTimersByTime(10);
      got.dashboard.push(...drain(dashboardView));
      got.bucket.push(...drain(bucketView));
      got.share.push(...drain(shareView));
    }
    vi.advanceTimersByTime(SHARE_INTERVAL_MS);
    got.share.push(...drain(shareView));
    expect(got.dashboard.some(({ event }) => event.type === 'changes')).toBe(true);
    // The bucket's view: one event per member event but the first (b0 alone), its bucket's
    // change alone.
    expect(got.bucket.length).toBe(got.dashboard.length - 1);
    expect(
      got.bucket.every(({ event }) => event.type === 'records' && event.bucketId === 'b7'),
    ).toBe(true);
    // The share-link view: single changes at its own pace (about one per bucket per second).
    expect(got.share.every(({ event }) => event.type === 'records')).toBe(true);
    expect(
      new Set(got.share.map(({ event }) => event.type === 'records' && event.bucketId)).size,
    ).toBe(20);
    expect(got.share.length).toBeLessThanOrEqual(20 * (4 + 1));
    live.close();
  });

  it('replays what a reconnect missed: as sent to a dashboard view, change by change to others', async () => {
    const { live, open, member, sharer, write } = hub();
    open(member());
    const first = open(member());
    write(0);
    const [seen] = drain(first);
    for (let bucket = 0; bucket < 5; bucket++) write(bucket);
    vi.advanceTimersByTime(INTERVAL_MS);

    const dashboardMissed = await preface(open(member(), undefined, seen!.id));
    expect(dashboardMissed).toHaveLength(1);
    expect(dashboardMissed[0]!.event.type).toBe('changes');
    expect(changesOf(dashboardMissed[0]!.event)).toHaveLength(5);

    const bucketMissed = await preface(open(member(), 'b3', seen!.id));
    expect(bucketMissed.map(({ event }) => event)).toEqual([
      expect.objectContaining({ type: 'records', bucketId: 'b3' }),
    ]);

    const shareMissed = await preface(open(sharer(), undefined, seen!.id));
    expect(shareMissed.map(({ event }) => event.type === 'records' && event.bucketId)).toEqual([
      'b0',
      'b1',
      'b2',
      'b3',
      'b4',
    ]);
    // Each replayed change carries the id of the event it came in, to resume from.
    expect(new Set(shareMissed.map(({ id }) => id))).toEqual(new Set([dashboardMissed[0]!.id]));
    live.close();
  });
});
