import type { ActivityAction } from '@bucketgrid/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Activity, MissingEntity, type Store, UniqueViolation } from '../../src/store.ts';
import { type ContractContext, settleUpkeep } from './context.ts';

const DAY = 86_400_000;

export function invitationsContract(t: ContractContext): void {
  describe('invitations', () => {
    const { unique, makeUser, makeDashboard } = t;
    let store: Store;
    beforeAll(() => {
      store = t.store;
    });
    const invite = async (dashboardId: string, invitedBy: string, expiresAt = Date.now() + DAY) =>
      store.createInvitation({
        dashboardId,
        email: `${unique('guest')}@example.com`,
        role: 'user',
        tokenHash: unique('hash'),
        invitedBy,
        expiresAt,
      });

    it('lists pending invitations with the inviter, finds one by token hash, and renews it', async () => {
      const { owner, dashboard } = await makeDashboard();
      const first = await invite(dashboard.id, owner.id);
      const second = await invite(dashboard.id, owner.id);
      await invite(dashboard.id, owner.id, Date.now() - 1);
      const listed = await store.listInvitations(dashboard.id, Date.now());
      // Oldest first; two made in one millisecond list by id.
      const inOrder = [first, second].sort((a, b) =>
        a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt - b.createdAt,
      );
      expect(listed.map((i) => i.id)).toEqual(inOrder.map((i) => i.id));
      expect(listed.find((i) => i.id === first.id)).toEqual({
        ...first,
        invitedByName: owner.name,
      });
      expect(await store.getInvitationByTokenHash(first.tokenHash)).toEqual(first);
      expect(await store.getInvitationByTokenHash('nope')).toBeNull();

      const renewed = {
        tokenHash: unique('hash'),
        invitedBy: owner.id,
        expiresAt: first.expiresAt + 5,
      };
      expect(await store.renewInvitation(dashboard.id, first.id, renewed)).toEqual({
        ...first,
        ...renewed,
      });
      expect(await store.getInvitationByTokenHash(first.tokenHash)).toBeNull();
      // Another dashboard's id does not reach it.
      const other = await makeDashboard();
      expect(await store.renewInvitation(other.dashboard.id, first.id, renewed)).toBeNull();
      expect(await store.deleteInvitation(other.dashboard.id, first.id)).toBe(false);
      expect(await store.deleteInvitation(dashboard.id, first.id)).toBe(true);
      expect(await store.deleteInvitation(dashboard.id, first.id)).toBe(false);
    });

    it('holds one pending invitation per address and dashboard; an expired one gives way', async () => {
      const { owner, dashboard } = await makeDashboard();
      const pending = await invite(dashboard.id, owner.id);
      const again = { ...pending, tokenHash: unique('hash') };
      await expect(
        store.createInvitation({
          dashboardId: again.dashboardId,
          email: again.email,
          role: 'admin',
          tokenHash: again.tokenHash,
          invitedBy: owner.id,
          expiresAt: Date.now() + DAY,
        }),
      ).rejects.toEqual(new UniqueViolation('invitation'));
      const expired = await invite(dashboard.id, owner.id, Date.now() - 1);
      const replacement = await store.createInvitation({
        dashboardId: dashboard.id,
        email: expired.email,
        role: 'admin',
        tokenHash: unique('hash'),
        invitedBy: owner.id,
        expiresAt: Date.now() + DAY,
      });
      expect(await store.getInvitationByTokenHash(expired.tokenHash)).toBeNull();
      expect(await store.getInvitationByTokenHash(replacement.tokenHash)).toEqual(replacement);
      // The same address may be pending on another dashboard.
      const other = await makeDashboard();
      await store.createInvitation({
        ...again,
        dashboardId: other.dashboard.id,
        invitedBy: other.owner.id,
        expiresAt: Date.now() + DAY,
      });
    });

    it('refuses an invitation to a dashboard that does not exist', async () => {
      const user = await makeUser();
      await expect(invite('no-such-dashboard', user.id)).rejects.toEqual(
        new MissingEntity('dashboard'),
      );
    });

    it('accepts once: the user becomes a member with its role and the invitation is gone', async () => {
      const { owner, dashboard } = await makeDashboard();
      const invitation = await store.createInvitation({
        dashboardId: dashboard.id,
        email: `${unique('guest')}@example.com`,
        role: 'admin',
        tokenHash: unique('hash'),
        invitedBy: owner.id,
        expiresAt: Date.now() + DAY,
      });
      const guest = await makeUser();
      const [one, two] = await Promise.allSettled([
        store.acceptInvitation(invitation.id, guest.id, Date.now()),
        store.acceptInvitation(invitation.id, guest.id, Date.now()),
      ]);
      const outcomes = [one, two].map((o) => (o.status === 'fulfilled' ? o.value : o.reason));
      expect(outcomes.filter((o) => o && 'role' in o)).toEqual([
        expect.objectContaining({ dashboardId: dashboard.id, userId: guest.id, role: 'admin' }),
      ]);
      expect((await store.getMembership(dashboard.id, guest.id))?.role).toBe('admin');
      expect(await store.getInvitationByTokenHash(invitation.tokenHash)).toBeNull();
      expect(await store.acceptInvitation(invitation.id, guest.id, Date.now())).toBeNull();
    });

    it('does not accept an expired invitation, nor make a member twice', async () => {
      const { owner, dashboard } = await makeDashboard();
      const expired = await invite(dashboard.id, owner.id, Date.now() + 1000);
      const guest = await makeUser();
      expect(await store.acceptInvitation(expired.id, guest.id, Date.now() + 1000)).toBeNull();
      expect(await store.getMembership(dashboard.id, guest.id)).toBeNull();
      const pending = await invite(dashboard.id, owner.id);
      await expect(store.acceptInvitation(pending.id, owner.id, Date.now())).rejects.toEqual(
        new UniqueViolation('membership'),
      );
      expect(await store.getInvitationByTokenHash(pending.tokenHash)).toEqual(pending);
    });

    it('goes with its dashboard', async () => {
      const { owner, dashboard } = await makeDashboard();
      const invitation = await invite(dashboard.id, owner.id);
      await store.deleteDashboard(dashboard.id);
      expect(await store.getInvitationByTokenHash(invitation.tokenHash)).toBeNull();
    });

    const note = (dashboardId: string, action: ActivityAction): Activity => ({
      dashboardId,
      at: Date.now(),
      actor: { type: 'user', id: 'user-1', label: 'ada@example.com' },
      action,
      target: { type: 'invitation', id: 'given', label: 'guest@example.com' },
      address: '127.0.0.1',
    });
    const logged = async (dashboardId: string) =>
      (await store.listActivity(dashboardId, {}, { limit: 200 })).entries
        .map((entry) => [entry.action, entry.target.id])
        .sort();

    it('writes each change’s entry with it, and none for a change that changed nothing', async () => {
      const { owner, dashboard } = await makeDashboard();
      const guest = await makeUser();
      const sent = await store.createInvitation(
        {
          dashboardId: dashboard.id,
          email: guest.email,
          role: 'user',
          tokenHash: unique('hash'),
          invitedBy: owner.id,
          expiresAt: Date.now() + DAY,
        },
        note(dashboard.id, 'invitation.sent'),
      );
      const other = await invite(dashboard.id, owner.id);
      const renewal = {
        tokenHash: unique('hash'),
        invitedBy: owner.id,
        expiresAt: Date.now() + DAY,
      };
      await store.renewInvitation(
        dashboard.id,
        sent.id,
        renewal,
        note(dashboard.id, 'invitation.resent'),
      );
      await store.deleteInvitation(
        dashboard.id,
        other.id,
        note(dashboard.id, 'invitation.revoked'),
      );
      await store.acceptInvitation(
        sent.id,
        guest.id,
        Date.now(),
        note(dashboard.id, 'invitation.accepted'),
      );
      // Each again: nothing is left to renew, revoke or accept.
      expect(
        await store.renewInvitation(
          dashboard.id,
          sent.id,
          renewal,
          note(dashboard.id, 'invitation.resent'),
        ),
      ).toBeNull();
      expect(
        await store.deleteInvitation(
          dashboard.id,
          other.id,
          note(dashboard.id, 'invitation.revoked'),
        ),
      ).toBe(false);
      expect(
        await store.acceptInvitation(
          sent.id,
          guest.id,
          Date.now(),
          note(dashboard.id, 'invitation.accepted'),
        ),
      ).toBeNull();
      expect(await logged(dashboard.id)).toEqual([
        ['invitation.accepted', 'given'],
        ['invitation.resent', 'given'],
        ['invitation.revoked', 'given'],
        ['invitation.sent', sent.id],
      ]);
    });

    it('is removed by upkeep once expired', async () => {
      const { owner, dashboard } = await makeDashboard();
      const expired = await invite(dashboard.id, owner.id, Date.now() - 1);
      const pending = await invite(dashboard.id, owner.id);
      await settleUpkeep(store);
      expect(await store.getInvitationByTokenHash(expired.tokenHash)).toBeNull();
      expect(await store.getInvitationByTokenHash(pending.tokenHash)).toEqual(pending);
    });
  });
}
