import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { AuthForm } from '../../components/auth/AuthForm.tsx';
import { NewPasswordField } from '../../components/auth/NewPasswordField.tsx';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { formErrors } from '../../lib/errors.ts';
import { trpc } from '../../lib/trpc.ts';
import styles from './AuthNote.module.css';

/** `/reset-password/<token>`: a new password, which signs out every other session. */
export function ResetPasswordPage() {
  useDocumentTitle('Choose a new password');
  const { token = '' } = useParams();
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const [password, setPassword] = useState('');
  const reset = trpc.auth.resetPassword.useMutation({
    onSuccess(user) {
      utils.auth.me.setData(undefined, user);
      navigate('/', { replace: true });
    },
  });
  const server = formErrors(reset.error, ['newPassword']);
  return (
    <AuthForm
      title="Choose a new password"
      error={server.formError}
      pending={reset.isPending}
      actionLabel="Set password"
      pendingLabel="Setting password…"
      onSubmit={() => reset.mutate({ token, newPassword: password })}
      other="/signin"
    >
      <p className={styles.note}>Every other session of your account will be signed out.</p>
      <NewPasswordField
        label="New password"
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        error={server.errorFor('newPassword')}
      />
    </AuthForm>
  );
}
