import { trpc, type User } from '../lib/trpc.ts';

/** The signed-in user, inside pages that RequireAuth guards (so it is always there). */
export function useMe(): User {
  const me = trpc.auth.me.useQuery();
  if (!me.data) throw new Error('useMe is used outside a signed-in page');
  return me.data;
}
