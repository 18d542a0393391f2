import { openStore } from '@bucketgrid/store';
import { createTestDatabase } from '@bucketgrid/store/test-database';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addRule,
  addWebhook,
  thresholdCondition,
} from '../../../packages/services/test/alert-fixtures.ts';
import { startAlertReceiver, verifySignature } from './alert-receiver.ts';
import { call, provision } from './helpers.ts';
import { startServerProcess, stopServerProcess } from './server-process.ts';

/**
 * A SIGKILL of the server while a rule fires loses no notification: it was written in the
 * transaction of the change of state, and the next process delivers it, with the same id.
 */
const BUSY_MACHINE = { timeout: 120_000 };
const database = createTestDatabase('alerts-crash');
afterAll(() => database.destroy());

describe('alerts across a crash', () => {
  it(
    'delivers a firing notification after the server is killed with SIGKILL',
    BUSY_MACHINE,
    async () => {
      const receiver = await startAlertReceiver();
      const setup = await openStore(database.url);
      const { dashboard, bucket, key } = await provision(setup);
      const point = await addWebhook(setup, dashboard.id, receiver.url);
      await addRule(setup, dashboard.id, thresholdCondition(bucket.id), {
        contactPointIds: [point.id],
      });
      await setup.close();
      const env = { ALERT_INTERVAL: '1s', ALERT_WEBHOOK_ALLOW_PRIVATE: '1' };
      try {
        const first = await startServerProcess(database.url, env);
        receiver.answerWith(500);
        const written = await call(`${first.url}/api/buckets/${bucket.id}`, {
          method: 'POST',
          key,
          body: [{ key: new Date().toISOString(), data: [{ series_key: 1, value: 99 }] }],
        });
        expect(written.status).toBe(200);
        const [failed] = await receiver.waitFor((r) => r.json.type === 'alert.firing');
        first.child.kill('SIGKILL');
        await first.exited;

        const second = await startServerProcess(database.url, env);
        try {
          const both = await receiver.waitFor((r) => r.json.type === 'alert.firing', 2, 60_000);
          expect(both.map((r) => r.answered)).toEqual([500, 200]);
          expect(both[1]?.json.id).toBe(failed?.json.id);
          expect(verifySignature('whsec_test', both[1]!.headers, both[1]!.body)).toBe(true);
        } finally {
          await stopServerProcess(second);
        }
      } finally {
        await receiver.close();
      }
    },
  );
});
