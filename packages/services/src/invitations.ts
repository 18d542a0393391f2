import { AppError, emailSchema, type Role, roleAtLeast } from '@bucketgrid/shared';
import {
  type Dashboard,
  type InvitationWithInviter,
  type MemberWithUser,
  MissingEntity,
  type Store,
  UniqueViolation,
} from '@bucketgrid/store';
import { type ChangeAuthor, noteOf } from './activity.ts';
import { invitationMail } from './invitation-mail.ts';
import type { Mailer, MailOutcome } from './mailer.ts';
import { addMember } from './members.ts';
import type { SharedWindowLimiter } from './rate-limit.ts';
import { hashLinkToken, newLinkToken } from './tokens.ts';
import { validate } from './validate.ts';

/** How long an invitation link works. */
export const INVITATION_LIFETIME_MS = 7 * 86_400_000;
/** Invitations (new ones and resends: each sends an email) per dashboard per day. */
export const INVITATIONS_PER_DASHBOARD_PER_DAY = 50;
export const INVITATION_WINDOW_MS = 86_400_000;

export interface InvitationDeps {
  store: Store;
  mailer: Mailer;
  /** Where the app is served (PUBLIC_URL): links in emails never come from a request's Host. */
  publicUrl: string;
  now: () => number;
  /** Counts INVITATIONS_PER_DASHBOARD_PER_DAY. */
  perDashboard: SharedWindowLimiter;
}

export interface Inviter {
  id: string;
  name: string;
  role: Role;
}

/** A pending invitation as members see it (never its token or hash). */
export interface PendingInvitation {
  id: string;
  email: string;
  role: Role;
  invitedByName: string;
  createdAt: number;
  expiresAt: number;
}

/** A link shown once to the inviter, and what became of its email. */
export interface SentInvitation {
  invitation: PendingInvitation;
  link: string;
  mail: MailOutcome;
}

export type InviteOutcome =
  | { kind: 'member'; member: MemberWithUser }
  | ({ kind: 'invited' } & SentInvitation);

function pending(invitation: InvitationWithInviter): PendingInvitation {
  const { id, email, role, invitedByName, createdAt, expiresAt } = invitation;
  return { id, email, role, invitedByName, createdAt, expiresAt };
}

export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/invite/${token}`;
}

async function spendDailyBudget(deps: InvitationDeps, dashboardId: string): Promise<void> {
  const outcome = await deps.perDashboard.consume(dashboardId, 1, deps.now());
  if (!outcome.allowed) {
    throw new AppError(
      'rate_limited',
      `This dashboard has sent ${INVITATIONS_PER_DASHBOARD_PER_DAY} invitations today. Try again in ${Math.ceil(outcome.resetSeconds / 3600)} hours.`,
      { retryAfterSeconds: outcome.resetSeconds },
    );
  }
}

async function send(
  deps: InvitationDeps,
  inviter: Inviter,
  dashboard: Dashboard,
  invitation: { email: string; role: Role; expiresAt: number },
  token: string,
): Promise<{ link: string; mail: MailOutcome }> {
  const link = invitationLink(deps.publicUrl, token);
  const mail = await deps.mailer.send(
    invitationMail({
      to: invitation.email,
      inviterName: inviter.name,
      dashboardName: dashboard.name,
      role: invitation.role,
      link,
      expiresAt: invitation.expiresAt,
    }),
  );
  return { link, mail };
}

/**
 * Invites by email: an address with an account becomes a member at once; any other gets a
 * pending invitation (by email when email is on; the link is returned either way, to show
 * once). The role rules are those of members.ts: nobody grants a role above their own.
 */
export async function invite(
  deps: InvitationDeps,
  inviter: Inviter,
  dashboard: Dashboard,
  input: { email: string; role: Role },
  by?: ChangeAuthor,
): Promise<InviteOutcome> {
  const { store } = deps;
  if (!roleAtLeast(inviter.role, input.role)) {
    throw new AppError('forbidden', `As ${inviter.role} you cannot grant the role ${input.role}.`);
  }
  const email = validate(emailSchema, input.email, 'email');
  if (await store.getUserByEmail(email)) {
    const member = await addMember(
      store,
      inviter.role,
      { dashboardId: dashboard.id, email, role: input.role },
      by,
    );
    return { kind: 'member', member };
  }
  await spendDailyBudget(deps, dashboard.id);
  const { token, hash } = newLinkToken();
  const expiresAt = deps.now() + INVITATION_LIFETIME_MS;
  try {
    // The store fills in the new invitation's id.
    const note = noteOf(by, dashboard.id, 'invitation.sent', invitationTarget('', email), {
      after: { role: input.role },
    });
    const invitation = await store.createInvitation(
      {
        dashboardId: dashboard.id,
        email,
        role: input.role,
        tokenHash: hash,
        invitedBy: inviter.id,
        expiresAt,
      },
      note,
    );
    const sent = await send(deps, inviter, dashboard, invitation, token);
    return {
      kind: 'invited',
      invitation: pending({ ...invitation, invitedByName: inviter.name }),
      ...sent,
    };
  } catch (error) {
    if (error instanceof UniqueViolation) {
      throw new AppError(
        'already_invited',
        `${email} is already invited: resend or revoke that invitation instead.`,
      );
    }
    if (error instanceof MissingEntity) throw new AppError('not_found', 'No such dashboard.');
    throw error;
  }
}

export async function listInvitations(
  deps: Pick<InvitationDeps, 'store' | 'now'>,
  dashboardId: string,
): Promise<PendingInvitation[]> {
  return (await deps.store.listInvitations(dashboardId, deps.now())).map(pending);
}

/** A pending invitation of the dashboard that the inviter's role may manage. */
async function managed(deps: InvitationDeps, inviter: Inviter, dashboardId: string, id: string) {
  const found = (await deps.store.listInvitations(dashboardId, deps.now())).find(
    (invitation) => invitation.id === id,
  );
  if (!found) throw new AppError('not_found', 'No such pending invitation on this dashboard.');
  if (!roleAtLeast(inviter.role, found.role)) {
    throw new AppError(
      'forbidden',
      `As ${inviter.role} you cannot manage an ${found.role} invitation.`,
    );
  }
  return found;
}

/** A new link (the old one stops working), a new 7-day expiry, and the email again. */
export async function resendInvitation(
  deps: InvitationDeps,
  inviter: Inviter,
  dashboard: Dashboard,
  id: string,
  by?: ChangeAuthor,
): Promise<SentInvitation> {
  const current = await managed(deps, inviter, dashboard.id, id);
  await spendDailyBudget(deps, dashboard.id);
  const { token, hash } = newLinkToken();
  const renewed = await deps.store.renewInvitation(
    dashboard.id,
    id,
    { tokenHash: hash, invitedBy: inviter.id, expiresAt: deps.now() + INVITATION_LIFETIME_MS },
    noteOf(by, dashboard.id, 'invitation.resent', invitationTarget(id, current.email)),
  );
  if (!renewed) throw new AppError('not_found', 'No such pending invitation on this dashboard.');
  const sent = await send(deps, inviter, dashboard, renewed, token);
  return { invitation: pending({ ...renewed, invitedByName: inviter.name }), ...sent };
}

export async function revokeInvitation(
  deps: InvitationDeps,
  inviter: Inviter,
  dashboardId: string,
  id: string,
  by?: ChangeAuthor,
): Promise<void> {
  const current = await managed(deps, inviter, dashboardId, id);
  await deps.store.deleteInvitation(
    dashboardId,
    id,
    noteOf(by, dashboardId, 'invitation.revoked', invitationTarget(id, current.email), {
      before: { role: current.role },
    }),
  );
}

/** What the log names an invitation by: the address it was sent to. */
function invitationTarget(id: string, email: string) {
  return { type: 'invitation', id, label: email };
}

const GONE =
  'This invitation link is not valid: it was used, revoked or has expired. Ask for a new one.';

/** The invitation a token opens, if still pending; not_found otherwise (whatever the reason). */
async function byToken(deps: Pick<InvitationDeps, 'store' | 'now'>, token: string) {
  const invitation = await deps.store.getInvitationByTokenHash(hashLinkToken(token));
  if (!invitation || invitation.expiresAt <= deps.now()) throw new AppError('not_found', GONE);
  return invitation;
}

/** What the invitation page shows before accepting: the dashboard, the role, the address. */
export async function previewInvitation(
  deps: Pick<InvitationDeps, 'store' | 'now'>,
  token: string,
): Promise<{
  email: string;
  role: Role;
  dashboardName: string;
  inviterName: string;
  hasAccount: boolean;
}> {
  const invitation = await byToken(deps, token);
  const [dashboard, inviter, account] = await Promise.all([
    deps.store.getDashboard(invitation.dashboardId),
    deps.store.getUserById(invitation.invitedBy),
    deps.store.getUserByEmail(invitation.email),
  ]);
  if (!dashboard) throw new AppError('not_found', GONE);
  return {
    email: invitation.email,
    role: invitation.role,
    dashboardName: dashboard.name,
    inviterName: inviter?.name ?? '',
    hasAccount: account !== null,
  };
}

/**
 * Joins the signed-in user to the invitation's dashboard (only the dashboard the token was
 * made for), once. The account's email must be the invited one.
 */
export async function acceptInvitation(
  deps: Pick<InvitationDeps, 'store' | 'now'>,
  user: { id: string; email: string },
  token: string,
  by?: ChangeAuthor,
): Promise<{ dashboardId: string; role: Role }> {
  const invitation = await byToken(deps, token);
  if (invitation.email !== user.email) {
    throw new AppError(
      'invitation_for_another_email',
      `This invitation is for ${invitation.email}, and you are signed in as ${user.email}. Sign out, then open the link again and sign in or sign up with ${invitation.email}.`,
    );
  }
  try {
    const note = noteOf(
      by,
      invitation.dashboardId,
      'invitation.accepted',
      { type: 'member', id: user.id, label: user.email },
      { after: { role: invitation.role } },
    );
    const membership = await deps.store.acceptInvitation(invitation.id, user.id, deps.now(), note);
    if (!membership) throw new AppError('not_found', GONE);
    return { dashboardId: membership.dashboardId, role: membership.role };
  } catch (error) {
    if (error instanceof UniqueViolation) {
      throw new AppError('already_member', 'You are already a member of this dashboard.');
    }
    if (error instanceof MissingEntity) throw new AppError('not_found', GONE);
    throw error;
  }
}
