import { ChangePasswordForm } from '../components/account/ChangePasswordForm.tsx';
import { AccountHistory } from '../components/activity/AccountHistory.tsx';
import { useDocumentTitle } from '../hooks/useDocumentTitle.ts';
import { useMe } from '../hooks/useMe.ts';

export function AccountPage() {
  const me = useMe();
  useDocumentTitle('Account');
  return (
    <>
      <div className="page-title">
        <h1>Account</h1>
        <p className="muted">
          Signed in as <strong>{me.name}</strong> ({me.email}).
        </p>
      </div>
      <ChangePasswordForm />
      <AccountHistory />
    </>
  );
}
