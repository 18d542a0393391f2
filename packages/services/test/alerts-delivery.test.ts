import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openStore, type Store } from '@bucketgrid/store';
import { createTestDatabase, type TestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser } from '../src/accounts.ts';
import { deliverDue, retryDelay } from '../src/alerts/deliver.ts';
import { testPayload } from '../src/alerts/payload.ts';
import { isPublicAddress } from '../src/alerts/target-guard.ts';
import { createDashboard } from '../src/dashboards.ts';
import { createMailer } from '../src/mailer.ts';
import { addWebhook } from './alert-fixtures.ts';

vi.setConfig({ testTimeout: 60_000 });

let database: TestDatabase;
let store: Store;
const bodies: string[] = [];
let url = '';
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => {
    body += chunk;
  });
  req.on('end', () => {
    bodies.push(body);
    res.writeHead(200).end();
  });
});

beforeAll(async () => {
  database = createTestDatabase('alert-delivery');
  store = await openStore(database.url);
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  receiver.close();
  await store.close();
  await database.destroy();
});

describe('alert delivery', () => {
  it('storm control: past the hourly limit one summary, then nothing', async () => {
    const user = await createUser(store, {
      email: 'storm@example.com',
      password: 'correct horse battery',
      name: 'S',
    });
    const dashboard = await createDashboard(store, { ownerId: user.id, name: 'Storm' });
    const point = await addWebhook(store, dashboard.id, url, { secret: 's', now: 0 });
    const now = Date.UTC(2026, 0, 1, 10, 30);
    // The attack: a flapping rule, or the test button pressed again and again.
    for (let i = 0; i < 8; i++) {
      await store.enqueueNotification({
        id: `n${i}`,
        dashboardId: dashboard.id,
        contactPointId: point.id,
        ruleId: null,
        payload: { ...testPayload(dashboard.id, now) },
        nextAttemptAt: now,
        createdAt: now,
      });
    }
    const options = {
      store,
      mailer: createMailer({}),
      now: () => now,
      allowPrivate: true,
      perHour: 3,
    };
    expect(await deliverDue(options)).toBe(8);
    // The summary was queued by the round; the next one sends it.
    expect(await deliverDue(options)).toBe(1);
    const types = bodies.map((b) => (JSON.parse(b) as { type: string }).type);
    expect(types.filter((t) => t === 'alert.test')).toHaveLength(3);
    expect(types.filter((t) => t === 'alert.storm_summary')).toHaveLength(1);
    const log = await store.listDeliveryAttempts(dashboard.id, point.id, 100);
    expect(log.filter((a) => a.outcome === 'suppressed')).toHaveLength(5);
    expect(await deliverDue(options)).toBe(0);
  });

  it('backs off exponentially up to an hour between attempts', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelay(20)).toBe(3_600_000);
  });

  it('refuses loopback, link-local, private, shared and reserved addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPublicAddress(address), address).toBe(true);
    }
  });
});
