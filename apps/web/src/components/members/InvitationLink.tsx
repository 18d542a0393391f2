import { ShownOnce } from '../ShownOnce.tsx';

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
    <ShownOnce
      label="Invitation link"
      fields={[{ label: `Invitation link for ${email}`, value: link, what: 'invitation link' }]}
      failed={mail === 'failed'}
    >
      {NOTES[mail](email)}
    </ShownOnce>
  );
}
