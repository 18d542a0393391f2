import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { formErrors } from '../../lib/errors.ts';
import { trpc } from '../../lib/trpc.ts';
import { FormError } from '../FormError.tsx';
import { TextField } from '../TextField.tsx';

export function CreateDashboardForm() {
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const create = trpc.dashboards.create.useMutation({
    onSuccess(dashboard) {
      utils.dashboards.list.invalidate();
      utils.dashboards.bySlug.setData(
        { workspace: dashboard.workspace, slug: dashboard.slug },
        dashboard,
      );
      navigate(`/${dashboard.workspace}/${dashboard.slug}`);
    },
  });
  const { errorFor, formError } = formErrors(create.error, ['name', 'slug']);

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate({ name, slug: slug.trim() === '' ? undefined : slug.trim() });
  }

  return (
    <form className="card form-row" onSubmit={submit} aria-label="Create a dashboard">
      <TextField
        label="Dashboard name"
        required
        maxLength={100}
        placeholder="Greenhouse sensors"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errorFor('name')}
      />
      <TextField
        label="Slug (optional)"
        placeholder="made from the name"
        pattern="[a-z0-9]([a-z0-9\-]*[a-z0-9])?"
        title="Lowercase letters, digits and inner hyphens"
        maxLength={48}
        value={slug}
        onChange={(event) => setSlug(event.target.value)}
        error={errorFor('slug')}
      />
      <button type="submit" className="btn btn-primary" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create dashboard'}
      </button>
      <FormError error={formError} />
    </form>
  );
}
