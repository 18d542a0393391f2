import { AppError, emailSchema, type Role, roleAtLeast } from '@bucketgrid/shared';
import {
  LastOwner,
  type MemberWithUser,
  MissingEntity,
  type Store,
  UniqueViolation,
} from '@bucketgrid/store';
import { type ChangeAuthor, noteOf } from './activity.ts';
import { validate } from './validate.ts';

/**
 * The role rules of SPEC §1, in one place:
 * - nobody grants a role above their own;
 * - only owners add, re-role or remove owners (admins manage users and admins);
 * - a dashboard always keeps at least one owner;
 * - any member may leave (remove themselves), the last owner excepted.
 */

function assertMayGrant(actorRole: Role, role: Role): void {
  if (!roleAtLeast(actorRole, role)) {
    throw new AppError('forbidden', `As ${actorRole} you cannot grant the role ${role}.`);
  }
}

function assertMayManage(actorRole: Role, targetRole: Role): void {
  if (targetRole === 'owner' && actorRole !== 'owner') {
    throw new AppError('forbidden', 'Only an owner can change or remove an owner.');
  }
}

/** The store refuses, atomically, to leave a dashboard without an owner. */
async function unlessLastOwner(change: Promise<void>): Promise<void> {
  try {
    await change;
  } catch (error) {
    if (error instanceof LastOwner) {
      throw new AppError(
        'last_owner',
        'This is the last owner: make someone else an owner first, or delete the dashboard.',
      );
    }
    throw error;
  }
}

async function targetMembership(store: Store, dashboardId: string, userId: string) {
  const membership = await store.getMembership(dashboardId, userId);
  if (!membership) throw new AppError('not_found', 'That user is not a member of this dashboard.');
  return membership;
}

export async function addMember(
  store: Store,
  actorRole: Role,
  input: { dashboardId: string; email: string; role: Role },
  by?: ChangeAuthor,
): Promise<MemberWithUser> {
  assertMayGrant(actorRole, input.role);
  const email = validate(emailSchema, input.email, 'email');
  const user = await store.getUserByEmail(email);
  if (!user) {
    throw new AppError('not_found', 'No Bucketgrid account uses that email; ask them to sign up.');
  }
  try {
    const note = noteOf(by, input.dashboardId, 'member.added', memberTarget(user), {
      after: { role: input.role },
    });
    const membership = await store.addMember(input.dashboardId, user.id, input.role, note);
    return { ...membership, email: user.email, name: user.name };
  } catch (error) {
    if (error instanceof UniqueViolation) {
      throw new AppError('already_member', `${user.email} is already a member.`);
    }
    // The dashboard was deleted meanwhile.
    if (error instanceof MissingEntity && error.entity === 'dashboard') {
      throw new AppError('not_found', 'No such dashboard.');
    }
    throw error;
  }
}

export async function setMemberRole(
  store: Store,
  actorRole: Role,
  input: { dashboardId: string; userId: string; role: Role },
  by?: ChangeAuthor,
): Promise<void> {
  const target = await targetMembership(store, input.dashboardId, input.userId);
  assertMayManage(actorRole, target.role);
  assertMayGrant(actorRole, input.role);
  if (target.role === input.role) return;
  const note = noteOf(
    by,
    input.dashboardId,
    'member.role_changed',
    memberTarget(await memberUser(store, input.userId)),
    { before: { role: target.role }, after: { role: input.role } },
  );
  await unlessLastOwner(store.setMemberRole(input.dashboardId, input.userId, input.role, note));
}

export async function removeMember(
  store: Store,
  actor: { userId: string; role: Role },
  input: { dashboardId: string; userId: string },
  by?: ChangeAuthor,
): Promise<void> {
  const target = await targetMembership(store, input.dashboardId, input.userId);
  const leaving = actor.userId === input.userId;
  if (!leaving) {
    if (!roleAtLeast(actor.role, 'admin')) {
      throw new AppError('forbidden', 'Only owners and admins remove members.');
    }
    assertMayManage(actor.role, target.role);
  }
  const note = noteOf(
    by,
    input.dashboardId,
    'member.removed',
    memberTarget(await memberUser(store, input.userId)),
    { before: { role: target.role } },
  );
  await unlessLastOwner(store.removeMember(input.dashboardId, input.userId, note));
}

/** A member's account, for the log's target label (an account gone meanwhile has its id). */
async function memberUser(store: Store, userId: string): Promise<{ id: string; email: string }> {
  return (await store.getUserById(userId)) ?? { id: userId, email: userId };
}

function memberTarget(user: { id: string; email: string }) {
  return { type: 'member', id: user.id, label: user.email };
}

export function listMembers(store: Store, dashboardId: string): Promise<MemberWithUser[]> {
  return store.listMembers(dashboardId);
}
