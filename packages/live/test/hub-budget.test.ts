import { AppError } from '@bucketgrid/shared';
import { describe, expect, it, vi } from 'vitest';
import { LiveHub } from '../src/hub.ts';
import { changesOf, InProcessLiveEvents, type LiveEvent } from '../src/live-events.ts';
import type { LiveView } from '../src/view.ts';
import { storeUnderFakeClock } from './hub-clock.ts';

// Bounded work (no real time passes), slow only on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

/*
 * The process's delivery budget and the per-dashboard cap, on the hub itself with a simulated
 * clock: what is checked is how many events reach the views, not how long anything took.
 */

const store = storeUnderFakeClock('live-budget');

const CEILING = 200;
const VIEWS = 5;

function hub(coalesceMs: number) {
  const events = new InProcessLiveEvents();
  const live = new LiveHub({
    events,
    store: store(),
    now: () => performance.now(),
    logger: () => {},
    limits: {
      deliveriesPerSecond: CEILING,
      perDashboard: VIEWS,
      eventsPerSecond: 1_000,
      coalesceMs,
      queue: 1_000_000,
    },
  });
  let sessions = 0;
  const open = (dashboardId: string) =>
    live.open({
      dashboardId,
      owner: { sessionId: `s${++sessions}`, userId: `u${sessions}`, address: `a${sessions}` },
      signal: new AbortController().signal,
    });
  return { live, open };
}

/** Everything a view holds undelivered (its queue is far larger than the test fills). */
function drain(view: LiveView): LiveEvent[] {
  const queue = (view as unknown as { queue: { event: LiveEvent }[] }).queue;
  return queue.splice(0).map((message) => message.event);
}

describe('live fan-out within a budget', () => {
  it('refuses a view past the per-dashboard cap, whoever opens it', () => {
    const { live, open } = hub(100);
    for (let i = 0; i < VIEWS; i++) open('d1');
    let refusal: unknown;
    try {
      open('d1');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('too_many_live_views');
    expect((refusal as AppError).message).toContain(`This dashboard has ${VIEWS} live views open`);
    expect(() => open('d2')).not.toThrow();
    live.close();
  });

  it('delivers a flood within the ceiling, coalescing so that every bucket ends up current', () => {
    // An event per view every 10 ms asks for 600 deliveries a second: three times the ceiling.
    const { live, open } = hub(10);
    const views = [...Array.from({ length: VIEWS }, () => open('d1')), open('d2')];
    const delivered = new Map<LiveView, LiveEvent[]>(views.map((view) => [view, []]));
    const collect = () => {
      for (const view of views) delivered.get(view)!.push(...drain(view));
    };
    // 300 buckets of each dashboard written every 50 ms for 10 simulated seconds: 120,000
    // changes published.
    const SECONDS = 10;
    let last = 0;
    for (let ms = 0; ms < SECONDS * 1000; ms += 50) {
      for (let bucket = 0; bucket < 300; bucket++) {
        last = performance.now();
        for (const dashboardId of ['d1', 'd2']) {
          live.publish(dashboardId, { type: 'records', bucketId: `b${bucket}`, at: last });
        }
      }
      vi.advanceTimersByTime(50);
      collect();
    }
    const total = () => [...delivered.values()].reduce((sum, events) => sum + events.length, 0);
    // At most a second's burst above the ceiling, and the budget is used, not wasted.
    expect(total()).toBeLessThanOrEqual(CEILING * (SECONDS + 1));
    expect(total()).toBeGreaterThanOrEqual(CEILING * SECONDS * 0.8);
    // The small dashboard is not starved by the large one.
    expect(delivered.get(views.at(-1)!)!.length).toBeGreaterThan(SECONDS * 5);

    // Once the writes stop, every bucket's latest event reaches every view: merged, not lost.
    vi.advanceTimersByTime(60_000);
    collect();
    for (const events of delivered.values()) {
      const latest = new Map<string, number>();
      for (const change of events.flatMap(changesOf)) {
        if (change.type === 'records') latest.set(change.bucketId, change.at);
      }
      expect(latest.size).toBe(300);
      expect([...latest.values()].every((at) => at === last)).toBe(true);
    }
    live.close();
  });
});
