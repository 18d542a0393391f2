import type { Role } from '@bucketgrid/shared';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { errorMessage } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { canManageMember, roleChoicesFor, roleLabels } from '../../lib/roles.ts';
import { type Member, trpc } from '../../lib/trpc.ts';
import { Badge } from '../Badge.tsx';
import { RoleBadge } from '../RoleBadge.tsx';

interface Props {
  member: Member;
  isMe: boolean;
  onRemove: (member: Member) => void;
}

export function MemberRow({ member, isMe, onRemove }: Props) {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const choices = roleChoicesFor(dashboard.role, member.role);
  const setRole = trpc.members.setRole.useMutation({
    async onSuccess() {
      await utils.members.list.invalidate({ dashboardId: dashboard.id });
      // A change of one's own role changes what this page may show.
      if (isMe) await utils.dashboards.invalidate();
    },
  });
  const mayRemove = isMe || canManageMember(dashboard.role, member.role);

  return (
    <tr>
      <td>
        <span className="member-name">
          {member.name} {isMe && <Badge>You</Badge>}
        </span>
        <span className="muted member-email">{member.email}</span>
      </td>
      <td>
        {choices.length > 0 ? (
          <>
            <select
              aria-label={`Role of ${member.name}`}
              // Shows the choice at once; the list catches up when the server confirms it.
              value={setRole.isPending ? setRole.variables.role : member.role}
              disabled={setRole.isPending}
              onChange={(event) =>
                setRole.mutate({
                  dashboardId: dashboard.id,
                  userId: member.userId,
                  role: event.target.value as Role,
                })
              }
            >
              {choices.map((role) => (
                <option key={role} value={role}>
                  {roleLabels[role]}
                </option>
              ))}
            </select>
            {setRole.isError && (
              <p className="field-error" role="alert">
                {errorMessage(setRole.error)}
              </p>
            )}
          </>
        ) : (
          <RoleBadge role={member.role} />
        )}
      </td>
      <td title={formatDateTime(member.createdAt)}>
        {formatDateTime(member.createdAt).slice(0, 10)}
      </td>
      <td className="actions-cell">
        {mayRemove && (
          <button
            type="button"
            className="btn btn-small btn-danger-quiet"
            onClick={() => onRemove(member)}
            aria-label={isMe ? 'Leave this dashboard' : `Remove ${member.name}`}
          >
            {isMe ? 'Leave' : 'Remove'}
          </button>
        )}
      </td>
    </tr>
  );
}
