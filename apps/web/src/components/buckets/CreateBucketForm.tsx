import { type BucketType, bucketNameSchema } from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { bucketTypeInfo, bucketTypeList } from '../../lib/bucket-types.ts';
import { trpc } from '../../lib/trpc.ts';
import { checkFields } from '../../lib/validate.ts';
import { FormError } from '../FormError.tsx';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';

export function CreateBucketForm() {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [type, setType] = useState<BucketType>('TSV');
  const create = trpc.buckets.create.useMutation({
    onSuccess(bucket) {
      utils.buckets.list.invalidate({ dashboardId: dashboard.id });
      navigate(`/${dashboard.workspace}/${dashboard.slug}/buckets/${bucket.id}`);
    },
  });

  const [invalid, setInvalid] = useState<Record<string, string>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = checkFields({ name: [bucketNameSchema, name] });
    setInvalid(problems);
    if (!problems.name) create.mutate({ dashboardId: dashboard.id, name, type });
  }

  return (
    <form className="card form-row" onSubmit={submit} aria-label="Create a bucket">
      <TextField
        label="Bucket name"
        required
        placeholder="Temperature"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={invalid.name}
      />
      <SelectField
        label="Type"
        value={type}
        onChange={(event) => setType(event.target.value as BucketType)}
        hint={`Records have ${bucketTypeInfo[type].keys}. Fixed once created.`}
      >
        {bucketTypeList.map((option) => (
          <option key={option} value={option}>
            {option} · {bucketTypeInfo[option].label}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="btn btn-primary" disabled={create.isPending}>
        {create.isPending ? 'Creating…' : 'Create bucket'}
      </button>
      <FormError error={create.error} />
    </form>
  );
}
