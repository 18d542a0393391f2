import { useEffect, useRef } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ErrorState } from '../../components/ErrorState.tsx';
import { Loading } from '../../components/Loading.tsx';
import { Logo } from '../../components/Logo.tsx';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { roleLabels } from '../../lib/roles.ts';
import { trpc } from '../../lib/trpc.ts';
import styles from './AuthNote.module.css';

/**
 * `/invite/<token>`: whom the invitation is for and to what; sign up (email filled in) or sign
 * in, then back here, where the invitation is accepted and the dashboard opens.
 */
export function InvitePage() {
  useDocumentTitle('Invitation');
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const me = trpc.auth.me.useQuery();
  const preview = trpc.invitations.preview.useQuery({ token }, { retry: false });
  const accept = trpc.invitations.accept.useMutation({
    onSuccess: (joined) => navigate(joined.path, { replace: true }),
  });
  const accepting = useRef(false);
  const invitedEmail = preview.data?.email;
  const signedInAs = me.data?.email;
  useEffect(() => {
    // Signed in as the invited address: accept once, without another click.
    if (accepting.current || !invitedEmail || signedInAs !== invitedEmail) return;
    accepting.current = true;
    accept.mutate({ token });
  }, [invitedEmail, signedInAs, token, accept]);

  const here = `/invite/${token}`;
  const next = `next=${encodeURIComponent(here)}`;
  return (
    <main className="auth-page">
      <div className="auth-card stack">
        <Logo />
        <h1>Invitation</h1>
        {preview.isPending || me.isPending ? (
          <Loading label="Opening the invitation…" />
        ) : preview.isError ? (
          <ErrorState title="This invitation cannot be used." error={preview.error} />
        ) : (
          <>
            <p className={styles.note}>
              {preview.data.inviterName} invited <strong>{preview.data.email}</strong> to the
              dashboard <strong>{preview.data.dashboardName}</strong> as{' '}
              {roleLabels[preview.data.role]}.
            </p>
            {accept.isError ? (
              <ErrorState title="The invitation was not accepted." error={accept.error} />
            ) : signedInAs === preview.data.email ? (
              <Loading label="Joining the dashboard…" />
            ) : signedInAs ? (
              <p className={styles.note} role="alert">
                You are signed in as {signedInAs}. This invitation is for {preview.data.email}: sign
                out, then open this link again.
              </p>
            ) : (
              <div className={styles.actions}>
                {preview.data.hasAccount ? (
                  <Link className="btn btn-primary btn-block" to={`/signin?${next}`}>
                    Sign in to accept
                  </Link>
                ) : (
                  <Link
                    className="btn btn-primary btn-block"
                    to={`/signup?email=${encodeURIComponent(preview.data.email)}&${next}`}
                  >
                    Create your account
                  </Link>
                )}
              </div>
            )}
          </>
        )}
      </div>
    </main>
  );
}
