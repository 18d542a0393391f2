import { useNavigate } from 'react-router';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { type Member, trpc } from '../../lib/trpc.ts';
import { DangerConfirm } from '../DangerConfirm.tsx';

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
    <DangerConfirm
      actionLabel={isMe ? 'Leave dashboard' : 'Remove member'}
      pendingLabel="Removing…"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate({ dashboardId: dashboard.id, userId: member.userId })}
      onCancel={onDone}
    >
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
    </DangerConfirm>
  );
}
