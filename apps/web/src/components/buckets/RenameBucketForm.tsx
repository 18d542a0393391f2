import { bucketNameSchema } from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { type Bucket, trpc } from '../../lib/trpc.ts';
import { checkFields } from '../../lib/validate.ts';
import { FormError } from '../FormError.tsx';
import { TextField } from '../TextField.tsx';

export function RenameBucketForm({ bucket, onDone }: { bucket: Bucket; onDone: () => void }) {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const [name, setName] = useState(bucket.name);
  const rename = trpc.buckets.rename.useMutation({
    onSuccess(renamed) {
      utils.buckets.get.setData({ dashboardId: dashboard.id, bucketId: bucket.id }, renamed);
      utils.buckets.list.invalidate({ dashboardId: dashboard.id });
      onDone();
    },
  });

  const [invalid, setInvalid] = useState<Record<string, string>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = checkFields({ name: [bucketNameSchema, name] });
    setInvalid(problems);
    if (!problems.name) rename.mutate({ dashboardId: dashboard.id, bucketId: bucket.id, name });
  }

  return (
    <form className="stack" onSubmit={submit}>
      <TextField
        label="New name"
        required
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={invalid.name}
        hint="The bucket id, and so every program writing to it, stays the same."
      />
      <FormError error={rename.error} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={rename.isPending}>
          {rename.isPending ? 'Renaming…' : 'Rename'}
        </button>
      </div>
    </form>
  );
}
