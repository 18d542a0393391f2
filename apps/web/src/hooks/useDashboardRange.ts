import type { RelativeRange } from '@bucketgrid/shared';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { type DashboardRange, parseRange, rangeSearch } from '../lib/time-range.ts';

/**
 * The dashboard's time range, kept in the URL (`?range=7d`, `?from=…&to=…`) so a link shows
 * the same view; without one, the layout's default. Changing it adds a history entry, so
 * Back undoes a zoom.
 */
export function useDashboardRange(defaultRange: RelativeRange) {
  const [params, setParams] = useSearchParams();
  const range = useMemo(() => parseRange(params, defaultRange), [params, defaultRange]);
  const setRange = useCallback(
    (next: DashboardRange) => setParams((current) => rangeSearch(next, current, defaultRange)),
    [setParams, defaultRange],
  );
  const reset = useCallback(
    () => setRange({ kind: 'relative', name: defaultRange }),
    [setRange, defaultRange],
  );
  return { range, setRange, reset };
}
