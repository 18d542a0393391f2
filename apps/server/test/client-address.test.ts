import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TrustProxy } from '../src/http/client-address.ts';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { openLive } from './live-client.ts';
import { endedWith, ownerWithBuckets } from './live-fixture.ts';

/*
 * Behind trusted proxies, each per-address limit counts the address the proxies saw, never one
 * the client wrote: every request here carries a forged, different leftmost X-Forwarded-For
 * entry, as a client sends through nginx's `$proxy_add_x_forwarded_for` or an AWS ALB (each
 * proxy appends the address it got the request from). All requests go to 127.0.0.1; the
 * header only names the addresses.
 */

// Bounded work (a few dozen requests per case), slow only on a busy machine.
vi.setConfig({ testTimeout: 60_000 });

const LIMIT = 3;
let forgeries = 0;
/** A fresh address the attacker claims to be, different on every request. */
const forged = () => `192.0.2.${(++forgeries % 250) + 1}`;

const setups: { name: string; trustProxy: TrustProxy; chain: (client: string) => string }[] = [
  { name: 'one proxy (TRUST_PROXY=1)', trustProxy: 1, chain: (client) => `${forged()}, ${client}` },
  {
    name: 'two proxies (TRUST_PROXY=2)',
    trustProxy: 2,
    chain: (client) => `${forged()}, ${client}, 10.0.0.1`,
  },
  {
    name: 'proxies named by address (TRUST_PROXY=127.0.0.1,10.0.0.0/8)',
    trustProxy: ['127.0.0.1', '10.0.0.0/8'],
    chain: (client) => `${forged()}, ${forged()}, ${client}, 10.20.30.40`,
  },
];

describe.each(setups)('behind $name', ({ trustProxy, chain }) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      trustProxy,
      failedSignInsPerAddress: LIMIT,
      failedKeyAttemptsPerMinute: LIMIT,
      liveLimits: { perAddress: LIMIT, perSession: 100, perUser: 100 },
    });
  });
  afterAll(() => server.stopAll());

  const signIn = async (client: string) => {
    const response = await fetch(`${server.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: server.url,
        'x-forwarded-for': chain(client),
      },
      body: JSON.stringify({ email: `${randomUUID()}@example.com`, password: 'a guess' }),
    });
    const body = (await response.json()) as { error?: { data: { appCode: string } } };
    return body.error?.data.appCode ?? 'ok';
  };

  it('counts failed sign-ins against the address the proxies saw', async () => {
    for (let i = 0; i < LIMIT; i++)
      expect(await signIn('203.0.113.10')).toBe('invalid_credentials');
    expect(await signIn('203.0.113.10')).toBe('rate_limited');
    expect(await signIn('203.0.113.11')).toBe('invalid_credentials');
  });

  it('counts failed API keys against the address the proxies saw', async () => {
    const owner = await ownerWithBuckets(server);
    const url = `${server.url}/api/buckets/${owner.buckets[0]!.id}`;
    const from = (client: string) => ({ 'x-forwarded-for': chain(client) });
    for (let i = 0; i < LIMIT; i++) {
      const guess = await call(url, {
        key: `bg_prod_${randomUUID()}`,
        headers: from('203.0.113.20'),
      });
      expect(guess.status).toBe(401);
    }
    expect((await call(url, { key: owner.key, headers: from('203.0.113.20') })).status).toBe(429);
    expect((await call(url, { key: owner.key, headers: from('203.0.113.21') })).status).toBe(200);
  });

  it('counts live views against the address the proxies saw', async () => {
    const owner = await ownerWithBuckets(server);
    const view = (client: string) =>
      openLive(
        server.url,
        'dashboards.live',
        { dashboardId: owner.dashboard.id },
        { jar: owner.jar, headers: { 'x-forwarded-for': chain(client) } },
      );
    const open = Array.from({ length: LIMIT }, () => view('203.0.113.30'));
    await Promise.all(open.map((stream) => stream.started));
    expect(open.some((stream) => stream.isEnded)).toBe(false);
    const over = view('203.0.113.30');
    await over.ended;
    expect(endedWith(over)).toBe('TOO_MANY_REQUESTS:too_many_live_views');
    const neighbour = view('203.0.113.31');
    await neighbour.started;
    expect(neighbour.isEnded).toBe(false);
    for (const stream of [...open, neighbour]) stream.close();
  });
});

describe('without a trusted proxy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ failedKeyAttemptsPerMinute: LIMIT });
  });
  afterAll(() => server.stopAll());

  it('ignores X-Forwarded-For: every request counts against the connection’s address', async () => {
    const owner = await ownerWithBuckets(server);
    const url = `${server.url}/api/buckets/${owner.buckets[0]!.id}`;
    for (let i = 0; i < LIMIT; i++) {
      const headers = { 'x-forwarded-for': forged() };
      expect((await call(url, { key: `bg_prod_${randomUUID()}`, headers })).status).toBe(401);
    }
    const headers = { 'x-forwarded-for': forged() };
    expect((await call(url, { key: owner.key, headers })).status).toBe(429);
  });
});
