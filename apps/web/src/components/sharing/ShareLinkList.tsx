import { useState } from 'react';
import { type ShareLink, trpc } from '../../lib/trpc.ts';
import { DateTime } from '../DateTime.tsx';
import { FormError } from '../FormError.tsx';
import { TimeAgo } from '../TimeAgo.tsx';
import styles from './ShareLinks.module.css';

/** The dashboard's public links: who made them, when, how much they are viewed; regenerate, revoke. */
export function ShareLinkList({
  dashboardId,
  links,
  onIssued,
}: {
  dashboardId: string;
  links: ShareLink[];
  onIssued: (issued: { name: string; url: string }) => void;
}) {
  const utils = trpc.useUtils();
  const [revoking, setRevoking] = useState<string | null>(null);
  const refresh = () => utils.shareLinks.list.invalidate({ dashboardId });
  const regenerate = trpc.shareLinks.regenerate.useMutation({
    async onSuccess(issued) {
      await refresh();
      onIssued({ name: issued.link.name, url: issued.url });
    },
  });
  const revoke = trpc.shareLinks.revoke.useMutation({
    async onSuccess() {
      setRevoking(null);
      await refresh();
    },
  });
  if (links.length === 0) return <p className="muted">No public links yet.</p>;
  return (
    <div className="stack">
      <div className="table-wrap">
        <table className="table" aria-label="Public links">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created by</th>
              <th scope="col">Created</th>
              <th scope="col">Last viewed</th>
              <th scope="col">Views</th>
              <th scope="col">Range</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {links.map((link) => (
              <tr key={link.id}>
                <td>{link.name}</td>
                <td>{link.createdByName || '—'}</td>
                <td>
                  <DateTime ms={link.createdAt} dateOnly />
                </td>
                <td>
                  <TimeAgo ms={link.lastViewedAt} />
                </td>
                <td>{link.views}</td>
                <td>{link.allowRangeChange ? 'Viewer’s choice' : 'Locked'}</td>
                <td>
                  {link.expiresAt === null ? 'Never' : <DateTime ms={link.expiresAt} dateOnly />}
                </td>
                <td>
                  <div className={styles.actions}>
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={regenerate.isPending}
                      onClick={() => regenerate.mutate({ dashboardId, shareLinkId: link.id })}
                    >
                      Regenerate
                    </button>
                    {revoking === link.id ? (
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        disabled={revoke.isPending}
                        onClick={() => revoke.mutate({ dashboardId, shareLinkId: link.id })}
                      >
                        Revoke for good
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small btn-danger-quiet"
                        onClick={() => setRevoking(link.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <FormError error={regenerate.error ?? revoke.error} />
    </div>
  );
}
