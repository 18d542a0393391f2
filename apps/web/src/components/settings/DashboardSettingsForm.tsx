import {
  dashboardNameSchema,
  type Retention,
  retentionChoices,
  slugSchema,
} from '@bucketgrid/shared';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { formErrors } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';
import { dashboardKeys } from '../../lib/query-keys.ts';
import { trpc } from '../../lib/trpc.ts';
import { checkFields } from '../../lib/validate.ts';
import { Dialog } from '../Dialog.tsx';
import { FormError } from '../FormError.tsx';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';
import { RetentionLoss } from './RetentionLoss.tsx';

export function DashboardSettingsForm() {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(dashboard.name);
  const [slug, setSlug] = useState(dashboard.slug);
  const [retention, setRetention] = useState<Retention>(dashboard.retention as Retention);
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const [confirming, setConfirming] = useState(false);
  const update = trpc.dashboards.update.useMutation({
    onSuccess(updated) {
      setConfirming(false);
      utils.dashboards.bySlug.setData(
        { workspace: updated.workspace, slug: updated.slug },
        updated,
      );
      utils.dashboards.list.invalidate();
      // A shorter retention deletes old records: every read of them is stale.
      utils.buckets.invalidate();
      queryClient.invalidateQueries({ queryKey: dashboardKeys.dashboard(dashboard.id) });
      if (updated.slug !== dashboard.slug) {
        navigate(`/${updated.workspace}/${updated.slug}/settings`, { replace: true });
      }
    },
  });
  const server = formErrors(update.error, ['name', 'slug']);
  const errorFor = (field: string) => invalid[field] ?? server.errorFor(field);
  const changed =
    name !== dashboard.name || slug !== dashboard.slug || retention !== dashboard.retention;

  function send() {
    update.mutate({
      dashboardId: dashboard.id,
      name: name !== dashboard.name ? name : undefined,
      slug: slug !== dashboard.slug ? slug : undefined,
      retention: retention !== dashboard.retention ? retention : undefined,
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = checkFields({ name: [dashboardNameSchema, name], slug: [slugSchema, slug] });
    setInvalid(problems);
    if (Object.keys(problems).length > 0) return;
    // Lowering retention deletes records: say how many, and ask first.
    if (retention < dashboard.retention) setConfirming(true);
    else send();
  }

  return (
    <>
      <form className="card stack" onSubmit={submit} aria-labelledby="settings-title">
        <h3 id="settings-title">General</h3>
        <TextField
          label="Name"
          required
          value={name}
          onChange={(event) => setName(event.target.value)}
          error={errorFor('name')}
        />
        <TextField
          label="Slug"
          required
          value={slug}
          onChange={(event) => setSlug(event.target.value)}
          hint={
            <>
              The address:{' '}
              <code>
                /{dashboard.workspace}/{slug}
              </code>
              . Lowercase letters, digits and inner hyphens. Old links stop working when it changes.
            </>
          }
          error={errorFor('slug')}
        />
        <SelectField
          label="Retention"
          value={retention}
          onChange={(event) => setRetention(Number(event.target.value) as Retention)}
          hint="The most records each bucket keeps; past it, the oldest go first."
        >
          {retentionChoices.map((choice) => (
            <option key={choice} value={choice}>
              {formatCount(choice)} records per bucket
            </option>
          ))}
        </SelectField>
        <FormError error={confirming ? null : server.formError} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={!changed || update.isPending}>
            {update.isPending ? 'Saving…' : 'Save changes'}
          </button>
          {update.isSuccess && !changed && (
            <span className="success-text" role="status">
              Saved.
            </span>
          )}
        </div>
      </form>
      <Dialog open={confirming} title="Lower the retention?" onClose={() => setConfirming(false)}>
        <RetentionLoss
          retention={retention}
          pending={update.isPending}
          error={update.error}
          onConfirm={send}
          onCancel={() => setConfirming(false)}
        />
      </Dialog>
    </>
  );
}
