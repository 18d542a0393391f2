import { PASSWORD_RESET_LIFETIME_MS } from '@bucketgrid/auth';
import { startTestMailServer, type TestMailServer } from '@bucketgrid/services/test/mail-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';
import { browserClient, outcome, signUp } from './trpc-client.ts';

/** Forgotten passwords, reset by email through a real SMTP server. */

const BUSY_MACHINE = { timeout: 60_000 };
const NEW_PASSWORD = 'a brand new passphrase';

let smtp: TestMailServer;
let server: TestServer;
const logged: string[] = [];

beforeAll(async () => {
  smtp = await startTestMailServer();
  server = await startTestServer({
    smtpUrl: smtp.url,
    logger: (...entry) => logged.push(JSON.stringify(entry)),
  });
}, BUSY_MACHINE.timeout);
afterAll(async () => {
  await server.stopAll();
  await smtp.close();
});

const tokenIn = (text: string | undefined) =>
  /\/reset-password\/([0-9A-Za-z]{32})/.exec(text ?? '')![1]!;

it(
  'emails a one-hour, single-use link that sets the password and ends every other session',
  BUSY_MACHINE,
  async () => {
    const ada = await signUp(server.url, 'Ada');
    const visitor = browserClient(server.url);
    const arrived = smtp.nextMessageTo(ada.email);
    const answer = await visitor.client.auth.requestPasswordReset.mutate({ email: ada.email });
    // An address without an account gets the very same answer.
    await expect(
      visitor.client.auth.requestPasswordReset.mutate({ email: 'nobody-here@example.com' }),
    ).resolves.toEqual(answer);
    expect(answer).toEqual({ emailEnabled: true });
    const mail = await arrived;
    expect(mail.subject).toBe('Reset your Bucketgrid password');
    const token = tokenIn(mail.text);
    expect(mail.html).toContain(`${server.url}/reset-password/${token}`);
    expect(smtp.messages.some((m) => m.text?.includes('nobody-here'))).toBe(false);

    const reset = await visitor.client.auth.resetPassword.mutate({
      token,
      newPassword: NEW_PASSWORD,
    });
    expect(reset.email).toBe(ada.email);
    await expect(visitor.client.auth.me.query()).resolves.toMatchObject({ email: ada.email });
    // The session Ada had before is over.
    await expect(ada.client.auth.me.query()).resolves.toBeNull();
    // The account's history notes the change, from where it was made.
    const history = await visitor.client.activity.account.query();
    expect(history.filter((event) => event.kind === 'password_changed')).toEqual([
      expect.objectContaining({ at: server.clock.now, address: '127.0.0.1' }),
    ]);
    expect(
      await outcome(() =>
        visitor.client.auth.resetPassword.mutate({ token, newPassword: 'another long passphrase' }),
      ),
    ).toBe('NOT_FOUND:not_found');
    const again = browserClient(server.url);
    await again.client.auth.signIn.mutate({ email: ada.email, password: NEW_PASSWORD });
    expect(logged.join('\n')).not.toContain(token);
  },
);

it(
  'keeps the link when the new password is weak, and refuses it after an hour',
  BUSY_MACHINE,
  async () => {
    const bea = await signUp(server.url, 'Bea');
    const arrived = smtp.nextMessageTo(bea.email);
    await bea.client.auth.requestPasswordReset.mutate({ email: bea.email });
    const token = tokenIn((await arrived).text);
    expect(
      await outcome(() => bea.client.auth.resetPassword.mutate({ token, newPassword: 'short' })),
    ).toBe('UNPROCESSABLE_CONTENT:weak_password');
    const before = server.clock.now;
    server.clock.now += PASSWORD_RESET_LIFETIME_MS;
    try {
      expect(
        await outcome(() =>
          bea.client.auth.resetPassword.mutate({ token, newPassword: NEW_PASSWORD }),
        ),
      ).toBe('NOT_FOUND:not_found');
    } finally {
      server.clock.now = before;
    }
  },
);

it(
  'sends at most 3 emails per address per hour, with the same answer after',
  BUSY_MACHINE,
  async () => {
    const cy = await signUp(server.url, 'Cy');
    const visitor = browserClient(server.url);
    const sentBefore = () =>
      smtp.messages.filter((m) => m.to && JSON.stringify(m.to).includes(cy.email)).length;
    for (let i = 0; i < 3; i++) {
      const arrived = smtp.nextMessageTo(cy.email);
      await visitor.client.auth.requestPasswordReset.mutate({ email: cy.email });
      await arrived;
    }
    await expect(
      visitor.client.auth.requestPasswordReset.mutate({ email: cy.email }),
    ).resolves.toEqual({
      emailEnabled: true,
    });
    // The fourth would have arrived by the time a fifth request's answer came back.
    await visitor.client.auth.requestPasswordReset.mutate({ email: 'nobody-else@example.com' });
    expect(sentBefore()).toBe(3);
  },
);

it(
  'refuses the 11th request from one address in an hour, whatever the emails',
  BUSY_MACHINE,
  async () => {
    const flood = await startTestServer({ smtpUrl: smtp.url });
    try {
      const visitor = browserClient(flood.url);
      const request = (i: number) =>
        outcome(() =>
          visitor.client.auth.requestPasswordReset.mutate({ email: `x${i}@example.com` }),
        );
      for (let i = 0; i < 10; i++) expect(await request(i)).toBe('ok');
      expect(await request(10)).toBe('TOO_MANY_REQUESTS:rate_limited');
    } finally {
      await flood.stopAll();
    }
  },
);
