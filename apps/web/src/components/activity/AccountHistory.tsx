import { trpc } from '../../lib/trpc.ts';
import { DateTime } from '../DateTime.tsx';
import { ErrorState } from '../ErrorState.tsx';
import { ScrollHint } from '../ScrollHint.tsx';
import { SkeletonRows } from '../SkeletonRows.tsx';
import styles from './Activity.module.css';

const kindLabels = { signed_in: 'Signed in', password_changed: 'Password changed' } as const;

/** The signed-in account's own sign-ins and password changes, newest first. */
export function AccountHistory() {
  const history = trpc.activity.account.useQuery();
  return (
    <section className={`stack ${styles.history}`} aria-labelledby="account-history-title">
      <h2 id="account-history-title">Sign-ins and password changes</h2>
      <p className="muted">Not you? Change your password: that signs out every other session.</p>
      {history.isPending ? (
        <SkeletonRows label="Loading the account history" />
      ) : history.isError ? (
        <ErrorState error={history.error} onRetry={() => history.refetch()} />
      ) : history.data.length === 0 ? (
        <p className="muted">No sign-ins recorded yet.</p>
      ) : (
        <ScrollHint>
          <table className="table">
            <caption className="visually-hidden">Account history, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Event</th>
                <th scope="col">Address</th>
                <th scope="col">Browser</th>
              </tr>
            </thead>
            <tbody>
              {history.data.map((event) => (
                <tr key={`${event.at}-${event.kind}`}>
                  <td>
                    <DateTime ms={event.at} />
                  </td>
                  <td>{kindLabels[event.kind]}</td>
                  <td className={styles.address}>{event.address ?? '—'}</td>
                  <td className={styles.change}>{event.userAgent ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollHint>
      )}
    </section>
  );
}
