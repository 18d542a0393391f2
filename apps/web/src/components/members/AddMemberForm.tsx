import { emailSchema, type Role } from '@bucketgrid/shared';
import { type FormEvent, useState } from 'react';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { grantableRoles, roleDescriptions, roleLabels } from '../../lib/roles.ts';
import { trpc } from '../../lib/trpc.ts';
import { checkFields } from '../../lib/validate.ts';
import { FormError } from '../FormError.tsx';
import { SelectField } from '../SelectField.tsx';
import { TextField } from '../TextField.tsx';
import { InvitationLink, type MailOutcome } from './InvitationLink.tsx';

export function AddMemberForm() {
  const dashboard = useDashboard();
  const utils = trpc.useUtils();
  const roles = grantableRoles(dashboard.role);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('user');
  const [invited, setInvited] = useState<{ email: string; link: string; mail: MailOutcome } | null>(
    null,
  );
  // An address with an account becomes a member at once; any other is invited by link.
  const add = trpc.invitations.invite.useMutation({
    async onSuccess(result) {
      setInvited(
        result.kind === 'invited'
          ? { email: result.invitation.email, link: result.link, mail: result.mail }
          : null,
      );
      await Promise.all([
        utils.members.list.invalidate({ dashboardId: dashboard.id }),
        utils.invitations.list.invalidate({ dashboardId: dashboard.id }),
      ]);
      setEmail('');
    },
  });

  const [invalid, setInvalid] = useState<Record<string, string>>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const problems = checkFields({ email: [emailSchema, email] });
    setInvalid(problems);
    if (!problems.email) add.mutate({ dashboardId: dashboard.id, email, role });
  }

  return (
    <>
      <form className="card form-row" onSubmit={submit} aria-label="Add a member">
        <TextField
          label="Email"
          type="email"
          required
          placeholder="teammate@example.com"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={invalid.email}
          hint="Without a Bucketgrid account, they get an invitation link."
        />
        <SelectField
          label="Role"
          value={role}
          onChange={(event) => setRole(event.target.value as Role)}
          hint={`${roleLabels[role]}: ${roleDescriptions[role]}.`}
        >
          {roles.map((option) => (
            <option key={option} value={option}>
              {roleLabels[option]}
            </option>
          ))}
        </SelectField>
        <button type="submit" className="btn btn-primary" disabled={add.isPending}>
          {add.isPending ? 'Adding…' : 'Add member'}
        </button>
        <FormError error={add.error} />
      </form>
      {invited && <InvitationLink {...invited} />}
    </>
  );
}
