import { useNavigate, useSearchParams } from 'react-router';
import { safeNextPath } from '../lib/next-path.ts';
import { trpc, type User } from '../lib/trpc.ts';

/** What the sign-in and sign-up pages share: where to go once signed in, and going there. */
export function useAuthEntry() {
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const navigate = useNavigate();
  const utils = trpc.useUtils();
  const me = trpc.auth.me.useQuery();
  return {
    next,
    signedIn: Boolean(me.data),
    onSignedIn(user: User) {
      utils.auth.me.setData(undefined, user);
      navigate(next, { replace: true });
    },
  };
}
