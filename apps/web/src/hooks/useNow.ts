import { useSyncExternalStore } from 'react';

const TICK_MS = 15_000;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    for (const notify of listeners) notify();
  }, TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

// Rounded so that every read within one tick returns the same value, as React requires.
const snapshot = () => Math.floor(Date.now() / TICK_MS) * TICK_MS;

/** The current time, refreshed every 15 s: one shared timer for every relative time shown. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot);
}
