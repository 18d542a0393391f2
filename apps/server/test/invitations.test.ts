import { createHash } from 'node:crypto';
import { INVITATION_LIFETIME_MS } from '@bucketgrid/services';
import { startTestMailServer, type TestMailServer } from '@bucketgrid/services/test/mail-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';
import { browserClient, outcome, signUp } from './trpc-client.ts';

/** Invitations by email, end to end over HTTP, with a real SMTP server receiving them. */

const BUSY_MACHINE = { timeout: 60_000 };
const CAP = 3;

let smtp: TestMailServer;
let server: TestServer;
const logged: string[] = [];

beforeAll(async () => {
  smtp = await startTestMailServer();
  server = await startTestServer({
    smtpUrl: smtp.url,
    mailFrom: 'Bucketgrid <grid@example.com>',
    invitationsPerDashboardPerDay: CAP,
    logger: (...entry) => logged.push(JSON.stringify(entry)),
  });
}, BUSY_MACHINE.timeout);
afterAll(async () => {
  await server.stopAll();
  await smtp.close();
});

let n = 0;
const newAddress = () => `guest-${++n}-${Date.now()}@example.com`;

async function ownerWithDashboard(name = 'Olivia') {
  const owner = await signUp(server.url, name);
  const dashboard = await owner.client.dashboards.create.mutate({ name: `Plant ${++n}` });
  return { owner, dashboard };
}

const tokenOf = (link: string) => link.split('/invite/')[1]!;

describe('invitations', () => {
  it(
    'emails a new address a single-use link that makes its account a member',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard } = await ownerWithDashboard();
      const email = newAddress();
      const arrived = smtp.nextMessageTo(email);
      const sent = await owner.client.invitations.invite.mutate({
        dashboardId: dashboard.id,
        email,
        role: 'user',
      });
      if (sent.kind !== 'invited') throw new Error('expected a pending invitation');
      expect(sent.mail).toBe('sent');
      expect(sent.link).toMatch(new RegExp(`^${server.url}/invite/[0-9A-Za-z]{32}$`));
      expect(sent.invitation).toMatchObject({ email, role: 'user', invitedByName: 'Olivia' });
      expect(sent.invitation.expiresAt).toBe(server.clock.now + INVITATION_LIFETIME_MS);

      const mail = await arrived;
      expect(mail.subject).toBe(`Olivia invited you to “${dashboard.name}” on Bucketgrid`);
      expect(mail.text).toContain(sent.link);
      expect(mail.html).toContain(`href="${sent.link}"`);
      expect(mail.from?.value[0]?.address).toBe('grid@example.com');

      // Stored only as its SHA-256; listed without it.
      const token = tokenOf(sent.link);
      const stored = await server.store.getInvitationByTokenHash(
        createHash('sha256').update(token).digest('hex'),
      );
      expect(stored?.email).toBe(email);
      expect(
        JSON.stringify(await server.store.listInvitations(dashboard.id, Date.now())),
      ).not.toContain(token);
      const listed = await owner.client.invitations.list.query({ dashboardId: dashboard.id });
      expect(listed).toEqual([sent.invitation]);
      expect(JSON.stringify(listed)).not.toContain(token);

      const anonymous = browserClient(server.url);
      await expect(anonymous.client.invitations.preview.query({ token })).resolves.toEqual({
        email,
        role: 'user',
        dashboardName: dashboard.name,
        inviterName: 'Olivia',
        hasAccount: false,
      });
      const guest = browserClient(server.url);
      await guest.client.auth.signUp.mutate({
        email,
        password: 'correct horse battery',
        name: 'Gus',
      });
      const joined = await guest.client.invitations.accept.mutate({ token });
      expect(joined).toMatchObject({ dashboardId: dashboard.id, role: 'user' });
      expect(joined.path).toBe(`/${owner.user.workspace}/${dashboard.slug}`);
      const members = await owner.client.members.list.query({ dashboardId: dashboard.id });
      expect(members.map((m) => [m.email, m.role])).toContainEqual([email, 'user']);
      await expect(
        owner.client.invitations.list.query({ dashboardId: dashboard.id }),
      ).resolves.toEqual([]);
      // Single use.
      expect(await outcome(() => guest.client.invitations.accept.mutate({ token }))).toBe(
        'NOT_FOUND:not_found',
      );
      // No token reached the log.
      expect(logged.join('\n')).not.toContain(token);
    },
  );

  it(
    'adds an address with an account at once, and says clearly what cannot be invited',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard } = await ownerWithDashboard();
      const bob = await signUp(server.url, 'Bob');
      const added = await owner.client.invitations.invite.mutate({
        dashboardId: dashboard.id,
        email: bob.email,
        role: 'admin',
      });
      expect(added).toMatchObject({ kind: 'member', member: { email: bob.email, role: 'admin' } });
      const invite = (
        client: typeof owner.client,
        email: string,
        role: 'user' | 'admin' | 'owner',
      ) =>
        outcome(() => client.invitations.invite.mutate({ dashboardId: dashboard.id, email, role }));
      expect(await invite(owner.client, bob.email, 'user')).toBe('CONFLICT:already_member');
      const pending = newAddress();
      expect(await invite(owner.client, pending, 'user')).toBe('ok');
      expect(await invite(owner.client, pending, 'admin')).toBe('CONFLICT:already_invited');
      // An admin invites users and admins, never owners.
      expect(await invite(bob.client, newAddress(), 'owner')).toBe('FORBIDDEN:forbidden');
      expect(await invite(bob.client, newAddress(), 'admin')).toBe('ok');
      // A user invites nobody; a stranger does not learn the dashboard exists.
      const uma = await signUp(server.url, 'Uma');
      await owner.client.members.add.mutate({
        dashboardId: dashboard.id,
        email: uma.email,
        role: 'user',
      });
      expect(await invite(uma.client, newAddress(), 'user')).toBe('FORBIDDEN:forbidden');
      const stranger = await signUp(server.url, 'Stranger');
      expect(await invite(stranger.client, newAddress(), 'user')).toBe('NOT_FOUND:not_found');
    },
  );

  it('refuses an account of another email, and a link past its 7 days', BUSY_MACHINE, async () => {
    const { owner, dashboard } = await ownerWithDashboard();
    const sent = await owner.client.invitations.invite.mutate({
      dashboardId: dashboard.id,
      email: newAddress(),
      role: 'user',
    });
    if (sent.kind !== 'invited') throw new Error('expected a pending invitation');
    const token = tokenOf(sent.link);
    const other = await signUp(server.url, 'Other');
    expect(await outcome(() => other.client.invitations.accept.mutate({ token }))).toBe(
      'FORBIDDEN:invitation_for_another_email',
    );
    const later = server.clock.now;
    server.clock.now += INVITATION_LIFETIME_MS;
    try {
      expect(await outcome(() => other.client.invitations.preview.query({ token }))).toBe(
        'NOT_FOUND:not_found',
      );
      await expect(
        owner.client.invitations.list.query({ dashboardId: dashboard.id }),
      ).resolves.toEqual([]);
    } finally {
      server.clock.now = later;
    }
  });

  it(
    'survives a failing mail server: the link is returned, and a resend makes a new one',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard } = await ownerWithDashboard();
      const email = newAddress();
      smtp.refuseMessages(true);
      const sent = await owner.client.invitations.invite.mutate({
        dashboardId: dashboard.id,
        email,
        role: 'user',
      });
      smtp.refuseMessages(false);
      if (sent.kind !== 'invited') throw new Error('expected a pending invitation');
      expect(sent.mail).toBe('failed');
      const arrived = smtp.nextMessageTo(email);
      const resent = await owner.client.invitations.resend.mutate({
        dashboardId: dashboard.id,
        invitationId: sent.invitation.id,
      });
      expect(resent.mail).toBe('sent');
      expect((await arrived).text).toContain(resent.link);
      expect(resent.link).not.toBe(sent.link);
      const anonymous = browserClient(server.url);
      expect(
        await outcome(() =>
          anonymous.client.invitations.preview.query({ token: tokenOf(sent.link) }),
        ),
      ).toBe('NOT_FOUND:not_found');
      await owner.client.invitations.revoke.mutate({
        dashboardId: dashboard.id,
        invitationId: sent.invitation.id,
      });
      expect(
        await outcome(() =>
          anonymous.client.invitations.preview.query({ token: tokenOf(resent.link) }),
        ),
      ).toBe('NOT_FOUND:not_found');
    },
  );

  it(
    `caps invitations at ${CAP} per dashboard per day (a spam relay otherwise)`,
    BUSY_MACHINE,
    async () => {
      const { owner, dashboard } = await ownerWithDashboard();
      const invite = (dashboardId: string) =>
        outcome(() =>
          owner.client.invitations.invite.mutate({
            dashboardId,
            email: newAddress(),
            role: 'user',
          }),
        );
      for (let i = 0; i < CAP; i++) expect(await invite(dashboard.id)).toBe('ok');
      expect(await invite(dashboard.id)).toBe('TOO_MANY_REQUESTS:rate_limited');
      // Another dashboard has its own budget.
      const other = await owner.client.dashboards.create.mutate({ name: `Other ${++n}` });
      expect(await invite(other.id)).toBe('ok');
    },
  );

  it(
    'joins only the dashboard a token was made for; another dashboard cannot touch it',
    BUSY_MACHINE,
    async () => {
      const a = await ownerWithDashboard('Ann');
      const b = await ownerWithDashboard('Ben');
      const email = newAddress();
      const sent = await a.owner.client.invitations.invite.mutate({
        dashboardId: a.dashboard.id,
        email,
        role: 'admin',
      });
      if (sent.kind !== 'invited') throw new Error('expected a pending invitation');
      // B's owner cannot list, resend or revoke A's invitation through B.
      await expect(
        b.owner.client.invitations.list.query({ dashboardId: b.dashboard.id }),
      ).resolves.toEqual([]);
      for (const call of [
        () =>
          b.owner.client.invitations.resend.mutate({
            dashboardId: b.dashboard.id,
            invitationId: sent.invitation.id,
          }),
        () =>
          b.owner.client.invitations.revoke.mutate({
            dashboardId: b.dashboard.id,
            invitationId: sent.invitation.id,
          }),
        () => b.owner.client.invitations.list.query({ dashboardId: a.dashboard.id }),
      ]) {
        expect(await outcome(call)).toBe('NOT_FOUND:not_found');
      }
      const guest = browserClient(server.url);
      await guest.client.auth.signUp.mutate({
        email,
        password: 'correct horse battery',
        name: 'Gwen',
      });
      await guest.client.invitations.accept.mutate({ token: tokenOf(sent.link) });
      const dashboards = await guest.client.dashboards.list.query();
      expect(dashboards.map((d) => d.id)).toEqual([a.dashboard.id]);
      expect(
        await outcome(() => guest.client.members.list.query({ dashboardId: b.dashboard.id })),
      ).toBe('NOT_FOUND:not_found');
    },
  );
});

describe('the activity log of invitations', () => {
  it('notes who invited, resent, revoked and accepted', BUSY_MACHINE, async () => {
    const { owner, dashboard } = await ownerWithDashboard();
    const ownerEmail = (await owner.client.auth.me.query())!.email;
    const kept = await owner.client.invitations.invite.mutate({
      dashboardId: dashboard.id,
      email: newAddress(),
      role: 'user',
    });
    if (kept.kind !== 'invited') throw new Error('expected a pending invitation');
    await owner.client.invitations.resend.mutate({
      dashboardId: dashboard.id,
      invitationId: kept.invitation.id,
    });
    await owner.client.invitations.revoke.mutate({
      dashboardId: dashboard.id,
      invitationId: kept.invitation.id,
    });
    // Accepted by the invitee after signing up: the entry names them as its actor.
    const email = newAddress();
    const sent = await owner.client.invitations.invite.mutate({
      dashboardId: dashboard.id,
      email,
      role: 'admin',
    });
    if (sent.kind !== 'invited') throw new Error('expected a pending invitation');
    const invitee = browserClient(server.url);
    await invitee.client.auth.signUp.mutate({
      email,
      name: 'Ivy',
      password: 'correct horse battery',
    });
    await invitee.client.invitations.accept.mutate({ token: tokenOf(sent.link) });
    const { entries } = await owner.client.activity.list.query({ dashboardId: dashboard.id });
    const invitationEntries = entries
      .filter((entry) => entry.action.startsWith('invitation.'))
      .map((entry) => [entry.action, entry.actor.label, entry.target.label, entry.after])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(invitationEntries).toEqual([
      ['invitation.accepted', email, email, { role: 'admin' }],
      ['invitation.resent', ownerEmail, kept.invitation.email, null],
      ['invitation.revoked', ownerEmail, kept.invitation.email, null],
      ...[
        ['invitation.sent', ownerEmail, kept.invitation.email, { role: 'user' }],
        ['invitation.sent', ownerEmail, email, { role: 'admin' }],
      ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ]);
  });
});

describe('without SMTP_URL', () => {
  it('says email is off and returns the link to copy', BUSY_MACHINE, async () => {
    const quiet = await startTestServer();
    try {
      const owner = await signUp(quiet.url, 'Quinn');
      await expect(owner.client.auth.email.query()).resolves.toEqual({ enabled: false });
      const dashboard = await owner.client.dashboards.create.mutate({ name: 'Quiet' });
      const sent = await owner.client.invitations.invite.mutate({
        dashboardId: dashboard.id,
        email: newAddress(),
        role: 'user',
      });
      expect(sent).toMatchObject({ kind: 'invited', mail: 'off' });
    } finally {
      await quiet.stopAll();
    }
  });
});
