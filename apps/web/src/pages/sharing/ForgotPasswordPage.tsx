import { useState } from 'react';
import { AuthForm } from '../../components/auth/AuthForm.tsx';
import { TextField } from '../../components/TextField.tsx';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { trpc } from '../../lib/trpc.ts';
import styles from './AuthNote.module.css';

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  useDocumentTitle('Forgot password');
  const [email, setEmail] = useState('');
  const request = trpc.auth.requestPasswordReset.useMutation();
  return (
    <AuthForm
      title="Forgot password"
      error={request.error}
      pending={request.isPending}
      actionLabel="Email me a reset link"
      pendingLabel="Sending…"
      onSubmit={() => request.mutate({ email })}
      other="/signin"
    >
      {request.data ? (
        request.data.emailEnabled ? (
          <p className={styles.done} role="status">
            If an account uses {email}, we sent it a link to choose a new password. The link works
            once, for one hour.
          </p>
        ) : (
          <p className={styles.note} role="status">
            Email is off on this server, so no link can be sent. Ask its administrator to set a new
            password with <code>bucketgrid user set-password</code>.
          </p>
        )
      ) : (
        <p className={styles.note}>We will email you a link to choose a new password.</p>
      )}
      <TextField
        label="Email"
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
    </AuthForm>
  );
}
