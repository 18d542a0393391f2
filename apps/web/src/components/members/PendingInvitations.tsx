import { roleAtLeast } from '@bucketgrid/shared';
import { useState } from 'react';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { trpc } from '../../lib/trpc.ts';
import { DateTime } from '../DateTime.tsx';
import { ErrorState } from '../ErrorState.tsx';
import { FormError } from '../FormError.tsx';
import { RoleBadge } from '../RoleBadge.tsx';
import { ScrollHint } from '../ScrollHint.tsx';
import { InvitationLink, type MailOutcome } from './InvitationLink.tsx';
import styles from './PendingInvitations.module.css';

/** Invitations not yet accepted: who, as what, by whom, until when; resend or revoke. */
export function PendingInvitations() {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const invitations = trpc.invitations.list.useQuery({ dashboardId: dashboard.id });
  const [resent, setResent] = useState<{ email: string; link: string; mail: MailOutcome } | null>(
    null,
  );
  const refresh = () => utils.invitations.list.invalidate({ dashboardId: dashboard.id });
  const resend = trpc.invitations.resend.useMutation({
    onSuccess(result) {
      setResent({ email: result.invitation.email, link: result.link, mail: result.mail });
      return refresh();
    },
  });
  const revoke = trpc.invitations.revoke.useMutation({ onSuccess: refresh });
  if (invitations.isPending) return null;
  if (invitations.isError) {
    return <ErrorState error={invitations.error} onRetry={() => invitations.refetch()} />;
  }
  return (
    <section className="stack" aria-labelledby="pending-invitations-title">
      <h3 id="pending-invitations-title">Pending invitations</h3>
      {resent && <InvitationLink {...resent} />}
      <FormError error={resend.error ?? revoke.error} />
      {invitations.data.length === 0 ? (
        <p className={styles.empty}>No invitation is waiting to be accepted.</p>
      ) : (
        <ScrollHint>
          <table className="table">
            <caption className="visually-hidden">Pending invitations</caption>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Invited by</th>
                <th scope="col">Expires</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {invitations.data.map((invitation) => {
                const mayManage = roleAtLeast(dashboard.role, invitation.role);
                const input = { dashboardId: dashboard.id, invitationId: invitation.id };
                return (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>
                      <RoleBadge role={invitation.role} />
                    </td>
                    <td>{invitation.invitedByName}</td>
                    <td>
                      <DateTime ms={invitation.expiresAt} />
                    </td>
                    <td>
                      {mayManage && (
                        <div className={styles.actions}>
                          <button
                            type="button"
                            className="btn btn-small"
                            disabled={resend.isPending}
                            onClick={() => resend.mutate(input)}
                            aria-label={`Resend the invitation to ${invitation.email}`}
                          >
                            Resend
                          </button>
                          <button
                            type="button"
                            className="btn btn-small btn-danger"
                            disabled={revoke.isPending}
                            onClick={() => revoke.mutate(input)}
                            aria-label={`Revoke the invitation to ${invitation.email}`}
                          >
                            Revoke
                          </button>
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollHint>
      )}
    </section>
  );
}
