import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DashboardEvent, LiveChange } from '../src/live-events.ts';
import { SharedLiveEvents, type SharedLiveEventsOptions } from '../src/shared-live-events.ts';
import { FakeEventLog } from './fake-event-log.ts';

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  });
});
afterEach(() => {
  vi.useRealTimers();
});

const processes: SharedLiveEvents[] = [];
afterEach(async () => {
  const closing = processes.splice(0).map((events) => events.close());
  await vi.runOnlyPendingTimersAsync();
  await Promise.all(closing);
});

/** Server process `name`'s live events on `log`, with a subscription to dashboard `d`. */
function serverProcess(
  name: string,
  log: FakeEventLog,
  options: Partial<SharedLiveEventsOptions> = {},
) {
  const logs: string[] = [];
  const events = new SharedLiveEvents({
    log: log.as(name),
    logger: (level, message) => logs.push(`${level}: ${message}`),
    retryMs: { first: 100, max: 1_000 },
    ...options,
  });
  processes.push(events);
  const received: DashboardEvent[] = [];
  const seen = { missed: 0 };
  const subscription = new AbortController();
  events.subscribe(
    'd',
    { event: (event) => received.push(event), missed: () => seen.missed++ },
    subscription.signal,
  );
  const watches = () => log.watchesOf(name);
  /** The watch the process has open now. */
  const watch = () => watches().at(-1)!;
  return { events, received, seen, logs, subscription, watches, watch };
}

const records = (bucketId: string, at: number): LiveChange => ({ type: 'records', bucketId, at });

/** Lets timers up to `ms` from now fire, with the promises they settle. */
const pass = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe('SharedLiveEvents', () => {
  it('delivers an event to its own process at once and to the others through the log, once each', async () => {
    const log = new FakeEventLog();
    const a = serverProcess('a', log);
    const b = serverProcess('b', log);
    await pass(0);
    a.events.publish('d', records('x', 1));
    a.events.publish('elsewhere', records('y', 2));
    expect(a.received).toEqual([records('x', 1)]);
    expect(b.received).toEqual([]);
    await pass(0);
    expect(log.batches).toHaveLength(1);
    expect(b.received).toEqual([records('x', 1)]);
    // A's own batch came back to it through the log, and was skipped.
    expect(a.received).toEqual([records('x', 1)]);
  });

  it('appends at most one event per bucket per interval, always ending with the latest', async () => {
    const log = new FakeEventLog();
    const a = serverProcess('a', log);
    const b = serverProcess('b', log);
    await pass(0);
    // A bucket written every millisecond for a second, another one once.
    for (let ms = 1; ms <= 1_000; ms++) {
      a.events.publish('d', records('busy', ms));
      if (ms === 500) a.events.publish('d', records('quiet', ms));
      await pass(1);
    }
    await pass(200);
    expect(a.received).toHaveLength(1_001);
    expect(log.appendCalls).toBeGreaterThanOrEqual(10);
    expect(log.appendCalls).toBeLessThanOrEqual(11);
    const busy = b.received.filter(
      (event) => event.type === 'records' && event.bucketId === 'busy',
    );
    expect(busy.length).toBe(log.appendCalls);
    expect(busy.at(-1)).toEqual(records('busy', 1_000));
    expect(
      b.received.filter((event) => event.type === 'records' && event.bucketId === 'quiet'),
    ).toEqual([records('quiet', 500)]);
  });

  it('resumes after a break from where it stood: nothing lost, nothing twice, no refresh', async () => {
    const log = new FakeEventLog();
    const a = serverProcess('a', log);
    const b = serverProcess('b', log);
    await pass(0);
    a.events.publish('d', records('x', 1));
    await pass(1_500); // B has been told it is idle at the log's end meanwhile, too
    expect(b.received).toEqual([records('x', 1)]);
    // B's stream fails (a network error the driver could not resume from); A goes on.
    b.watch().fail(new Error('connection reset'));
    a.events.publish('d', records('x', 2));
    a.events.publish('d', { type: 'buckets', at: 3 });
    await pass(0);
    expect(b.received).toHaveLength(1);
    await pass(100); // B's first retry
    expect(b.watches().map((watch) => watch.after)).toEqual([undefined, 1]);
    expect(b.received).toEqual([records('x', 1), records('x', 2), { type: 'buckets', at: 3 }]);
    expect(b.seen.missed).toBe(0);
    expect(b.logs).toContain('warn: live events: watching the event log failed; watching again');
  });

  it('starts afresh and asks for a refresh, once the new watch is open, when the log lost its position', async () => {
    const log = new FakeEventLog();
    const a = serverProcess('a', log);
    const b = serverProcess('b', log);
    await pass(0);
    a.events.publish('d', records('x', 1));
    await pass(0);
    b.watch().fail(new Error('connection reset'));
    a.events.publish('d', records('x', 2));
    await pass(0);
    // Meanwhile the log moves on past B's position (x 2 goes out with B's first retry).
    log.oldestHeld = 2;
    await pass(100);
    expect(b.watches().map((watch) => [watch.after, watch.opened])).toEqual([
      [undefined, true],
      [1, false],
    ]);
    expect(b.seen.missed).toBe(0);
    await pass(200); // the next retry
    expect(b.watch()).toMatchObject({ after: undefined, opened: true });
    expect(b.seen.missed).toBe(1);
    // The event it lost is not replayed (the refresh covers it); later ones arrive.
    a.events.publish('d', records('x', 3));
    await pass(100);
    expect(b.received).toEqual([records('x', 1), records('x', 3)]);
    expect(b.seen.missed).toBe(1);
  });

  it('starts afresh when the break outlasted the catch-up bound, even if the log still holds its position', async () => {
    const log = new FakeEventLog();
    const a = serverProcess('a', log);
    const b = serverProcess('b', log, { catchUpMs: 30_000 });
    await pass(0);
    a.events.publish('d', records('x', 1));
    await pass(0);
    log.watchError = new Error('no primary');
    b.watch().fail(new Error('connection reset'));
    await pass(20_000);
    expect(b.watches().length).toBeGreaterThan(10);
    expect(
      b
        .watches()
        .slice(1)
        .every((watch) => watch.after === 1),
    ).toBe(true);
    await pass(15_000);
    expect(b.logs).toContain(
      'warn: live events: the break was too long to catch up; starting afresh',
    );
    expect(b.seen.missed).toBe(0);
    log.watchError = undefined;
    await pass(1_000);
    expect(b.watch()).toMatchObject({ after: undefined, opened: true });
    expect(b.seen.missed).toBe(1);
  });

  it('restarts a watch that stops answering, from where it stood', async () => {
    const log = new FakeEventLog();
    const b = serverProcess('b', log, { stallMs: 10_000 });
    await pass(1_500);
    // The next stream neither delivers nor reports idleness (a connection that died silently).
    log.hang = true;
    b.watch().fail(new Error('connection reset'));
    await pass(100);
    const hung = b.watch();
    expect(hung).toMatchObject({ after: 0, opened: false });
    log.hang = false;
    await pass(9_000);
    expect(hung.ended).toBe(false);
    await pass(4_000);
    expect(hung.ended).toBe(true);
    expect(b.logs.filter((line) => line.includes('watching the event log failed'))).toHaveLength(2);
    expect(b.watch()).toMatchObject({ after: 0, opened: true });
    expect(b.seen.missed).toBe(0);
  });

  it('keeps events while the log refuses appends and sends the latest once it is back', async () => {
    const log = new FakeEventLog();
    const a = serverProcess('a', log);
    const b = serverProcess('b', log);
    await pass(0);
    log.appendError = new Error('no primary');
    a.events.publish('d', records('x', 1));
    await pass(0);
    a.events.publish('d', records('x', 2));
    a.events.publish('d', records('y', 3));
    await pass(1_000);
    expect(log.batches).toEqual([]);
    expect(a.logs).toContain('warn: live events: cannot append to the event log; retrying');
    log.appendError = undefined;
    await pass(100);
    expect(b.received).toEqual([records('x', 2), records('y', 3)]);
    expect(a.logs).toContain('info: live events: appending to the event log again');
  });

  it('skips events it does not know (another version sharing the log) and keeps only known fields', async () => {
    const log = new FakeEventLog();
    const b = serverProcess('b', log);
    await pass(0);
    await log.append({
      origin: 'other',
      events: [
        { dashboardId: 'd', event: { type: 'widgets', at: 1 } },
        { dashboardId: 'd', event: { type: 'records', at: 2 } },
        { dashboardId: 7, event: { type: 'buckets', at: 3 } },
        { dashboardId: 'd', event: { type: 'layout', version: 4, at: 5, extra: 'x' } },
      ],
    });
    expect(b.received).toEqual([{ type: 'layout', version: 4, at: 5 }]);
  });

  it('appends what is pending when it closes, then stops watching', async () => {
    const log = new FakeEventLog();
    const a = serverProcess('a', log);
    await pass(0);
    a.events.publish('d', records('x', 1));
    await a.events.close();
    expect(log.batches.map((batch) => batch.events)).toEqual([
      [{ dashboardId: 'd', event: records('x', 1) }],
    ]);
    expect(log.watches.every((watch) => watch.ended)).toBe(true);
  });
});
