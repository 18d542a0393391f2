import { useState } from 'react';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { ShareDialog } from './ShareDialog.tsx';

/** On the Settings tab (owners and admins): the way to the dashboard's public links. */
export function ShareLinksPanel() {
  const dashboard = useDashboard();
  const [open, setOpen] = useState(false);
  return (
    <section className="card stack" aria-labelledby="share-links-title">
      <h3 id="share-links-title">Public links and embeds</h3>
      <p className="muted">
        Show this dashboard to people without an account, on a status page or framed in another
        site: each link is read-only, can be locked to the default range, and revoked at once.
      </p>
      <div>
        <button type="button" className="btn" onClick={() => setOpen(true)}>
          Manage public links
        </button>
      </div>
      <ShareDialog dashboardId={dashboard.id} open={open} onClose={() => setOpen(false)} />
    </section>
  );
}
