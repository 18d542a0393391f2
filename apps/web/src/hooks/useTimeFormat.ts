import { useMemo, useSyncExternalStore } from 'react';
import { createTimeFormat, type TimeFormat, type TimeZoneChoice } from '../lib/time-format.ts';

const STORAGE_KEY = 'bucketgrid.timeZone';
const listeners = new Set<() => void>();

function read(): TimeZoneChoice {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'utc' ? 'utc' : 'local';
  } catch {
    return 'local';
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab's choice applies here too.
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

/** Local time or UTC, as the viewer chose (kept in localStorage, the same in every tab). */
export function setTimeZoneChoice(zone: TimeZoneChoice): void {
  try {
    localStorage.setItem(STORAGE_KEY, zone);
  } catch {
    // Storage refused (private mode): the choice lasts until the page is left.
  }
  for (const notify of listeners) notify();
}

export function useTimeZoneChoice(): TimeZoneChoice {
  return useSyncExternalStore(subscribe, read);
}

/** The app's one time format, in the zone the viewer chose. */
export function useTimeFormat(): TimeFormat {
  const zone = useTimeZoneChoice();
  return useMemo(() => createTimeFormat(zone), [zone]);
}
