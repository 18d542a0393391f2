import { CopyButton } from '../CopyButton.tsx';
import styles from './InvitationLink.module.css';

export type MailOutcome = 'sent' | 'off' | 'failed';

const NOTES: Record<MailOutcome, (email: string) => string> = {
  sent: (email) =>
    `We emailed ${email} this link. It is shown only now; it works once, for 7 days.`,
  off: () =>
    'Email is off on this server: copy this link and send it yourself. It is shown only now; it works once, for 7 days.',
  failed: (email) =>
    `The mail server did not take the email to ${email}: copy this link and send it yourself, or resend below. It is shown only now.`,
};

/** The accept link of an invitation, shown once to the inviter, with what became of its email. */
export function InvitationLink({
  email,
  link,
  mail,
}: {
  email: string;
  link: string;
  mail: MailOutcome;
}) {
  return (
    <div
      className={mail === 'failed' ? `${styles.panel} ${styles.failed}` : styles.panel}
      role="status"
      aria-label="Invitation link"
    >
      <div className={styles.row}>
        <input
          className={styles.link}
          readOnly
          value={link}
          aria-label={`Invitation link for ${email}`}
          onFocus={(event) => event.target.select()}
        />
        <CopyButton text={link} what="invitation link" />
      </div>
      <p className={styles.note}>{NOTES[mail](email)}</p>
    </div>
  );
}
