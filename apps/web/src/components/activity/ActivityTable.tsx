import type { ActivityEntry } from '../../lib/trpc.ts';
import { DateTime } from '../DateTime.tsx';
import { ScrollHint } from '../ScrollHint.tsx';
import styles from './Activity.module.css';
import { actionLabels, actorTypeLabels, describeChange } from './activity-labels.ts';

export function ActivityTable({ entries }: { entries: ActivityEntry[] }) {
  if (entries.length === 0) {
    return (
      <div className="empty-state">
        <h3>No activity</h3>
        <p>
          Nothing matches these filters. Changes to keys, members, buckets and data appear here.
        </p>
      </div>
    );
  }
  return (
    <ScrollHint>
      <table className="table">
        <caption className="visually-hidden">Activity, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Change</th>
            <th scope="col">Address</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>
                <DateTime ms={entry.at} />
              </td>
              <td>
                <span className={styles.actor}>
                  <span>{entry.actor.label}</span>
                  <span className={styles.actorType}>{actorTypeLabels[entry.actor.type]}</span>
                </span>
              </td>
              <td>{actionLabels[entry.action] ?? entry.action}</td>
              <td>{entry.target.label}</td>
              <td className={styles.change}>{describeChange(entry.before, entry.after)}</td>
              <td className={styles.address}>{entry.address ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollHint>
  );
}
