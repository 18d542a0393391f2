import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers.ts';

/**
 * Sign-in and sign-up under attack, through real HTTP. The server trusts X-Forwarded-For here,
 * so each request can come from the client address the test chooses (all of them loopback
 * addresses: the header only names them, every request goes to 127.0.0.1).
 */

const PASSWORD = 'correct horse battery';
const LIMIT = 5;
/**
 * Each test's work is bounded (at most a hundred requests); the time it takes on a busy
 * machine is not, so the clock is generous.
 */
const BUSY_MACHINE = { timeout: 60_000 };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ trustProxy: 1, failedSignInsPerEmail: LIMIT });
});
afterAll(() => server.stopAll());

let addresses = 0;
/** A client address no other test uses. */
const newAddress = () => `127.1.${Math.floor(++addresses / 250)}.${(addresses % 250) + 1}`;

/** A browser at one address: its own cookie jar, as a person on one device. */
function device(address = newAddress()) {
  const jar = new Map<string, string>();
  async function call(procedure: string, input: unknown, url = server.url) {
    const response = await fetch(`${url}/trpc/${procedure}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: url,
        'x-forwarded-for': address,
        cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
      },
      body: JSON.stringify(input),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const body = (await response.json()) as {
      result?: { data: unknown };
      error?: { message: string; data: { appCode: string; retryAfterSeconds?: number } };
    };
    return {
      status: response.status,
      /** 'ok', or our stable error code. */
      outcome: body.error ? body.error.data.appCode : 'ok',
      message: body.error?.message,
      data: body.result?.data,
    };
  }
  return {
    address,
    jar,
    call,
    signIn: (email: string, password: string) => call('auth.signIn', { email, password }),
    signUp: (email: string, name = 'Person', password = PASSWORD) =>
      call('auth.signUp', { email, password, name }),
  };
}

const newEmail = () => `person-${randomUUID().slice(0, 8)}@example.com`;

async function account() {
  const email = newEmail();
  const owner = device();
  expect((await owner.signUp(email)).outcome).toBe('ok');
  return { email, owner };
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

describe('sign-in throttling', BUSY_MACHINE, () => {
  it('counts guesses before checking them: 60 at once from 60 addresses, at most 5 are checked', async () => {
    const { email } = await account();
    const guesses = Array.from({ length: 60 }, (_, i) => (i === 59 ? PASSWORD : `guess ${i}`));
    const answers = await Promise.all(guesses.map((guess) => device().signIn(email, guess)));
    const counts = tally(answers.map((answer) => answer.outcome));
    const checked = (counts.invalid_credentials ?? 0) + (counts.ok ?? 0);
    expect(checked).toBeLessThanOrEqual(LIMIT);
    expect(counts.rate_limited).toBeGreaterThanOrEqual(60 - LIMIT);
    for (const answer of answers.filter((a) => a.outcome === 'rate_limited')) {
      expect(answer.status).toBe(429);
      expect(answer.message).toMatch(/^Too many failed sign-ins\. Try again in \d+ minutes?\.$/);
    }
  });

  it('a stranger who spends the budget for unknown devices does not lock out known ones', async () => {
    const { email, owner } = await account();
    const stranger = device();
    for (let i = 0; i < LIMIT; i++) {
      expect((await stranger.signIn(email, `guess ${i}`)).outcome).toBe('invalid_credentials');
    }
    expect((await stranger.signIn(email, PASSWORD)).outcome).toBe('rate_limited');
    // Another unknown device, even with the right password, waits like the stranger.
    expect((await device().signIn(email, PASSWORD)).outcome).toBe('rate_limited');
    // The browser the owner signed up with is known: it signs in, from any address.
    expect((await owner.signIn(email, PASSWORD)).outcome).toBe('ok');
    const travelling = device();
    for (const [name, value] of owner.jar) travelling.jar.set(name, value);
    expect((await travelling.signIn(email, PASSWORD)).outcome).toBe('ok');
  });

  it('a device cookie of one account earns no trust for another', async () => {
    const victim = await account();
    const attacker = await account();
    for (let i = 0; i < LIMIT; i++) {
      await device().signIn(victim.email, `guess ${i}`);
    }
    // The attacker's own browser is a known device of the attacker's account only.
    expect((await attacker.owner.signIn(victim.email, 'guess 6')).outcome).toBe('rate_limited');
    const forged = device();
    forged.jar.set('bucketgrid_device', 'AAAAAAAAAAAAAAAAAAAAAA.AAAA');
    expect((await forged.signIn(victim.email, PASSWORD)).outcome).toBe('rate_limited');
  });

  it('a known device that keeps failing is locked out on its own', async () => {
    const { email, owner } = await account();
    for (let i = 0; i < LIMIT; i++) {
      expect((await owner.signIn(email, `guess ${i}`)).outcome).toBe('invalid_credentials');
    }
    expect((await owner.signIn(email, PASSWORD)).outcome).toBe('rate_limited');
    expect((await device().signIn(email, PASSWORD)).outcome).toBe('ok');
  });

  it('successful sign-ins use up no budget', async () => {
    const { email } = await account();
    const visitor = device();
    for (let i = 0; i < LIMIT * 2; i++) {
      expect((await visitor.signIn(email, PASSWORD)).outcome).toBe('ok');
    }
  });

  it('limits failures per address whatever the email, and only for that address', async () => {
    const limited = await startTestServer({ trustProxy: 1, failedSignInsPerAddress: 3 });
    try {
      const email = newEmail();
      const signUp = { email, password: PASSWORD, name: 'Owner' };
      expect((await device().call('auth.signUp', signUp, limited.url)).outcome).toBe('ok');
      const prober = device();
      const probe = (email: string, password: string) =>
        prober.call('auth.signIn', { email, password }, limited.url);
      for (let i = 0; i < 3; i++) {
        expect((await probe(newEmail(), 'some password')).outcome).toBe('invalid_credentials');
      }
      expect((await probe(newEmail(), 'some password')).outcome).toBe('rate_limited');
      const elsewhere = device();
      const answer = await elsewhere.call(
        'auth.signIn',
        { email, password: PASSWORD },
        limited.url,
      );
      expect(answer.outcome).toBe('ok');
    } finally {
      await limited.stopAll();
    }
  });

  it('writes no counter for an attempt the address already refuses', async () => {
    // Every rate-window counter the server writes, by its scope (the part before the first ':').
    const counted: string[] = [];
    const limited = await startTestServer({
      trustProxy: 1,
      failedSignInsPerAddress: 3,
      wrapStore: (store) => ({
        ...store,
        countRateWindows: (changes) => {
          counted.push(...changes.map((change) => change.key.split(':')[0]!));
          return store.countRateWindows(changes);
        },
      }),
    });
    try {
      const prober = device();
      const probe = () =>
        prober.call('auth.signIn', { email: newEmail(), password: 'a guess' }, limited.url);
      for (let i = 0; i < 3; i++) expect((await probe()).outcome).toBe('invalid_credentials');
      expect((await probe()).outcome).toBe('rate_limited');
      counted.length = 0;
      for (let i = 0; i < 20; i++) expect((await probe()).outcome).toBe('rate_limited');
      expect(counted.filter((scope) => scope === 'sign-in-email')).toEqual([]);
    } finally {
      await limited.stopAll();
    }
  });

  it('a flood from one address leaves sign-ins from elsewhere working', async () => {
    const { email } = await account();
    const flooder = device();
    const flood = Array.from({ length: 100 }, () => flooder.signIn(newEmail(), 'wrong password'));
    const legitimate = device().signIn(email, PASSWORD);
    const [answers, mine] = await Promise.all([Promise.all(flood), legitimate]);
    expect(mine.outcome).toBe('ok');
    const counts = tally(answers.map((answer) => answer.outcome));
    expect(Object.keys(counts).sort()).toEqual(['invalid_credentials', 'rate_limited']);
    // Most were refused without an argon2 check: the address may only have a few running.
    expect(counts.rate_limited).toBeGreaterThan(50);
  });
});

describe('sign-up', BUSY_MACHINE, () => {
  it('is throttled per client address, counting every attempt', async () => {
    const limited = await startTestServer({ trustProxy: 1, signUpsPerAddress: 3 });
    try {
      const busy = device();
      const signUp = (password: string) =>
        busy.call('auth.signUp', { email: newEmail(), password, name: 'x' }, limited.url);
      expect((await signUp(PASSWORD)).outcome).toBe('ok');
      expect((await signUp('short')).outcome).toBe('weak_password');
      expect((await signUp(PASSWORD)).outcome).toBe('ok');
      const refused = await signUp(PASSWORD);
      expect(refused).toMatchObject({ status: 429, outcome: 'rate_limited' });
      expect(refused.message).toMatch(/^Too many sign-ups from your network\. Try again in/);
      const other = device();
      const answer = await other.call(
        'auth.signUp',
        { email: newEmail(), password: PASSWORD, name: 'y' },
        limited.url,
      );
      expect(answer.outcome).toBe('ok');
    } finally {
      await limited.stopAll();
    }
  });

  it('refuses common and guessable passwords, saying what to do instead', async () => {
    const visitor = device();
    const email = 'gwendolyn.abernathy@example.com';
    const weak = [
      'password123',
      'qwertyuiop123',
      'iloveyou2024',
      'gwendolyn.abernathy',
      'abernathy1990',
      'aaaaaaaaaaaa',
    ];
    for (const password of weak) {
      const answer = await visitor.signUp(email, 'Gwendolyn Abernathy', password);
      expect(answer, password).toMatchObject({ status: 422, outcome: 'weak_password' });
      expect(answer.message).toMatch(/^password: .+\. .*A few unrelated words/);
    }
    const common = await visitor.signUp(email, 'Gwendolyn Abernathy', 'password123');
    expect(common.message).toContain('commonly used password');
    expect(await server.store.getUserByEmail(email)).toBeNull();
    expect((await visitor.signUp(email, 'Gwendolyn Abernathy', PASSWORD)).outcome).toBe('ok');
  });

  it('refuses a weak new password on change, and keeps the old one', async () => {
    const { email, owner } = await account();
    const change = (newPassword: string) =>
      owner.call('auth.changePassword', { currentPassword: PASSWORD, newPassword });
    const answer = await change('password123');
    expect(answer).toMatchObject({ outcome: 'weak_password' });
    expect(answer.message).toMatch(/^newPassword: this is a commonly used password\./);
    expect((await device().signIn(email, PASSWORD)).outcome).toBe('ok');
  });

  it('answers with the account only: no password hash, no internals', async () => {
    const email = newEmail();
    const visitor = device();
    const signedUp = await visitor.signUp(email);
    const signedIn = await device().signIn(email, PASSWORD);
    for (const answer of [signedUp, signedIn]) {
      expect(Object.keys(answer.data as object).sort()).toEqual([
        'email',
        'id',
        'name',
        'workspace',
      ]);
    }
  });
});
