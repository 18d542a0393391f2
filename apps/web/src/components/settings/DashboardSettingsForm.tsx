import { type Retention, retentionChoices } from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { formErrors } from '../../lib/errors.ts';
import { formatCount } from '../../lib/format.ts';
import { trpc } from '../../lib/trpc.ts';
import { FormError } from '../FormError.tsx';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';

export function DashboardSettingsForm() {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const [name, setName] = useState(dashboard.name);
  const [slug, setSlug] = useState(dashboard.slug);
  const [retention, setRetention] = useState(dashboard.retention);
  const update = trpc.dashboards.update.useMutation({
    onSuccess(updated) {
      utils.dashboards.bySlug.setData(
        { workspace: updated.workspace, slug: updated.slug },
        updated,
      );
      utils.dashboards.list.invalidate();
      utils.buckets.invalidate();
      if (updated.slug !== dashboard.slug) {
        navigate(`/${updated.workspace}/${updated.slug}/settings`, { replace: true });
      }
    },
  });
  const { errorFor, formError } = formErrors(update.error, ['name', 'slug']);
  const changed =
    name !== dashboard.name || slug !== dashboard.slug || retention !== dashboard.retention;

  function submit(event: FormEvent) {
    event.preventDefault();
    update.mutate({
      dashboardId: dashboard.id,
      name: name !== dashboard.name ? name : undefined,
      slug: slug !== dashboard.slug ? slug : undefined,
      retention: retention !== dashboard.retention ? (retention as Retention) : undefined,
    });
  }

  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="settings-title">
      <h3 id="settings-title">General</h3>
      <TextField
        label="Name"
        required
        maxLength={100}
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errorFor('name')}
      />
      <TextField
        label="Slug"
        required
        maxLength={48}
        pattern="[a-z0-9]([a-z0-9\-]*[a-z0-9])?"
        title="Lowercase letters, digits and inner hyphens"
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
        onChange={(event) => setRetention(Number(event.target.value))}
        hint="The most records each bucket keeps; past it, the oldest go first."
      >
        {retentionChoices.map((choice) => (
          <option key={choice} value={choice}>
            {formatCount(choice)} records per bucket
          </option>
        ))}
      </SelectField>
      <FormError error={formError} />
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
  );
}
