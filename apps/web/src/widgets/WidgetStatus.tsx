import { errorMessage } from '../lib/errors.ts';
import styles from './Widget.module.css';

/**
 * What a widget shows instead of its data: a placeholder while the first read runs, and the
 * error when that read failed. Once a widget has data it keeps showing it, even when a later
 * refetch fails (the live badge says the connection is down).
 */
export function widgetStatus(query: {
  data: unknown;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}) {
  if (query.data !== undefined) return null;
  if (query.isError) {
    return (
      <div className={styles.message} role="alert">
        <p>{errorMessage(query.error)}</p>
        <button type="button" className="btn btn-small" onClick={() => query.refetch()}>
          Retry
        </button>
      </div>
    );
  }
  return <div className={`${styles.loading} skeleton`} role="status" aria-label="Loading" />;
}

export function NoData({ what = 'No data in this time range.' }: { what?: string }) {
  return <p className={`${styles.message} muted`}>{what}</p>;
}
