import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { openLive } from './live-client.ts';
import { endedWith, events, memberOf, ownerWithBuckets, recordEvents } from './live-fixture.ts';
import { signUp } from './trpc-client.ts';

// Bounded work (no test waits on the clock), slow only on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

let server: TestServer;
const logLines: ({ level: string; message: string } & Record<string, unknown>)[] = [];

beforeAll(async () => {
  // Real time: events carry the time of the change they announce.
  server = await startTestServer({
    now: Date.now,
    logger: (level, message, fields) => logLines.push({ level, message, ...fields }),
    // A silent stream's ping comes in a fraction of a second (15 s by default).
    livePingMs: 200,
  });
});
afterAll(() => server.stopAll());

describe('dashboards.live', () => {
  it('pings a silent stream after each silence, and still sends its events', async () => {
    const owner = await ownerWithBuckets(server);
    const live = owner.watch();
    await live.started;
    // More than one: the ping timer is armed again after it fires, not only by events.
    await live.until((stream) => stream.pings >= 2);
    const before = live.data.length;
    await owner.write(owner.buckets[0]!.id);
    await live.until((stream) => stream.data.length > before);
    const pings = live.pings;
    await live.until((stream) => stream.pings > pings);
    live.close();
  });

  it('carries record writes, deletes and purges of every bucket and bucket changes, each with an id', async () => {
    const owner = await ownerWithBuckets(server, ['Temperatures', 'Pressures']);
    const a = owner.buckets[0]!;
    const b = owner.buckets[1]!;
    const live = owner.watch();
    await live.started;
    const step = async (action: () => Promise<unknown>, expected: object) => {
      const before = live.data.length;
      await action();
      await live.until((stream) => stream.data.length > before);
      expect(events(live).at(-1)).toMatchObject(expected);
    };
    const dashboardId = owner.dashboard.id;

    await step(() => owner.write(a.id), { type: 'records', bucketId: a.id });
    await step(() => owner.write(b.id), { type: 'records', bucketId: b.id });
    await step(
      () =>
        call(`${server.url}/api/buckets/${a.id}`, {
          method: 'DELETE',
          key: owner.key,
          body: { keys: [1] },
        }),
      { type: 'records', bucketId: a.id },
    );
    await step(
      () => call(`${server.url}/api/buckets/${b.id}/purge`, { method: 'POST', key: owner.key }),
      { type: 'records', bucketId: b.id },
    );
    await step(() => owner.client.buckets.purge.mutate({ dashboardId, bucketId: a.id }), {
      type: 'records',
      bucketId: a.id,
    });
    await step(
      () => owner.client.buckets.deleteRecords.mutate({ dashboardId, bucketId: b.id, keys: [1] }),
      { type: 'records', bucketId: b.id },
    );
    await step(
      () =>
        owner.client.buckets.setSeries.mutate({
          dashboardId,
          bucketId: a.id,
          series: [{ sk: 1, name: 'Temperature', unit: '°C' }],
        }),
      { type: 'buckets' },
    );
    await step(
      () =>
        owner.client.dashboards.saveLayout.mutate({
          dashboardId,
          version: 0,
          widgets: [],
          defaultRange: '24h',
        }),
      { type: 'layout', version: 1 },
    );
    await step(
      () => owner.client.buckets.create.mutate({ dashboardId, name: 'Flows', type: 'IV' }),
      { type: 'buckets' },
    );
    await step(
      () => owner.client.buckets.rename.mutate({ dashboardId, bucketId: b.id, name: 'P' }),
      { type: 'buckets' },
    );
    await step(() => owner.client.buckets.delete.mutate({ dashboardId, bucketId: b.id }), {
      type: 'buckets',
    });
    await step(() => owner.client.dashboards.update.mutate({ dashboardId, retention: 1000 }), {
      type: 'buckets',
    });

    expect(live.data.every((event) => typeof event.id === 'string')).toBe(true);
    expect(new Set(live.data.map((event) => event.id)).size).toBe(live.data.length);
    for (const event of events(live)) expect(event.at).toBeTypeOf('number');
    live.close();
  });

  it('announces the records a lowered retention trims in the background', async () => {
    const owner = await ownerWithBuckets(server, ['Big']);
    const bucket = owner.buckets[0]!;
    const dashboardId = owner.dashboard.id;
    const records = Array.from({ length: 1_500 }, (_, i) => ({ k: i + 1, d: [{ sk: 1, v: i }] }));
    const url = `${server.url}/api/buckets/${bucket.id}`;
    expect((await call(url, { method: 'POST', key: owner.key, body: records })).status).toBe(200);
    const live = owner.watch();
    await live.started;
    await owner.client.dashboards.update.mutate({ dashboardId, retention: 1000 });
    // Upkeep trims after the change; the view hears of it and finds the bucket at its retention.
    await live.until((stream) =>
      events(stream).some((event) => event.type === 'records' && event.bucketId === bucket.id),
    );
    const [trimmed] = await owner.client.buckets.list.query({ dashboardId });
    expect(trimmed?.recordCount).toBe(1000);
    live.close();
  });

  it('is open to every member, and NOT_FOUND to anyone else, as for an id that never existed', async () => {
    const owner = await ownerWithBuckets(server);
    const member = await memberOf(server, owner);
    const stranger = await signUp(server.url, 'Stranger');

    const memberView = owner.watch(member.jar);
    await memberView.started;
    await owner.write(owner.buckets[0]!.id);
    await memberView.until((stream) => stream.data.length === 1);

    const foreign = owner.watch(stranger.jar);
    const unknown = openLive(
      server.url,
      'dashboards.live',
      { dashboardId: 'AAAAAAAAAAAAAAAAAAAAAA' },
      { jar: stranger.jar },
    );
    const signedOut = owner.watch(new Map());
    await Promise.all([foreign.ended, unknown.ended, signedOut.ended]);
    expect(endedWith(foreign)).toBe('NOT_FOUND:not_found');
    expect(foreign.error).toEqual(unknown.error);
    expect(endedWith(signedOut)).toBe('UNAUTHORIZED:unauthenticated');
    memberView.close();
  });

  it("never shows a write to one dashboard's bucket on another dashboard's stream", async () => {
    const alice = await ownerWithBuckets(server, ['A1', 'A2']);
    const bob = await ownerWithBuckets(server, ['B1']);
    const aliceView = alice.watch();
    const bobView = bob.watch();
    await Promise.all([aliceView.started, bobView.started]);

    for (let i = 0; i < 20; i++) await alice.write(alice.buckets[i % 2]!.id);
    // Bob's own write is the barrier: once it arrived, anything of Alice's would have too.
    await bob.write(bob.buckets[0]!.id);
    await bobView.until((stream) => recordEvents(stream, bob.buckets[0]!.id) >= 1);
    await aliceView.until(
      (stream) =>
        recordEvents(stream, alice.buckets[0]!.id) >= 1 &&
        recordEvents(stream, alice.buckets[1]!.id) >= 1,
    );

    expect(events(bobView)).toEqual([
      { type: 'records', bucketId: bob.buckets[0]!.id, at: expect.any(Number) },
    ]);
    expect(events(aliceView).every((event) => event.type === 'records')).toBe(true);
    expect(recordEvents(aliceView, bob.buckets[0]!.id)).toBe(0);

    // Naming Alice's bucket under Bob's dashboard (or Alice's dashboard) reveals nothing.
    const viaOwn = openLive(
      server.url,
      'buckets.live',
      { dashboardId: bob.dashboard.id, bucketId: alice.buckets[0]!.id },
      { jar: bob.jar },
    );
    const viaTheirs = openLive(
      server.url,
      'buckets.live',
      { dashboardId: alice.dashboard.id, bucketId: alice.buckets[0]!.id },
      { jar: bob.jar },
    );
    await Promise.all([viaOwn.ended, viaTheirs.ended]);
    expect(endedWith(viaOwn)).toBe('NOT_FOUND:not_found');
    expect(endedWith(viaTheirs)).toBe('NOT_FOUND:not_found');
    aliceView.close();
    bobView.close();
  });

  it('coalesces a busy bucket into a few events a second, and always announces the last write', async () => {
    const owner = await ownerWithBuckets(server);
    const bucketId = owner.buckets[0]!.id;
    const live = owner.watch();
    await live.started;

    const start = performance.now();
    const writes = [];
    for (let i = 0; i < 100; i++) writes.push(owner.write(bucketId));
    const answers = await Promise.all(writes);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    // One more write, inside the cooling interval: it is announced all the same, late.
    const lastSent = Date.now();
    expect((await owner.write(bucketId)).status).toBe(200);
    await live.until((stream) => events(stream).some((event) => event.at >= lastSent));
    const elapsed = performance.now() - start;

    // Leading event at once, then at most one per 100 ms.
    expect(live.data.length).toBeGreaterThanOrEqual(1);
    expect(live.data.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 1);
    expect(live.data.length).toBeLessThan(100);
    live.close();
  }, 60_000);
});

describe('buckets.live', () => {
  it("carries only its own bucket's record events", async () => {
    const owner = await ownerWithBuckets(server, ['Mine', 'Other']);
    const mine = owner.buckets[0]!;
    const other = owner.buckets[1]!;
    const live = openLive(
      server.url,
      'buckets.live',
      { dashboardId: owner.dashboard.id, bucketId: mine.id },
      { jar: owner.jar },
    );
    await live.started;
    await owner.write(other.id);
    await owner.client.buckets.rename.mutate({
      dashboardId: owner.dashboard.id,
      bucketId: other.id,
      name: 'Renamed',
    });
    await owner.write(mine.id);
    await live.until((stream) => stream.data.length >= 1);
    expect(events(live)).toEqual([{ type: 'records', bucketId: mine.id, at: expect.any(Number) }]);
    live.close();
  });

  it('answers NOT_FOUND for unknown and foreign buckets, logged as info without a stack', async () => {
    const owner = await ownerWithBuckets(server);
    const other = await ownerWithBuckets(server);
    const linesBefore = logLines.length;
    const viewsBefore = server.live.stats().views;
    const streams = [];
    for (let i = 0; i < 50; i++) {
      const bucketId = i % 2 === 0 ? 'AAAAAAAAAAAAAAAAAAAAAA' : other.buckets[0]!.id;
      streams.push(
        openLive(
          server.url,
          'buckets.live',
          { dashboardId: owner.dashboard.id, bucketId },
          { jar: owner.jar },
        ),
      );
    }
    await Promise.all(streams.map((stream) => stream.ended));
    expect(new Set(streams.map(endedWith))).toEqual(new Set(['NOT_FOUND:not_found']));
    expect(streams[0]!.error).toEqual(streams[1]!.error);
    // An expected refusal: each stream is one info line (its request), never an error.
    // The line is written when the connection closes, which may follow the client's end.
    await expect
      .poll(() => logLines.slice(linesBefore).filter((line) => line.route === '/trpc').length)
      .toBe(50);
    const logged = logLines.slice(linesBefore);
    expect(logged.map((line) => line.level)).not.toContain('error');
    expect(logged.map((line) => line.level)).not.toContain('warn');
    expect(JSON.stringify(logged)).not.toMatch(/\\n\s+at /);
    expect(server.live.stats().views).toBe(viewsBefore);
  });
});

describe('resuming', () => {
  it('a reconnect with its last event id gets what it missed, and nothing twice', async () => {
    const owner = await ownerWithBuckets(server, ['A', 'B']);
    const a = owner.buckets[0]!;
    const b = owner.buckets[1]!;
    const first = owner.watch();
    await first.started;
    await owner.write(a.id);
    await first.until((stream) => stream.data.length === 1);
    const lastEventId = first.data[0]!.id;
    first.close();
    await first.ended;

    // While it is away: another bucket's write, and a change to the bucket list.
    await owner.write(b.id);
    await owner.client.buckets.rename.mutate({
      dashboardId: owner.dashboard.id,
      bucketId: a.id,
      name: 'A2',
    });
    const second = owner.watch(owner.jar, { lastEventId });
    // The two changes may come in one event (made within the dashboard's interval).
    await second.until((stream) => events(stream).length >= 2);
    expect(events(second)).toEqual([
      { type: 'records', bucketId: b.id, at: expect.any(Number) },
      { type: 'buckets', at: expect.any(Number) },
    ]);
    // Live events follow the replay.
    await owner.write(a.id);
    await second.until((stream) => events(stream).length === 3);
    expect(events(second)[2]).toMatchObject({ type: 'records', bucketId: a.id });
    second.close();
  });

  it('a reconnect from a position the server cannot place is told what may have changed', async () => {
    const owner = await ownerWithBuckets(server, ['A', 'B']);
    // An id from an earlier server process.
    const live = owner.watch(owner.jar, { lastEventId: 'earlier:42' });
    await live.until((stream) => stream.data.length >= 4);
    expect(events(live)).toEqual([
      { type: 'buckets', at: expect.any(Number) },
      { type: 'records', bucketId: owner.buckets[0]!.id, at: expect.any(Number) },
      { type: 'records', bucketId: owner.buckets[1]!.id, at: expect.any(Number) },
      { type: 'layout', version: 0, at: expect.any(Number) },
    ]);
    live.close();
  });
});
