import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { browserClient, outcome, signUp } from './trpc-client.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ failedSignInsPerEmail: 3 });
});
afterAll(() => server.stopAll());

async function ownerWithBucket() {
  const owner = await signUp(server.url, 'Owner');
  const dashboard = await owner.client.dashboards.create.mutate({ name: 'Plant' });
  const bucket = await owner.client.buckets.create.mutate({
    dashboardId: dashboard.id,
    name: 'Temperatures',
    type: 'TSV',
  });
  const write = (key: string, k = Date.now()) =>
    call(`${server.url}/api/buckets/${bucket.id}`, {
      method: 'POST',
      key,
      body: [{ k, d: [{ sk: 1, v: 20.5 }] }],
    });
  return { ...owner, dashboard, bucket, write };
}

describe('API keys through tRPC', () => {
  it('a created key works on the REST API at once and is refused right after revoke', async () => {
    const { client, dashboard, write } = await ownerWithBucket();
    const created = await client.apiKeys.create.mutate({
      dashboardId: dashboard.id,
      name: 'Sensor',
      type: 'production',
    });
    expect(created.key).toMatch(/^bg_prod_[0-9A-Za-z]{38}$/);
    expect(created.apiKey).toMatchObject({
      name: 'Sensor',
      state: 'active',
      hint: created.key.slice(0, 12),
    });
    expect((await write(created.key)).status).toBe(200);
    await client.apiKeys.revoke.mutate({ dashboardId: dashboard.id, keyId: created.apiKey.id });
    const refused = await write(created.key);
    expect(refused.status).toBe(401);
    expect(refused.json.code).toBe('revoked_api_key');
    const [listed] = await client.apiKeys.list.query({ dashboardId: dashboard.id });
    expect(listed).toMatchObject({ state: 'revoked', revokedAt: expect.any(Number) });
  });

  it('roll keeps the old key working for the grace period and not after', async () => {
    const { client, dashboard, write } = await ownerWithBucket();
    const old = await client.apiKeys.create.mutate({
      dashboardId: dashboard.id,
      name: 'Gateway',
      type: 'development',
    });
    const start = server.clock.now;
    const rolled = await client.apiKeys.roll.mutate({
      dashboardId: dashboard.id,
      keyId: old.apiKey.id,
      grace: '1h',
    });
    expect(rolled.apiKey).toMatchObject({ name: 'Gateway', type: 'development', state: 'active' });
    expect(rolled.previous).toMatchObject({ state: 'active', expiresAt: start + 3_600_000 });
    expect((await write(rolled.key)).status).toBe(200);
    server.clock.now = start + 3_600_000 - 1;
    expect((await write(old.key)).status).toBe(200);
    server.clock.now = start + 3_600_000;
    const expired = await write(old.key);
    expect(expired.json.code).toBe('expired_api_key');
    expect((await write(rolled.key)).status).toBe(200);
    server.clock.now = Date.now();
  });

  it('roll with no grace stops the old key at once', async () => {
    const { client, dashboard, write } = await ownerWithBucket();
    const old = await client.apiKeys.create.mutate({
      dashboardId: dashboard.id,
      name: 'x',
      type: 'production',
    });
    await client.apiKeys.roll.mutate({
      dashboardId: dashboard.id,
      keyId: old.apiKey.id,
      grace: 'none',
    });
    expect((await write(old.key)).json.code).toBe('revoked_api_key');
  });

  it('the full key appears in no answer but the create (or roll) answer', async () => {
    const { client, dashboard } = await ownerWithBucket();
    const created = await client.apiKeys.create.mutate({
      dashboardId: dashboard.id,
      name: 'k',
      type: 'production',
    });
    const answers = [
      await client.apiKeys.list.query({ dashboardId: dashboard.id }),
      await client.apiKeys.roll.mutate({
        dashboardId: dashboard.id,
        keyId: created.apiKey.id,
        grace: '7d',
      }),
      await client.apiKeys.revoke.mutate({ dashboardId: dashboard.id, keyId: created.apiKey.id }),
      await client.apiKeys.list.query({ dashboardId: dashboard.id }),
    ];
    const text = JSON.stringify(answers);
    expect(text).not.toContain(created.key);
    expect(text).not.toContain(created.key.slice(8, 40));
    expect(text).not.toContain('hash');
  });
});

describe('sessions', () => {
  it('sets an HttpOnly SameSite=Lax session cookie and ends it on sign-out', async () => {
    const owner = await signUp(server.url, 'Cookie');
    const cookie = owner.lastSetCookies.at(-1)!;
    expect(cookie).toMatch(/^bucketgrid_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const stolen = [...owner.jar.entries()];
    await owner.client.auth.signOut.mutate();
    expect(await owner.client.auth.me.query()).toBeNull();
    const replay = browserClient(server.url);
    for (const [name, value] of stolen) replay.jar.set(name, value);
    expect(await replay.client.auth.me.query()).toBeNull();
  });

  it('slides a session that is past half its life, and ends an expired one', async () => {
    const owner = await signUp(server.url, 'Slider');
    const sessionId = owner.jar.get('bucketgrid_session')!;
    const day = 86_400_000;
    await server.store.setSessionExpiry(sessionId, Date.now() + day);
    const cookiesBefore = owner.lastSetCookies.length;
    expect((await owner.client.auth.me.query())?.email).toBe(owner.email);
    expect(owner.lastSetCookies.length).toBe(cookiesBefore + 1);
    const slid = (await server.store.getSession(sessionId))!.expiresAt;
    expect(slid).toBeGreaterThan(Date.now() + 29 * day);
    await server.store.setSessionExpiry(sessionId, Date.now() - 1);
    expect(await owner.client.auth.me.query()).toBeNull();
    expect(await server.store.getSession(sessionId)).toBeNull();
  });

  it('marks the cookie Secure behind https', async () => {
    const proxied = await startTestServer({ trustProxy: 1 });
    const response = await fetch(`${proxied.url}/trpc/auth.signUp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'https://bucketgrid.example',
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'bucketgrid.example',
      },
      body: JSON.stringify({ email: 'secure@example.com', password: 'long enough pw', name: 'S' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toMatch(/Secure/);
    await proxied.stopAll();
  });

  it('signs in with the right password; a password change ends every other session', async () => {
    const first = await signUp(server.url, 'Changer');
    const second = browserClient(server.url);
    await second.client.auth.signIn.mutate({
      email: first.email,
      password: 'correct horse battery',
    });
    expect((await second.client.auth.me.query())?.email).toBe(first.email);
    await first.client.auth.changePassword.mutate({
      currentPassword: 'correct horse battery',
      newPassword: 'an even better one',
    });
    expect(await second.client.auth.me.query()).toBeNull();
    expect((await first.client.auth.me.query())?.email).toBe(first.email);
    expect(
      await outcome(() =>
        second.client.auth.signIn.mutate({ email: first.email, password: 'correct horse battery' }),
      ),
    ).toBe('UNAUTHORIZED:invalid_credentials');
  });

  it('refuses taken emails and weak passwords with their own codes', async () => {
    const taken = await signUp(server.url, 'Taken');
    const visitor = browserClient(server.url).client;
    expect(
      await outcome(() =>
        visitor.auth.signUp.mutate({ email: taken.email, password: 'long enough pw', name: 'x' }),
      ),
    ).toBe('CONFLICT:email_taken');
    expect(
      await outcome(() =>
        visitor.auth.signUp.mutate({ email: 'new@example.com', password: 'short', name: 'x' }),
      ),
    ).toBe('UNPROCESSABLE_CONTENT:weak_password');
  });

  it('throttles sign-in after repeated failures for an email, with a retry time', async () => {
    const target = await signUp(server.url, 'Target');
    const attacker = browserClient(server.url).client;
    for (let i = 0; i < 3; i++) {
      expect(
        await outcome(() =>
          attacker.auth.signIn.mutate({ email: target.email, password: `guess-${i}` }),
        ),
      ).toBe('UNAUTHORIZED:invalid_credentials');
    }
    try {
      await attacker.auth.signIn.mutate({ email: target.email, password: 'correct horse battery' });
      expect.unreachable('a throttled sign-in must fail even with the right password');
    } catch (error) {
      const data = (error as { data: { code: string; appCode: string; retryAfterSeconds: number } })
        .data;
      expect(data).toMatchObject({ code: 'TOO_MANY_REQUESTS', appCode: 'rate_limited' });
      expect(data.retryAfterSeconds).toBeGreaterThan(0);
    }
    server.clock.now += 15 * 60_000;
    expect(
      await outcome(() =>
        attacker.auth.signIn.mutate({ email: target.email, password: 'correct horse battery' }),
      ),
    ).toBe('ok');
    server.clock.now = Date.now();
  });
});

describe('cross-site requests', () => {
  it('refuses a mutation with a foreign Origin or none, and runs nothing', async () => {
    const signUpFrom = (headers: Record<string, string>) =>
      fetch(`${server.url}/trpc/auth.signUp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ email: 'csrf@example.com', password: 'long enough pw', name: 'x' }),
      });
    const attempts: Record<string, string>[] = [{ origin: 'https://evil.example' }, {}];
    for (const headers of attempts) {
      const refused = await signUpFrom(headers);
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { code: string }).code).toBe('cross_site_request');
    }
    expect(await server.store.getUserByEmail('csrf@example.com')).toBeNull();
  });
});

describe('deleting a dashboard', () => {
  it('leaves nothing of it behind in the store', async () => {
    const { client, dashboard, bucket, write, user } = await ownerWithBucket();
    const key = await client.apiKeys.create.mutate({
      dashboardId: dashboard.id,
      name: 'k',
      type: 'production',
    });
    expect((await write(key.key)).status).toBe(200);
    await client.dashboards.delete.mutate({ dashboardId: dashboard.id });
    const { store } = server;
    expect(await store.getDashboard(dashboard.id)).toBeNull();
    expect(await store.getBucket(bucket.id)).toBeNull();
    expect(await store.listBuckets(dashboard.id)).toEqual([]);
    expect(await store.getApiKey(key.apiKey.id)).toBeNull();
    expect(await store.listMembers(dashboard.id)).toEqual([]);
    expect(await store.getMembership(dashboard.id, user.id)).toBeNull();
    const records = await store.readRecords(
      { ...bucket, retention: 1000 },
      { order: 'asc', limit: 10 },
    );
    expect(records.records).toEqual([]);
    expect((await write(key.key)).json.code).toBe('invalid_api_key');
  });
});
