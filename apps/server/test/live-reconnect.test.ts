import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { AppRouter, LiveEvent } from '@bucketgrid/trpc';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';
import { ownerWithBuckets } from './live-fixture.ts';

// Bounded work (no test waits on the clock), slow only on a busy machine.
vi.setConfig({ testTimeout: 120_000 });

let server: TestServer;

beforeAll(async () => {
  // Every event is sent (no coalescing, no budget) and kept for resuming.
  server = await startTestServer({
    liveLimits: {
      queue: 16,
      coalesceMs: 0,
      eventsPerSecond: 1e9,
      deliveriesPerSecond: 1e9,
      replay: 100_000,
    },
  });
});
afterAll(() => server.stopAll());

/**
 * tRPC's own client over EventSource (the `eventsource` package, as in a browser), with the
 * browser's cookies, and a switch that stops it reading its stream (as a stalled network).
 */
function realClient(jar: Map<string, string>) {
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  let stalled: { promise: Promise<void>; resolve: () => void } | undefined;
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${server.url}/trpc`,
          EventSource,
          eventSourceOptions: {
            fetch: async (url, init) => {
              const response = await fetch(url, {
                ...init,
                headers: { ...init.headers, cookie },
              });
              const reader = response.body!.getReader();
              const body = new ReadableStream<Uint8Array>({
                async pull(controller) {
                  await stalled?.promise;
                  const chunk = await reader.read();
                  if (chunk.done) controller.close();
                  else controller.enqueue(chunk.value);
                },
                cancel: (reason) => reader.cancel(reason),
              });
              return new Response(body, { status: response.status, headers: response.headers });
            },
          },
        }),
        false: httpLink({ url: `${server.url}/trpc`, headers: { cookie, origin: server.url } }),
      }),
    ],
  });
  return {
    client,
    stall() {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => {
        resolve = done;
      });
      stalled = { promise, resolve };
    },
    unstall() {
      stalled?.resolve();
      stalled = undefined;
    },
  };
}

it("tRPC's client, dropped for falling behind, reconnects by itself and misses nothing", async () => {
  const owner = await ownerWithBuckets(server);
  const dashboardId = owner.dashboard.id;
  const browser = realClient(owner.jar);
  const received: { id: string; data: LiveEvent }[] = [];
  const errorsSeen: (string | undefined)[] = [];
  let failed: unknown;
  const subscription = browser.client.dashboards.live.subscribe(
    { dashboardId },
    {
      onData: (event) => received.push(event),
      onError: (error) => {
        failed = error;
      },
      onConnectionStateChange: (state) => {
        if (state.error) errorsSeen.push(state.error.data?.appCode);
      },
    },
  );
  while (server.live.stats().views === 0) await sleep(5);

  let published = 0;
  const publish = (bucketId: string) =>
    server.live.publish(dashboardId, { type: 'records', bucketId, at: ++published });

  publish(owner.buckets[0]!.id);
  while (received.length === 0) await sleep(5);
  expect(received[0]).toMatchObject({
    id: expect.any(String),
    data: { type: 'records', bucketId: owner.buckets[0]!.id, at: 1 },
  });

  // The network stalls; events (10 kB each, to fill the socket buffers sooner) pile up
  // until the server ends the view at its queue bound.
  browser.stall();
  const bigId = 'b'.repeat(10_000);
  while (server.live.stats().views === 1 && published < 100_000) {
    for (let i = 0; i < 8; i++) publish(bigId);
    await nextTurn();
  }
  expect(server.live.stats().views).toBe(0);
  // Written while it was away.
  publish(owner.buckets[0]!.id);
  const total = published;

  // The network recovers: the client reads what was sent, learns why it was closed, and
  // reconnects with the id of the last event it had.
  browser.unstall();
  while (received.length < total && failed === undefined) await sleep(10);
  expect(failed).toBeUndefined();
  expect(errorsSeen).toContain('live_view_fell_behind');
  expect(received.map((event) => event.data.at)).toEqual(
    Array.from({ length: total }, (_, i) => i + 1),
  );
  expect(new Set(received.map((event) => event.id)).size).toBe(total);
  subscription.unsubscribe();
  while (server.live.stats().views > 0) await sleep(5);
}, 60_000);
