import { ErrorState } from '../../components/ErrorState.tsx';
import { AddMemberForm } from '../../components/members/AddMemberForm.tsx';
import { MemberList } from '../../components/members/MemberList.tsx';
import { PendingInvitations } from '../../components/members/PendingInvitations.tsx';
import { SkeletonRows } from '../../components/SkeletonRows.tsx';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { capabilities } from '../../lib/roles.ts';
import { trpc } from '../../lib/trpc.ts';

export function MembersTab() {
  const dashboard = useDashboard();
  useDocumentTitle('Members', dashboard.name);
  const members = trpc.members.list.useQuery({ dashboardId: dashboard.id });
  return (
    <section className="stack-lg" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      {capabilities(dashboard.role).manageMembers && <AddMemberForm />}
      {capabilities(dashboard.role).manageMembers && <PendingInvitations />}
      {members.isPending ? (
        <SkeletonRows label="Loading members" />
      ) : members.isError ? (
        <ErrorState error={members.error} onRetry={() => members.refetch()} />
      ) : (
        <MemberList members={members.data} />
      )}
    </section>
  );
}
