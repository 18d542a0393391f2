import { useState } from 'react';
import { trpc } from '../../lib/trpc.ts';
import { Dialog } from '../Dialog.tsx';
import { ErrorState } from '../ErrorState.tsx';
import { Loading } from '../Loading.tsx';
import { CreateShareLinkForm } from './CreateShareLinkForm.tsx';
import { IssuedShareLink } from './IssuedShareLink.tsx';
import { ShareLinkList } from './ShareLinkList.tsx';

/** Public links of a dashboard: the list, a new link, and the link just made (shown once). */
export function ShareDialog({
  dashboardId,
  open,
  onClose,
}: {
  dashboardId: string;
  open: boolean;
  onClose: () => void;
}) {
  return (
    <Dialog open={open} title="Public links" onClose={onClose} wide>
      <ShareDialogBody dashboardId={dashboardId} />
    </Dialog>
  );
}

function ShareDialogBody({ dashboardId }: { dashboardId: string }) {
  const links = trpc.shareLinks.list.useQuery({ dashboardId });
  const [issued, setIssued] = useState<{ name: string; url: string } | null>(null);
  return (
    <div className="stack-lg">
      <p className="muted">
        A public link opens this dashboard’s grid read-only and live, without signing in: only the
        buckets and series its widgets show.
      </p>
      {issued && <IssuedShareLink name={issued.name} url={issued.url} />}
      {links.data ? (
        <ShareLinkList dashboardId={dashboardId} links={links.data} onIssued={setIssued} />
      ) : links.isError ? (
        <ErrorState error={links.error} onRetry={() => links.refetch()} />
      ) : (
        <Loading label="Loading links…" />
      )}
      <h3>New link</h3>
      <CreateShareLinkForm dashboardId={dashboardId} onCreated={setIssued} />
    </div>
  );
}
