import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_LIVE_LIMITS } from '@bucketgrid/live';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { type LiveStream, openLive } from './live-client.ts';
import { endedWith, memberOf, ownerWithBuckets } from './live-fixture.ts';
import { browserClient } from './trpc-client.ts';

// Bounded work (no test waits on the clock), slow only on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

/** Waits (bounded by the test's timeout) until `condition` holds. */
async function eventually(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

/** Opens `count` views, at most `concurrency` being opened at a time. */
async function openMany(count: number, concurrency: number, open: () => LiveStream) {
  const streams: LiveStream[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const stream = open();
        streams.push(stream);
        await stream.started;
      }
    }),
  );
  return streams;
}

describe('caps, at their real values', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stopAll());

  it("refuses one member's 1,000 live views past the caps while everyone else is served", async () => {
    const owner = await ownerWithBuckets(server);
    const attacker = await memberOf(server, owner, 'user');
    const bucketId = owner.buckets[0]!.id;
    const { perSession, perUser } = DEFAULT_LIVE_LIMITS;

    // A normal client writes and reads the whole time the attack runs.
    let attacking = true;
    const normal: number[] = [];
    const normalClient = (async () => {
      while (attacking) {
        normal.push((await owner.write(bucketId)).status);
        normal.push(
          (await call(`${server.url}/api/buckets/${bucketId}?limit=10`, { key: owner.key })).status,
        );
        await owner.client.buckets.list.query({ dashboardId: owner.dashboard.id });
        normal.push(200);
      }
    })();

    const views = await openMany(1_000, 50, () => owner.watch(attacker.jar));
    await eventually(() => views.filter((view) => view.isEnded).length === 1_000 - perSession);
    const open = views.filter((view) => !view.isEnded);
    const refused = views.filter((view) => view.isEnded);
    expect(open.length).toBe(perSession);
    expect(new Set(refused.map(endedWith))).toEqual(
      new Set(['TOO_MANY_REQUESTS:too_many_live_views']),
    );
    expect(refused[0]!.error).toMatchObject({
      message: expect.stringContaining('This session has 16 live views open'),
      data: { httpStatus: 429, retryAfterSeconds: 10 },
    });

    // More sessions of the same account reach the per-user cap, and no further.
    const sessions = [];
    for (let i = 0; i < 3; i++) {
      const browser = browserClient(server.url);
      await browser.client.auth.signIn.mutate({
        email: attacker.email,
        password: 'correct horse battery',
      });
      sessions.push(browser);
    }
    const more: LiveStream[] = [];
    for (const browser of sessions) {
      more.push(...(await openMany(perSession, 8, () => owner.watch(browser.jar))));
    }
    await eventually(
      () => more.filter((view) => view.isEnded).length === more.length - (perUser - perSession),
    );
    expect(server.live.stats().views).toBe(perUser);
    expect(more.filter((view) => view.isEnded)[0]!.error?.message).toContain(
      'Your account has 32 live views open',
    );

    // The open views are live, and the normal client was answered every time.
    await owner.write(bucketId);
    await Promise.all(open.map((view) => view.until((stream) => stream.data.length > 0)));
    attacking = false;
    await normalClient;
    expect(normal.length).toBeGreaterThan(0);
    expect(normal.every((status) => status === 200)).toBe(true);

    for (const view of [...views, ...more]) view.close();
    await eventually(() => server.live.stats().views === 0);
  }, 120_000);

  it('leaves every count at zero after 1,000 views opened and closed', async () => {
    const owner = await ownerWithBuckets(server);
    let started = 0;
    const cycles = Array.from({ length: 1_000 }, (_, i) => i);
    // Eight at a time (under the session cap): some leave before the stream starts, some
    // after, some while events are being sent to them.
    await Promise.all(
      Array.from({ length: 8 }, async (_, worker) => {
        for (let i = worker; i < cycles.length; i += 8) {
          const view = owner.watch();
          if (i % 3 === 0) {
            await nextTurn();
          } else {
            await view.started;
            started++;
            if (i % 3 === 2) await owner.write(owner.buckets[0]!.id);
          }
          view.close();
          await view.ended;
        }
      }),
    );
    expect(started).toBeGreaterThan(600);
    await eventually(() => server.live.stats().views === 0);
    expect(server.live.stats()).toMatchObject({
      views: 0,
      sessions: 0,
      users: 0,
      addresses: 0,
      longestQueue: 0,
    });
    // And the session can open its full share again.
    const views = await openMany(DEFAULT_LIVE_LIMITS.perSession, 4, () => owner.watch());
    expect(views.some((view) => view.isEnded)).toBe(false);
    for (const view of views) view.close();
    await eventually(() => server.live.stats().views === 0);
  }, 120_000);
});

describe('the address and process caps', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      trustProxy: 1,
      liveLimits: { perSession: 100, perUser: 100, perAddress: 3, perProcess: 5 },
    });
  });
  afterAll(() => server.stopAll());

  it('counts the views of every account behind one address', async () => {
    const owner = await ownerWithBuckets(server);
    const members = [await memberOf(server, owner), await memberOf(server, owner)];
    const from = (address: string, jar: Map<string, string>) =>
      openLive(
        server.url,
        'dashboards.live',
        { dashboardId: owner.dashboard.id },
        { jar, headers: { 'x-forwarded-for': address } },
      );
    const office = [
      from('203.0.113.7', owner.jar),
      from('203.0.113.7', members[0]!.jar),
      from('203.0.113.7', members[1]!.jar),
    ];
    await Promise.all(office.map((view) => view.started));
    const fourth = from('203.0.113.7', members[1]!.jar);
    await fourth.ended;
    expect(endedWith(fourth)).toBe('TOO_MANY_REQUESTS:too_many_live_views');
    expect(fourth.error?.message).toContain('Your network address has 3 live views open');

    const elsewhere = [from('198.51.100.1', members[1]!.jar), from('198.51.100.1', owner.jar)];
    await Promise.all(elsewhere.map((view) => view.started));
    expect(elsewhere.some((view) => view.isEnded)).toBe(false);

    // Five views are all this (test) process serves: a sixth, from anywhere, waits.
    const sixth = from('192.0.2.1', owner.jar);
    await sixth.ended;
    expect(endedWith(sixth)).toBe('SERVICE_UNAVAILABLE:service_unavailable');
    for (const view of [...office, ...elsewhere]) view.close();
  });
});

describe('a client that does not keep up', () => {
  let server: TestServer;
  const QUEUE = 16;
  beforeAll(async () => {
    // No coalescing and no budgets: every event published is sent, so the test can outrun a
    // client that has stopped reading.
    server = await startTestServer({
      liveLimits: { queue: QUEUE, coalesceMs: 0, eventsPerSecond: 1e9, deliveriesPerSecond: 1e9 },
    });
  });
  afterAll(() => server.stopAll());

  it('is ended once its queue is full, never buffered past it, while others keep up', async () => {
    const owner = await ownerWithBuckets(server);
    // Events of 10 kB fill the socket buffers between server and client (megabytes on
    // loopback) in a few hundred events rather than tens of thousands.
    const bucketId = 'b'.repeat(10_000);
    const slow = owner.watch();
    slow.pause();
    const healthy = owner.watch();
    await healthy.started;
    await eventually(() => server.live.stats().views === 2);

    // Events until the slow view's socket buffers and then its queue are full. A few per
    // turn of the event loop, so that a client that reads keeps up.
    let published = 0;
    let longestQueue = 0;
    while (server.live.stats().views === 2 && published < 100_000) {
      for (let i = 0; i < QUEUE / 2; i++) {
        server.live.publish(owner.dashboard.id, { type: 'records', bucketId, at: ++published });
      }
      longestQueue = Math.max(longestQueue, server.live.stats().longestQueue);
      await nextTurn();
    }
    expect(server.live.stats().views).toBe(1);
    expect(longestQueue).toBeLessThanOrEqual(QUEUE);

    // The healthy view got every event; the slow one, once it reads again, learns why it
    // was closed (a retryable error: tRPC's client reconnects by itself).
    await healthy.until((stream) => stream.data.length === published);
    expect(healthy.isEnded).toBe(false);
    slow.resume();
    await slow.ended;
    expect(endedWith(slow)).toBe('SERVICE_UNAVAILABLE:live_view_fell_behind');
    expect(slow.data.length).toBeLessThan(published);
    healthy.close();
  }, 120_000);
});
