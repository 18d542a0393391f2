import { openStore, type Store } from '@bucketgrid/store';
import { createTestDatabase, type TestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LiveHub } from '../src/hub.ts';
import {
  type LiveChange,
  type LiveEvents,
  type LiveSubscriber,
  LiveSubscribers,
} from '../src/live-events.ts';
import type { LiveMessage, LiveView } from '../src/view.ts';

// Bounded work on a real database; slow only on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

/** Events within the process, with a switch that says "events may have been lost". */
class LossyEvents implements LiveEvents {
  private readonly subscribers = new LiveSubscribers();
  publish(dashboardId: string, event: LiveChange): void {
    this.subscribers.deliver(dashboardId, event);
  }
  subscribe(dashboardId: string, subscriber: LiveSubscriber, signal: AbortSignal): void {
    this.subscribers.subscribe(dashboardId, subscriber, signal);
  }
  lose(): void {
    this.subscribers.missed();
  }
  async close(): Promise<void> {}
}

let database: TestDatabase;
let store: Store;
let dashboardId: string;
let bucketIds: string[];
const owner = { sessionId: 's', userId: '', address: '127.0.0.1' };

beforeAll(async () => {
  database = createTestDatabase('live-hub');
  store = await openStore(database.url);
  const user = await store.createUser({
    email: 'o@example.com',
    name: 'O',
    workspace: 'o',
    passwordHash: 'h',
  });
  owner.userId = user.id;
  const dashboard = await store.createDashboard({
    ownerId: user.id,
    workspace: 'o',
    slug: 'plant',
    name: 'Plant',
    retention: 1_000,
  });
  dashboardId = dashboard.id;
  for (const name of ['a', 'b']) await store.createBucket({ dashboardId, name, type: 'TSV' });
  // In the store's order (oldest first, ties by id: both may be made in one millisecond), which
  // is the order a refresh names them in.
  bucketIds = (await store.listBuckets(dashboardId)).map((bucket) => bucket.id);
});
afterAll(async () => {
  await store.close();
  await database.destroy();
});

function hubOn(events: LiveEvents, hubStore: Store = store) {
  return new LiveHub({
    events,
    store: hubStore,
    now: () => 42,
    logger: () => {},
    limits: { coalesceMs: 0, eventsPerSecond: 1e9, deliveriesPerSecond: 1e9 },
  });
}

/** The next `count` messages of a view, in order. */
async function take(iterator: AsyncIterator<LiveMessage>, count: number): Promise<LiveMessage[]> {
  const messages: LiveMessage[] = [];
  while (messages.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    messages.push(next.value);
  }
  return messages;
}

const open = (hub: LiveHub, extra: { bucketId?: string; lastEventId?: string } = {}) =>
  hub.open({ dashboardId, owner, signal: new AbortController().signal, ...extra });
const iterate = (view: LiveView) => view[Symbol.asyncIterator]();

describe('LiveHub when events may have been lost', () => {
  it('refreshes every view of the dashboard and no longer resumes from earlier ids', async () => {
    const events = new LossyEvents();
    const hub = hubOn(events);
    const dashboardView = iterate(open(hub));
    const bucketView = iterate(open(hub, { bucketId: bucketIds[0] }));

    hub.publish(dashboardId, { type: 'records', bucketId: bucketIds[1]!, at: 1 });
    const [before] = await take(dashboardView, 1);
    expect(before!.event).toEqual({ type: 'records', bucketId: bucketIds[1], at: 1 });

    events.lose();
    const refresh = await take(dashboardView, 4);
    expect(refresh.map((message) => message.event)).toEqual([
      { type: 'buckets', at: 42 },
      { type: 'records', bucketId: bucketIds[0], at: 42 },
      { type: 'records', bucketId: bucketIds[1], at: 42 },
      { type: 'layout', version: 0, at: 42 },
    ]);
    expect((await take(bucketView, 1)).map((message) => message.event)).toEqual([
      { type: 'records', bucketId: bucketIds[0], at: 42 },
    ]);
    const refreshId = refresh[0]!.id;
    expect(refresh.every((message) => message.id === refreshId)).toBe(true);

    // A client that reconnects from before the loss is refreshed, whatever the hub kept.
    const fromBefore = open(hub, { lastEventId: before!.id });
    expect(await take(iterate(fromBefore), 4)).toEqual(refresh);
    // One that got the refresh resumes from it: the events after it, nothing else.
    hub.publish(dashboardId, { type: 'buckets', at: 2 });
    const after = await take(dashboardView, 1);
    const fromRefresh = iterate(open(hub, { lastEventId: refreshId }));
    expect(await take(fromRefresh, 1)).toEqual(after.map(({ id, event }) => ({ id, event })));
    hub.close();
  });

  it('ends the views (they reconnect) when the refresh cannot be read', async () => {
    const events = new LossyEvents();
    const failing = new Proxy(store, {
      get(target, name, receiver) {
        if (name === 'listBuckets') return () => Promise.reject(new Error('no primary'));
        return Reflect.get(target, name, receiver);
      },
    });
    const hub = hubOn(events, failing);
    const view = iterate(open(hub));
    events.lose();
    await expect(view.next()).rejects.toMatchObject({ code: 'service_unavailable' });
    expect(hub.stats().views).toBe(0);
    hub.close();
  });
});
