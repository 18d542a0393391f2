import { MAX_ACTIVITY_PAGE } from '@bucketgrid/shared';
import { keepPreviousData } from '@tanstack/react-query';
import { useState } from 'react';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { type ActivityEntry, trpc } from '../../lib/trpc.ts';
import { ErrorState } from '../ErrorState.tsx';
import { FormError } from '../FormError.tsx';
import { SkeletonRows } from '../SkeletonRows.tsx';
import styles from './Activity.module.css';
import {
  ActivityFilters,
  type ActivityFilterValues,
  NO_FILTERS,
  toQuery,
} from './ActivityFilters.tsx';
import { ActivityTable } from './ActivityTable.tsx';
import { activityCsv, downloadText } from './activity-csv.ts';

const PAGE_SIZE = 50;
/** A download holds at most this many entries (50 requests of the largest page). */
const MAX_DOWNLOAD = 50 * MAX_ACTIVITY_PAGE;

/** The dashboard's activity log, for owners and admins: filters, pages, and a CSV download. */
export function ActivityTab() {
  const dashboard = useDashboard();
  useDocumentTitle('Activity', dashboard.name);
  const utils = trpc.useUtils();
  const [filters, setFilters] = useState<ActivityFilterValues>(NO_FILTERS);
  // The cursor of each page shown so far: going back is going to an earlier cursor.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors.at(-1) ?? null;
  const query = { dashboardId: dashboard.id, ...toQuery(filters) };
  // The page shown stays while the next filters or page load, instead of a flash of skeleton.
  const page = trpc.activity.list.useQuery(
    { ...query, limit: PAGE_SIZE, cursor },
    { placeholderData: keepPreviousData },
  );
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<unknown>(null);

  function changeFilters(next: ActivityFilterValues) {
    setFilters(next);
    setCursors([null]);
  }

  async function download() {
    setDownloading(true);
    setDownloadError(null);
    try {
      const entries: ActivityEntry[] = [];
      let next: string | null = null;
      do {
        const result = await utils.activity.list.fetch({
          ...query,
          limit: MAX_ACTIVITY_PAGE,
          cursor: next,
        });
        entries.push(...result.entries);
        next = result.nextCursor;
      } while (next !== null && entries.length < MAX_DOWNLOAD);
      downloadText(activityCsv(entries), `activity-${dashboard.slug}.csv`);
    } catch (error) {
      setDownloadError(error);
    } finally {
      setDownloading(false);
    }
  }

  return (
    <section className="stack-lg" aria-labelledby="activity-title">
      <div className={styles.actions}>
        <h2 id="activity-title">Activity</h2>
        <button type="button" className="btn" onClick={download} disabled={downloading}>
          {downloading ? 'Preparing CSV…' : 'Download CSV'}
        </button>
      </div>
      <p className="muted">
        Who changed keys, members, buckets, data and settings of this dashboard, newest first. Kept
        for a year.
      </p>
      <FormError error={downloadError} />
      <ActivityFilters value={filters} onChange={changeFilters} />
      {page.isPending ? (
        <SkeletonRows label="Loading activity" />
      ) : page.isError ? (
        <ErrorState error={page.error} onRetry={() => page.refetch()} />
      ) : (
        <>
          <ActivityTable entries={page.data.entries} />
          <nav className={styles.pager} aria-label="Activity pages">
            <button
              type="button"
              className="btn"
              disabled={cursors.length === 1}
              onClick={() => setCursors(cursors.slice(0, -1))}
            >
              Newer
            </button>
            <span className="muted">Page {cursors.length}</span>
            <button
              type="button"
              className="btn"
              disabled={page.data.nextCursor === null}
              onClick={() => setCursors([...cursors, page.data.nextCursor])}
            >
              Older
            </button>
          </nav>
        </>
      )}
    </section>
  );
}
