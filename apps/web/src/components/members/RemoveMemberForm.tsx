import { useNavigate } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { type Member, trpc } from '../../lib/trpc.ts';
import { FormError } from '../FormError.tsx';

interface Props {
  member: Member;
  isMe: boolean;
  onDone: () => void;
}

export function RemoveMemberForm({ member, isMe, onDone }: Props) {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const remove = trpc.members.remove.useMutation({
    async onSuccess() {
      if (isMe) {
        await utils.dashboards.list.invalidate();
        navigate('/', { replace: true });
        return;
      }
      await utils.members.list.invalidate({ dashboardId: dashboard.id });
      onDone();
    },
  });
  return (
    <div className="stack">
      <p>
        {isMe ? (
          <>
            You will lose access to <strong>{dashboard.name}</strong> until someone adds you again.
          </>
        ) : (
          <>
            <strong>{member.name}</strong> ({member.email}) will lose access to{' '}
            <strong>{dashboard.name}</strong>.
          </>
        )}
      </p>
      <FormError error={remove.error} />
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-danger"
          disabled={remove.isPending}
          onClick={() => remove.mutate({ dashboardId: dashboard.id, userId: member.userId })}
        >
          {remove.isPending ? 'Removing…' : isMe ? 'Leave dashboard' : 'Remove member'}
        </button>
      </div>
    </div>
  );
}
