import { dashboardNameSchema, slugSchema } from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { formErrors } from '../../lib/errors.ts';
import { trpc } from '../../lib/trpc.ts';
import { checkFields } from '../../lib/validate.ts';
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
  const [invalid, setInvalid] = useState<Record<string, string>>({});
  const server = formErrors(create.error, ['name', 'slug']);
  const errorFor = (field: string) => invalid[field] ?? server.errorFor(field);

  function submit(event: FormEvent) {
    event.preventDefault();
    const chosenSlug = slug.trim() === '' ? undefined : slug.trim();
    const problems = checkFields({
      name: [dashboardNameSchema, name],
      ...(chosenSlug === undefined ? {} : { slug: [slugSchema, chosenSlug] }),
    });
    setInvalid(problems);
    if (Object.keys(problems).length === 0) create.mutate({ name, slug: chosenSlug });
  }

  return (
    <form className="card form-row" onSubmit={submit} aria-label="Create a dashboard">
      <TextField
        label="Dashboard name"
        required
        placeholder="Greenhouse sensors"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={errorFor('name')}
      />
      <TextField
        label="Slug (optional)"
        placeholder="made from the name"
        value={slug}
        onChange={(event) => setSlug(event.target.value)}
        error={errorFor('slug')}
      />
      <button type="submit" className="btn btn-primary" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create dashboard'}
      </button>
      <FormError error={server.formError} />
    </form>
  );
}
