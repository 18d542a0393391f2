import { describe, expect, it } from 'vitest';
import {
  canManageMember,
  capabilities,
  grantableRoles,
  memberControls,
  roleChoicesFor,
} from './roles.ts';

describe('role rules in the UI', () => {
  it('grants only roles up to the viewer’s own', () => {
    expect(grantableRoles('owner')).toEqual(['user', 'admin', 'owner']);
    expect(grantableRoles('admin')).toEqual(['user', 'admin']);
    expect(grantableRoles('user')).toEqual([]);
  });

  it('lets only owners touch owners', () => {
    expect(canManageMember('owner', 'owner')).toBe(true);
    expect(canManageMember('admin', 'owner')).toBe(false);
    expect(canManageMember('admin', 'admin')).toBe(true);
    expect(canManageMember('user', 'user')).toBe(false);
  });

  it('offers a member’s role choices only when the viewer may change them', () => {
    expect(roleChoicesFor('admin', 'user')).toEqual(['user', 'admin']);
    expect(roleChoicesFor('admin', 'owner')).toEqual([]);
    expect(roleChoicesFor('owner', 'admin')).toEqual(['user', 'admin', 'owner']);
  });

  it('offers the only owner neither a role change nor Leave', () => {
    expect(memberControls('owner', { role: 'owner', isMe: true }, 1)).toEqual({
      roleChoices: [],
      mayRemove: false,
      onlyOwner: true,
    });
    expect(memberControls('owner', { role: 'owner', isMe: true }, 2)).toEqual({
      roleChoices: ['user', 'admin', 'owner'],
      mayRemove: true,
      onlyOwner: false,
    });
    expect(memberControls('owner', { role: 'owner', isMe: false }, 2).mayRemove).toBe(true);
    expect(memberControls('admin', { role: 'admin', isMe: true }, 1)).toEqual({
      roleChoices: ['user', 'admin'],
      mayRemove: true,
      onlyOwner: false,
    });
    expect(memberControls('admin', { role: 'owner', isMe: false }, 1)).toMatchObject({
      roleChoices: [],
      mayRemove: false,
    });
    expect(memberControls('user', { role: 'user', isMe: true }, 1)).toEqual({
      roleChoices: [],
      mayRemove: true,
      onlyOwner: false,
    });
  });

  it('hides key management and settings from users', () => {
    expect(capabilities('user')).toEqual({
      manageData: false,
      editGrid: false,
      manageKeys: false,
      manageMembers: false,
      editSettings: false,
      readActivity: false,
      deleteDashboard: false,
    });
    expect(capabilities('admin').manageKeys).toBe(true);
    expect(capabilities('admin').readActivity).toBe(true);
    expect(capabilities('admin').deleteDashboard).toBe(false);
    expect(capabilities('owner').deleteDashboard).toBe(true);
  });
});
