import { useEffect } from 'react';
import { useMatch } from 'react-router';
import { trpc } from '../lib/trpc.ts';

/**
 * Asks for the dashboard the URL names in the same batch as the session check, instead of
 * one round trip after it: the first of the dashboard page's reads no longer waits for
 * `auth.me`. A visitor without a session gets `unauthenticated` for both, as before.
 */
export function usePrefetchDashboard(): void {
  const utils = trpc.useUtils();
  const match = useMatch(':workspace/:dashboard/*');
  const workspace = match?.params.workspace;
  const slug = match?.params.dashboard;
  useEffect(() => {
    if (workspace && slug) {
      utils.dashboards.bySlug.prefetch({ workspace, slug });
    }
  }, [utils, workspace, slug]);
}
