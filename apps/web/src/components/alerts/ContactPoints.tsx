import type { ContactPointKind } from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { capabilities } from '../../lib/roles.ts';
import { trpc } from '../../lib/trpc.ts';
import { CopyButton } from '../CopyButton.tsx';
import { ErrorState } from '../ErrorState.tsx';
import { FormError } from '../FormError.tsx';
import { SelectField } from '../SelectField.tsx';
import { SkeletonRows } from '../SkeletonRows.tsx';
import { TextField } from '../TextField.tsx';

/** Where alerts go; admins add one (its signing secret is shown once), test and delete it. */
export function ContactPoints() {
  const dashboard = useDashboard();
  const manage = capabilities(dashboard.role).manageData;
  const utils = trpc.useUtils();
  const points = trpc.contactPoints.list.useQuery({ dashboardId: dashboard.id });
  const invalidate = () => utils.contactPoints.list.invalidate({ dashboardId: dashboard.id });
  const [kind, setKind] = useState<ContactPointKind>('webhook');
  const [name, setName] = useState('');
  const [target, setTarget] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [tested, setTested] = useState<string | null>(null);
  const create = trpc.contactPoints.create.useMutation({
    async onSuccess(result) {
      setSecret(result.secret);
      setName('');
      setTarget('');
      await invalidate();
    },
  });
  const remove = trpc.contactPoints.delete.useMutation({ onSuccess: invalidate });
  const test = trpc.contactPoints.sendTest.useMutation({
    onSuccess: (attempt) =>
      setTested(
        attempt.outcome === 'delivered'
          ? `Delivered (${attempt.httpStatus ?? 'email'}, ${attempt.latencyMs} ms).`
          : `Not delivered: ${attempt.error ?? attempt.outcome}.`,
      ),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    const contactPoint =
      kind === 'email' ? { kind, name, email: target } : { kind, name, url: target };
    create.mutate({ dashboardId: dashboard.id, contactPoint });
  }

  return (
    <section className="stack" aria-labelledby="contact-points-title">
      <h3 id="contact-points-title">Contact points</h3>
      {points.isPending ? (
        <SkeletonRows rows={2} label="Loading contact points" />
      ) : points.isError ? (
        <ErrorState error={points.error} onRetry={() => points.refetch()} />
      ) : points.data.length === 0 ? (
        <p className="muted">No contact points yet.</p>
      ) : (
        <table className="table" aria-label="Contact points">
          <thead>
            <tr>
              <th>Name</th>
              <th>Sends to</th>
              {manage && (
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {points.data.map((point) => (
              <tr key={point.id}>
                <td>
                  <strong>{point.name}</strong>
                </td>
                <td className="muted">
                  {point.kind}: {point.target}
                </td>
                {manage && (
                  <td>
                    <div className="row-actions">
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() =>
                          test.mutate({ dashboardId: dashboard.id, contactPointId: point.id })
                        }
                      >
                        Send test
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger-quiet"
                        onClick={() =>
                          remove.mutate({ dashboardId: dashboard.id, contactPointId: point.id })
                        }
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tested && <p role="status">{tested}</p>}
      <FormError error={test.error ?? remove.error} />
      {manage && (
        <form className="card form-row" onSubmit={submit} aria-label="New contact point">
          <SelectField
            label="Kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as ContactPointKind)}
          >
            <option value="webhook">Webhook</option>
            <option value="slack">Slack-compatible webhook</option>
            <option value="email">Email</option>
          </SelectField>
          <TextField label="Name" required value={name} onChange={(e) => setName(e.target.value)} />
          <TextField
            label={kind === 'email' ? 'Email' : 'URL'}
            type={kind === 'email' ? 'email' : 'url'}
            required
            value={target}
            onChange={(e) => setTarget(e.target.value)}
            hint={kind === 'email' ? "A member's address: email goes to members only." : undefined}
          />
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            Add contact point
          </button>
          <FormError error={create.error} />
        </form>
      )}
      {secret && (
        <div className="card stack-sm" role="status">
          <p>
            Signing secret, shown only now: webhooks carry <code>X-Bucketgrid-Signature</code>, an
            HMAC-SHA256 of the timestamp and body with it.
          </p>
          <code>{secret}</code>
          <CopyButton text={secret} />
        </div>
      )}
    </section>
  );
}
