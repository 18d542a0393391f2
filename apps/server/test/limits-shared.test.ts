import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/log.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { call, provision, startTestServer, type TestServer } from './helpers.ts';
import { browserClient, outcome, signUp } from './trpc-client.ts';

// Bounded work (a few dozen requests), slow only on a busy machine.
const BUSY_MACHINE = { timeout: 60_000 };

/*
 * Two server processes of one deployment on one store, as behind a load balancer on MongoDB
 * (here the store is a SQLite file both share, which a deployment would not do, but the
 * limits go through the same Store interface): an attacker who spreads attempts over both
 * gets the limit once, not once per process.
 */
const LIMITS = { failedKeyAttemptsPerMinute: 5, failedSignInsPerEmail: 3 };
let a: TestServer;
let b: RunningServer;

beforeAll(async () => {
  a = await startTestServer({ now: Date.now, ...LIMITS });
  b = await startServer({
    store: a.store,
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
    now: Date.now,
    ...LIMITS,
  });
});
afterAll(async () => {
  await b.close();
  await a.stopAll();
});

describe('limits shared by two server processes', () => {
  it('counts failed API keys of one address on both', BUSY_MACHINE, async () => {
    const { bucket, key } = await provision(a.store);
    const bad = `${key.slice(0, -4)}AAAA`;
    const statusOn = async (server: { url: string }, apiKey: string) =>
      (await call(`${server.url}/api/buckets/${bucket.id}`, { key: apiKey })).status;
    for (let i = 0; i < 3; i++) expect(await statusOn(a, bad)).toBe(401);
    // B has seen none of A's failures itself; two more use up the address's five.
    expect(await statusOn(b, bad)).toBe(401);
    expect(await statusOn(b, bad)).toBe(401);
    expect(await statusOn(b, bad)).toBe(429);
    expect(await statusOn(b, key)).toBe(429);
    // A learns with the address's next failure there.
    expect(await statusOn(a, bad)).toBe(401);
    expect(await statusOn(a, bad)).toBe(429);
  });

  it('counts failed sign-ins of one email on both', BUSY_MACHINE, async () => {
    const { email } = await signUp(a.url, 'Victim');
    const signIn = (server: { url: string }, password: string) =>
      outcome(() => browserClient(server.url).client.auth.signIn.mutate({ email, password }));
    expect(await signIn(a, 'wrong 1')).toBe('UNAUTHORIZED:invalid_credentials');
    expect(await signIn(b, 'wrong 2')).toBe('UNAUTHORIZED:invalid_credentials');
    expect(await signIn(a, 'wrong 3')).toBe('UNAUTHORIZED:invalid_credentials');
    expect(await signIn(b, 'wrong 4')).toBe('TOO_MANY_REQUESTS:rate_limited');
    expect(await signIn(a, 'correct horse battery')).toBe('TOO_MANY_REQUESTS:rate_limited');
  });
});
