import { type FormEvent, useState } from 'react';
import { formErrors } from '../../lib/errors.ts';
import { trpc } from '../../lib/trpc.ts';
import { NewPasswordField } from '../auth/NewPasswordField.tsx';
import { FormError } from '../FormError.tsx';
import { TextField } from '../TextField.tsx';

const FIELDS = ['currentPassword', 'newPassword'];

export function ChangePasswordForm() {
  const utils = trpc.useUtils();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const change = trpc.auth.changePassword.useMutation({
    onSuccess(user) {
      // The answer also carries this browser's new session cookie.
      utils.auth.me.setData(undefined, user);
      setCurrentPassword('');
      setNewPassword('');
    },
  });
  // A wrong current password names no field; on this form it can only be that one.
  const { errorFor, formError } = formErrors(change.error, FIELDS, (info) =>
    info.code === 'invalid_credentials' ? 'currentPassword' : info.field,
  );
  const done = change.isSuccess && currentPassword === '' && newPassword === '';

  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate({ currentPassword, newPassword });
  }

  return (
    <form className="card stack account-card" onSubmit={submit} aria-labelledby="password-title">
      <div className="section-heading">
        <h2 id="password-title">Change password</h2>
        <p className="muted">
          Every other browser signed in to your account is signed out; this one stays signed in.
        </p>
      </div>
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={currentPassword}
        onChange={(event) => setCurrentPassword(event.target.value)}
        error={errorFor('currentPassword')}
      />
      <NewPasswordField
        label="New password"
        value={newPassword}
        onChange={(event) => setNewPassword(event.target.value)}
        error={errorFor('newPassword')}
      />
      <FormError error={formError} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={change.isPending}>
          {change.isPending ? 'Changing…' : 'Change password'}
        </button>
        {done && (
          <span className="success-text" role="status">
            Password changed. Other sessions were signed out.
          </span>
        )}
      </div>
    </form>
  );
}
