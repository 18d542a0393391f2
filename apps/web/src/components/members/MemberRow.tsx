import type { Role } from '@bucketgrid/shared';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { errorMessage } from '../../lib/errors.ts';
import { memberControls, roleLabels } from '../../lib/roles.ts';
import { type Member, trpc } from '../../lib/trpc.ts';
import { Badge } from '../Badge.tsx';
import { DateTime } from '../DateTime.tsx';
import { RoleBadge } from '../RoleBadge.tsx';

interface Props {
  member: Member;
  isMe: boolean;
  /** Owners on the dashboard: the only one can neither change their role nor leave. */
  ownerCount: number;
  onRemove: (member: Member) => void;
}

export function MemberRow({ member, isMe, ownerCount, onRemove }: Props) {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const { roleChoices, mayRemove, onlyOwner } = memberControls(
    dashboard.role,
    { role: member.role, isMe },
    ownerCount,
  );
  const setRole = trpc.members.setRole.useMutation({
    async onSuccess() {
      await utils.members.list.invalidate({ dashboardId: dashboard.id });
      // A change of one's own role changes what this page may show.
      if (isMe) await utils.dashboards.invalidate();
    },
  });

  return (
    <tr>
      <td>
        <span className="member-name">
          {member.name} {isMe && <Badge>You</Badge>}
        </span>
        <span className="muted member-email">{member.email}</span>
      </td>
      <td>
        {roleChoices.length > 0 ? (
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
              {roleChoices.map((role) => (
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
      <td>
        <DateTime ms={member.createdAt} dateOnly />
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
        {onlyOwner && isMe && (
          <span
            className="muted member-hint"
            title="Make someone else an owner to change your role or leave."
          >
            You are the only owner
          </span>
        )}
      </td>
    </tr>
  );
}
