import { CopyButton } from '../CopyButton.tsx';
import styles from './ShareLinks.module.css';

/** A link's URL with its token, shown once (after create or regenerate), and how to embed it. */
export function IssuedShareLink({ name, url }: { name: string; url: string }) {
  const embed = `<iframe src="${url}" width="100%" height="600" style="border:0"></iframe>`;
  return (
    <div className={styles.issued} role="status" aria-label="New share link">
      <div className={styles.row}>
        <input
          className={styles.link}
          readOnly
          value={url}
          aria-label={`Share link for ${name}`}
          onFocus={(event) => event.target.select()}
        />
        <CopyButton text={url} what="share link" />
      </div>
      <div className={styles.row}>
        <input
          className={styles.link}
          readOnly
          value={embed}
          aria-label={`Embed code for ${name}`}
          onFocus={(event) => event.target.select()}
        />
        <CopyButton text={embed} what="embed code" />
      </div>
      <p className={styles.note}>
        Anyone with this link sees the dashboard’s grid, read-only. It is shown only now; add{' '}
        <code>?layout=wall</code> for a wall screen. Regenerate it to get a new one.
      </p>
    </div>
  );
}
