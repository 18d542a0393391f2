import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { useMe } from '../hooks/useMe.ts';
import { errorMessage } from '../lib/errors.ts';
import { trpc } from '../lib/trpc.ts';
import { Logo } from './Logo.tsx';

export function AppHeader() {
  const me = useMe();
  const queryClient = useQueryClient();
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const signOut = trpc.auth.signOut.useMutation({
    onSuccess() {
      // Signed out first, so the guard above this header unmounts it before anything renders
      // without a user (the header rendering after a bare clear() was React error #520).
      utils.auth.me.setData(undefined, null);
      navigate('/signin', { replace: true });
      // Nothing of this user's data may linger for whoever signs in next in this tab.
      queryClient.clear();
    },
  });
  return (
    <header className="app-header">
      <Link to="/" className="app-header-home" aria-label="Bucketgrid: your dashboards">
        <Logo />
      </Link>
      <div className="app-header-user">
        <span className="app-header-name" title={me.email}>
          {me.name}
        </span>
        <Link to="/account" className="app-header-link">
          Account
        </Link>
        <button
          type="button"
          className="btn btn-small"
          onClick={() => signOut.mutate()}
          disabled={signOut.isPending}
        >
          {signOut.isPending ? 'Signing out…' : 'Sign out'}
        </button>
        {signOut.isError && (
          <span className="field-error" role="alert">
            {errorMessage(signOut.error)}
          </span>
        )}
      </div>
    </header>
  );
}
