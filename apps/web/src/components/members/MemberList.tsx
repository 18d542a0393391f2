import { useState } from 'react';
import { useMe } from '../../hooks/useMe.ts';
import type { Member } from '../../lib/trpc.ts';
import { Dialog } from '../Dialog.tsx';
import { ScrollHint } from '../ScrollHint.tsx';
import { MemberRow } from './MemberRow.tsx';
import { RemoveMemberForm } from './RemoveMemberForm.tsx';

export function MemberList({ members }: { members: Member[] }) {
  const me = useMe();
  const [removing, setRemoving] = useState<Member | null>(null);
  const close = () => setRemoving(null);
  const ownerCount = members.filter((member) => member.role === 'owner').length;
  return (
    <>
      <ScrollHint>
        <table className="table">
          <caption className="visually-hidden">Members</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <MemberRow
                key={member.userId}
                member={member}
                isMe={member.userId === me.id}
                ownerCount={ownerCount}
                onRemove={setRemoving}
              />
            ))}
          </tbody>
        </table>
      </ScrollHint>
      <Dialog
        open={removing !== null}
        title={removing?.userId === me.id ? 'Leave dashboard' : 'Remove member'}
        onClose={close}
      >
        {removing && (
          <RemoveMemberForm member={removing} isMe={removing.userId === me.id} onDone={close} />
        )}
      </Dialog>
    </>
  );
}
