import { useDashboard } from '../../hooks/useDashboard.ts';
import { trpc } from '../../lib/trpc.ts';
import { Dialog } from '../Dialog.tsx';
import { CreateKeyForm } from './CreateKeyForm.tsx';
import { ShowKeyOnce } from './ShowKeyOnce.tsx';

/** Create → name and type → the full key, shown once. Closing forgets the key for good. */
export function CreateKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const create = trpc.apiKeys.create.useMutation({
    // Not kept in the mutation cache after the dialog lets go of it.
    gcTime: 0,
    onSuccess: () => utils.apiKeys.list.invalidate({ dashboardId: dashboard.id }),
  });
  const close = () => {
    create.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      title={create.data ? 'API key created' : 'Create API key'}
      onClose={close}
      wide
    >
      {create.data ? (
        <ShowKeyOnce fullKey={create.data.key} onDone={close} />
      ) : (
        <CreateKeyForm
          pending={create.isPending}
          error={create.error}
          onCreate={(key) => create.mutate({ dashboardId: dashboard.id, ...key })}
          onCancel={close}
        />
      )}
    </Dialog>
  );
}
