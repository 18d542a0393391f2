import { roleAtLeast as atLeast, type Role, roles } from '@bucketgrid/shared';

/** The UI side of the role rules (`packages/shared`'s role order and rank, enforced by the server's procedures). */

export const roleLabels: Record<Role, string> = { user: 'User', admin: 'Admin', owner: 'Owner' };

export const roleDescriptions: Record<Role, string> = {
  user: 'sees the dashboard and its data',
  admin: 'also manages buckets, keys, members and settings',
  owner: 'also manages owners and can delete the dashboard',
};

/** What the viewer may do on a dashboard, for showing or hiding controls. */
export function capabilities(role: Role) {
  return {
    manageData: atLeast(role, 'admin'),
    editGrid: atLeast(role, 'admin'),
    manageKeys: atLeast(role, 'admin'),
    manageMembers: atLeast(role, 'admin'),
    editSettings: atLeast(role, 'admin'),
    readActivity: atLeast(role, 'admin'),
    deleteDashboard: role === 'owner',
  };
}

/** Roles the viewer may give: none for users, never above their own. */
export function grantableRoles(viewer: Role): Role[] {
  if (!atLeast(viewer, 'admin')) return [];
  return roles.filter((role) => atLeast(viewer, role));
}

/** Whether the viewer may change or remove a member who has `target` (only owners touch owners). */
export function canManageMember(viewer: Role, target: Role): boolean {
  return atLeast(viewer, 'admin') && (target !== 'owner' || viewer === 'owner');
}

/** The choices of a member's role picker; empty when the viewer may not change it. */
export function roleChoicesFor(viewer: Role, target: Role): Role[] {
  return canManageMember(viewer, target) ? grantableRoles(viewer) : [];
}

/** Whether a member is the dashboard's one owner, whom nobody may re-role or remove (last_owner). */
export function isOnlyOwner(target: Role, ownerCount: number): boolean {
  return target === 'owner' && ownerCount <= 1;
}

/** The controls of a member's row: role choices, Remove (or Leave, for oneself), or neither. */
export function memberControls(
  viewer: Role,
  member: { role: Role; isMe: boolean },
  ownerCount: number,
): { roleChoices: Role[]; mayRemove: boolean; onlyOwner: boolean } {
  const onlyOwner = isOnlyOwner(member.role, ownerCount);
  return {
    roleChoices: onlyOwner ? [] : roleChoicesFor(viewer, member.role),
    mayRemove: !onlyOwner && (member.isMe || canManageMember(viewer, member.role)),
    onlyOwner,
  };
}
