import { describe, expect, it } from 'vitest';
import { canManageMember, capabilities, grantableRoles, roleChoicesFor } from './roles.ts';

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

  it('hides key management and settings from users', () => {
    expect(capabilities('user')).toEqual({
      manageData: false,
      manageKeys: false,
      manageMembers: false,
      editSettings: false,
      deleteDashboard: false,
    });
    expect(capabilities('admin').manageKeys).toBe(true);
    expect(capabilities('admin').deleteDashboard).toBe(false);
    expect(capabilities('owner').deleteDashboard).toBe(true);
  });
});
