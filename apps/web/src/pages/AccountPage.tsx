import { ChangePasswordForm } from '../components/account/ChangePasswordForm.tsx';
import { useMe } from '../hooks/useMe.ts';

export function AccountPage() {
  const me = useMe();
  return (
    <>
      <div className="page-title">
        <h1>Account</h1>
        <p className="muted">
          Signed in as <strong>{me.name}</strong> ({me.email}).
        </p>
      </div>
      <ChangePasswordForm />
    </>
  );
}
