import type { ReactNode } from 'react';
import { CopyButton } from './CopyButton.tsx';
import styles from './ShownOnce.module.css';

/** A secret to copy (a link with its token, the code that embeds it). */
export interface ShownOnceField {
  /** The field's accessible name. */
  label: string;
  value: string;
  /** What the copy button copies, in words ("invitation link"). */
  what: string;
}

/**
 * Secrets the server shows only once (an invitation's accept link, a share link's URL), each
 * in a read-only field with a copy button, and a note on what to do with them. `failed`
 * marks the panel as a warning (the email carrying it could not be sent).
 */
export function ShownOnce({
  label,
  fields,
  failed = false,
  children,
}: {
  label: string;
  fields: ShownOnceField[];
  failed?: boolean;
  /** The note under the fields. */
  children: ReactNode;
}) {
  return (
    <div
      className={failed ? `${styles.panel} ${styles.failed}` : styles.panel}
      role="status"
      aria-label={label}
    >
      {fields.map((field) => (
        <div className={styles.row} key={field.label}>
          <input
            className={styles.field}
            readOnly
            value={field.value}
            aria-label={field.label}
            onFocus={(event) => event.target.select()}
          />
          <CopyButton text={field.value} what={field.what} />
        </div>
      ))}
      <p className={styles.note}>{children}</p>
    </div>
  );
}
