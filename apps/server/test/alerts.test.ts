import { changesOf, type LiveEvent } from '@bucketgrid/live';
import {
  MAX_ALERT_RULES_PER_DASHBOARD,
  MAX_CONTACT_POINTS_PER_DASHBOARD,
} from '@bucketgrid/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addRule, thresholdCondition } from '../../../packages/services/test/alert-fixtures.ts';
import { type AlertReceiver, startAlertReceiver, verifySignature } from './alert-receiver.ts';
import { call, startTestServer, type TestServer } from './helpers.ts';
import { type LiveStream, openLive } from './live-client.ts';
import { outcome, signUp } from './trpc-client.ts';

/**
 * Alerts end to end: REST writes push a series over a rule's threshold, the server's
 * evaluation fires the rule, and a real HTTP receiver gets signed webhooks (firing, retried
 * after 500s, resolved), all on the real clock with a one-second evaluation interval.
 */

const BUSY_MACHINE = { timeout: 90_000 };

let server: TestServer;
let receiver: AlertReceiver;

beforeAll(async () => {
  receiver = await startAlertReceiver();
  server = await startTestServer({
    now: Date.now,
    // The receiver listens on 127.0.0.1: the operator's setting lets webhooks reach it.
    alerts: { intervalMs: 1_000, allowPrivate: true, retryBaseMs: 300 },
  });
}, BUSY_MACHINE.timeout);
afterAll(async () => {
  await server?.stopAll();
  await receiver?.close();
});

let n = 0;
async function ownerWithBucket() {
  const owner = await signUp(server.url, 'Olivia');
  const dashboard = await owner.client.dashboards.create.mutate({ name: `Plant ${++n}` });
  const dashboardId = dashboard.id;
  const bucket = await owner.client.buckets.create.mutate({
    dashboardId,
    name: 'temp',
    type: 'TSV',
  });
  const { key } = await owner.client.apiKeys.create.mutate({
    dashboardId,
    name: 'k',
    type: 'production',
  });
  const write = async (value: number) => {
    const sent = await call(`${server.url}/api/buckets/${bucket.id}`, {
      method: 'POST',
      key,
      body: [{ key: new Date().toISOString(), data: [{ series_key: 1, value }] }],
    });
    expect(sent.status).toBe(200);
  };
  return { owner, dashboardId, bucket, write };
}

const threshold = (bucketId: string) => thresholdCondition(bucketId);

describe('alerts over HTTP', () => {
  it(
    'fires and resolves through a signed webhook, retried after 500s, nothing more after 200',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboardId, bucket, write } = await ownerWithBucket();
      const created = await owner.client.contactPoints.create.mutate({
        dashboardId,
        contactPoint: { kind: 'webhook', name: 'ops', url: receiver.url },
      });
      const { secret } = created;
      expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
      // The secret is shown once; lists never carry it, nor the webhook's path.
      const listed = await owner.client.contactPoints.list.query({ dashboardId });
      expect(JSON.stringify(listed)).not.toContain(secret);
      expect(listed[0]?.target).toBe(`${new URL(receiver.url).origin}/…`);

      const rule = await owner.client.alerts.create.mutate({
        dashboardId,
        name: 'Too hot',
        condition: threshold(bucket.id),
        contactPointIds: [created.contactPoint.id],
      });
      const mine = (r: { json: { rule?: { id: string } | null } }) => r.json.rule?.id === rule.id;

      receiver.answerWith(500, 500);
      await write(45);
      const firing = await receiver.waitFor((r) => mine(r) && r.json.type === 'alert.firing', 3);
      // One notification, attempted three times under one id: the receiver can drop repeats.
      expect(new Set(firing.map((r) => r.json.id)).size).toBe(1);
      expect(firing.map((r) => r.answered)).toEqual([500, 500, 200]);
      for (const r of firing) {
        expect(verifySignature(secret, r.headers, r.body)).toBe(true);
        expect(r.headers['x-bucketgrid-notification-id']).toBe(r.json.id);
        expect(r.headers['x-bucketgrid-event']).toBe('alert.firing');
      }
      expect(verifySignature('whsec_wrong', firing[0]!.headers, firing[0]!.body)).toBe(false);
      expect(firing[0]?.json).toMatchObject({
        type: 'alert.firing',
        dashboardId,
        state: 'firing',
        previousState: 'ok',
        value: 45,
        rule: { id: rule.id, name: 'Too hot' },
      });

      const log = await owner.client.contactPoints.deliveries.query({
        dashboardId,
        contactPointId: created.contactPoint.id,
      });
      expect(log.map((a) => [a.httpStatus, a.outcome])).toEqual([
        [200, 'delivered'],
        [500, 'retry'],
        [500, 'retry'],
      ]);
      expect(log.every((a) => a.latencyMs >= 0)).toBe(true);

      await write(12);
      const [resolved] = await receiver.waitFor((r) => mine(r) && r.json.type === 'alert.resolved');
      expect(resolved?.json).toMatchObject({ state: 'ok', previousState: 'firing', value: 12 });
      expect(verifySignature(secret, resolved!.headers, resolved!.body)).toBe(true);

      // Several evaluation and delivery rounds later: nothing more was sent.
      const count = receiver.received.filter(mine).length;
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(receiver.received.filter(mine)).toHaveLength(count);
      expect(count).toBe(4);

      const [listedRule] = await owner.client.alerts.list.query({ dashboardId });
      expect(listedRule?.state).toMatchObject({ state: 'ok', lastValue: 12 });
      const history = await owner.client.alerts.history.query({ dashboardId, ruleId: rule.id });
      expect(history.map((h) => [h.from, h.to, h.value])).toEqual([
        ['firing', 'ok', 12],
        ['ok', 'firing', 45],
      ]);
      const activity = await owner.client.activity.list.query({ dashboardId, limit: 50 });
      const actions = activity.entries.map((e) => e.action);
      expect(actions).toContain('alert_rule.created');
      expect(actions).toContain('contact_point.created');
    },
  );

  it(
    "announces a change of state on the dashboard's live stream, never on a share link's",
    BUSY_MACHINE,
    async () => {
      const { owner, dashboardId, bucket, write } = await ownerWithBucket();
      await owner.client.dashboards.saveLayout.mutate({
        dashboardId,
        version: 0,
        widgets: [
          {
            id: 'chart',
            type: 'timeChart',
            bucketId: bucket.id,
            series: [{ sk: 1 }],
            pos: { x: 0, y: 0, w: 6, h: 4 },
          },
        ] as never,
        defaultRange: '24h',
        maxWidth: null,
      });
      const { url } = await owner.client.shareLinks.create.mutate({ dashboardId, name: 'Status' });
      const token = url.split('/s/')[1]!;
      const member = openLive(server.url, 'dashboards.live', { dashboardId }, { jar: owner.jar });
      const shared = openLive(server.url, 'share.live', { token });
      try {
        await Promise.all([member.started, shared.started]);
        // A member's view gets changes made within 100 ms of each other as one event
        // (`changes`): a round's state change can share one with the write that caused it.
        const types = (stream: LiveStream) =>
          stream.data.flatMap((event) => changesOf(event.data as LiveEvent).map((c) => c.type));
        // A rule created tells the members' views at once.
        await owner.client.alerts.create.mutate({
          dashboardId,
          name: 'Too hot',
          condition: threshold(bucket.id),
        });
        await member.until((stream) => types(stream).includes('alerts'));
        const told = types(member).filter((type) => type === 'alerts').length;
        // The round that makes it fire tells them again.
        await write(45);
        await member.until(
          (stream) => types(stream).filter((type) => type === 'alerts').length > told,
        );
        const [rule] = await owner.client.alerts.list.query({ dashboardId });
        expect(rule?.state?.state).toBe('firing');
        // The share link's view heard the write, published after the rule's change, and no
        // alert event: rules are for members only.
        const after = Date.now();
        await write(12);
        await shared.until((stream) =>
          stream.data.some((event) => {
            const data = event.data as { type: string; at: number };
            return data.type === 'records' && data.at >= after;
          }),
        );
        expect(types(shared)).not.toContain('alerts');
      } finally {
        member.close();
        shared.close();
      }
    },
  );

  it(
    "sends email to the dashboard's members only, refusing any other address, and stops when one leaves",
    BUSY_MACHINE,
    async () => {
      const { owner, dashboardId } = await ownerWithBucket();
      const member = await signUp(server.url, 'Mia');
      await owner.client.members.add.mutate({ dashboardId, email: member.email, role: 'user' });
      // The attack: the server as a relay, mailing any address under the product's name.
      expect(
        await outcome(() =>
          owner.client.contactPoints.create.mutate({
            dashboardId,
            contactPoint: { kind: 'email', name: 'anyone', email: 'victim@example.org' },
          }),
        ),
      ).toBe('UNPROCESSABLE_CONTENT:invalid_input');
      const { contactPoint } = await owner.client.contactPoints.create.mutate({
        dashboardId,
        contactPoint: { kind: 'email', name: 'Mia', email: member.email.toUpperCase() },
      });
      // This server has no SMTP_URL: a member's address gets as far as the mailer.
      const tested = () =>
        owner.client.contactPoints.sendTest.mutate({
          dashboardId,
          contactPointId: contactPoint.id,
        });
      expect(await tested()).toMatchObject({
        outcome: 'failed',
        error: 'email is off: set SMTP_URL',
      });
      await owner.client.members.remove.mutate({ dashboardId, userId: member.user.id });
      expect(await tested()).toMatchObject({
        outcome: 'failed',
        error: expect.stringMatching(/members of this dashboard only/),
      });
    },
  );

  it('sends a test notification and shows its attempt', BUSY_MACHINE, async () => {
    const { owner, dashboardId } = await ownerWithBucket();
    const { contactPoint, secret } = await owner.client.contactPoints.create.mutate({
      dashboardId,
      contactPoint: { kind: 'slack', name: 'chat', url: receiver.url },
    });
    const attempt = await owner.client.contactPoints.sendTest.mutate({
      dashboardId,
      contactPointId: contactPoint.id,
    });
    expect(attempt).toMatchObject({ outcome: 'delivered', httpStatus: 200 });
    const [got] = await receiver.waitFor(
      (r) =>
        r.headers['x-bucketgrid-event'] === 'alert.test' &&
        verifySignature(secret, r.headers, r.body),
    );
    // Slack-compatible: a `text` field only.
    expect(Object.keys(got!.json)).toEqual(['text']);
    expect(got!.json.text).toContain('Test notification');
  });

  it(
    'lets members see rules and admins manage them; refuses a KV bucket and a foreign contact point',
    BUSY_MACHINE,
    async () => {
      const { owner, dashboardId, bucket } = await ownerWithBucket();
      const member = await signUp(server.url, 'Uma');
      await owner.client.members.add.mutate({ dashboardId, email: member.email, role: 'user' });
      await owner.client.alerts.create.mutate({
        dashboardId,
        name: 'r',
        condition: threshold(bucket.id),
      });
      expect(await member.client.alerts.list.query({ dashboardId })).toHaveLength(1);
      expect(
        await outcome(() =>
          member.client.alerts.create.mutate({
            dashboardId,
            name: 'x',
            condition: threshold(bucket.id),
          }),
        ),
      ).toBe('FORBIDDEN:forbidden');
      expect(
        await outcome(() =>
          member.client.contactPoints.create.mutate({
            dashboardId,
            contactPoint: { kind: 'email', name: 'me', email: 'me@example.com' },
          }),
        ),
      ).toBe('FORBIDDEN:forbidden');

      const kv = await owner.client.buckets.create.mutate({ dashboardId, name: 'kv', type: 'KV' });
      expect(
        await outcome(() =>
          owner.client.alerts.create.mutate({
            dashboardId,
            name: 'x',
            condition: threshold(kv.id),
          }),
        ),
      ).toBe('UNPROCESSABLE_CONTENT:invalid_input');
      const other = await ownerWithBucket();
      const foreign = await other.owner.client.contactPoints.create.mutate({
        dashboardId: other.dashboardId,
        contactPoint: { kind: 'email', name: 'theirs', email: other.owner.email },
      });
      expect(
        await outcome(() =>
          owner.client.alerts.create.mutate({
            dashboardId,
            name: 'x',
            condition: threshold(bucket.id),
            contactPointIds: [foreign.contactPoint.id],
          }),
        ),
      ).toBe('UNPROCESSABLE_CONTENT:invalid_input');
      // Another dashboard's bucket is not found, as a bucket that never existed.
      expect(
        await outcome(() =>
          owner.client.alerts.create.mutate({
            dashboardId,
            name: 'x',
            condition: threshold(other.bucket.id),
          }),
        ),
      ).toBe('NOT_FOUND:bucket_not_found');
    },
  );

  it(
    `holds a dashboard to ${MAX_ALERT_RULES_PER_DASHBOARD} rules and ${MAX_CONTACT_POINTS_PER_DASHBOARD} contact points`,
    BUSY_MACHINE,
    async () => {
      const { owner, dashboardId, bucket } = await ownerWithBucket();
      for (let i = 0; i < MAX_ALERT_RULES_PER_DASHBOARD; i++) {
        await addRule(server.store, dashboardId, threshold(bucket.id), { paused: true });
      }
      // The attack: one more rule, each a downsampled read every round.
      expect(
        await outcome(() =>
          owner.client.alerts.create.mutate({
            dashboardId,
            name: 'one more',
            condition: threshold(bucket.id),
          }),
        ),
      ).toBe('CONFLICT:quota_exceeded');
      for (let i = 0; i < MAX_CONTACT_POINTS_PER_DASHBOARD; i++) {
        await owner.client.contactPoints.create.mutate({
          dashboardId,
          contactPoint: { kind: 'email', name: `e${i}`, email: owner.email },
        });
      }
      expect(
        await outcome(() =>
          owner.client.contactPoints.create.mutate({
            dashboardId,
            contactPoint: { kind: 'email', name: 'one more', email: owner.email },
          }),
        ),
      ).toBe('CONFLICT:quota_exceeded');
      expect(await owner.client.alerts.list.query({ dashboardId })).toHaveLength(
        MAX_ALERT_RULES_PER_DASHBOARD,
      );
    },
  );
});

describe('webhook targets without ALERT_WEBHOOK_ALLOW_PRIVATE', () => {
  it(
    'refuses loopback addresses, literal or resolved, and sends nothing there',
    BUSY_MACHINE,
    async () => {
      const guarded = await startTestServer({ now: Date.now });
      try {
        const owner = await signUp(guarded.url, 'Gina');
        const { id: dashboardId } = await owner.client.dashboards.create.mutate({
          name: 'Guarded',
        });
        const port = new URL(receiver.url).port;
        for (const url of [
          `http://127.0.0.1:${port}/hook`,
          `http://[::1]:${port}/hook`,
          'http://169.254.169.254/latest/meta-data',
        ]) {
          expect(
            await outcome(() =>
              owner.client.contactPoints.create.mutate({
                dashboardId,
                contactPoint: { kind: 'webhook', name: 'w', url },
              }),
            ),
            url,
          ).toBe('UNPROCESSABLE_CONTENT:invalid_input');
        }
        // A name is resolved when sending, and every address it resolves to is checked.
        const before = receiver.received.length;
        const { contactPoint } = await owner.client.contactPoints.create.mutate({
          dashboardId,
          contactPoint: { kind: 'webhook', name: 'w', url: `http://localhost:${port}/hook` },
        });
        const attempt = await owner.client.contactPoints.sendTest.mutate({
          dashboardId,
          contactPointId: contactPoint.id,
        });
        expect(attempt).toMatchObject({ outcome: 'failed', httpStatus: null });
        expect(attempt.error).toMatch(/loopback, private or reserved address; refused/);
        expect(receiver.received.length).toBe(before);
        // A scheme other than http(s) never gets that far.
        expect(
          await outcome(() =>
            owner.client.contactPoints.create.mutate({
              dashboardId,
              contactPoint: { kind: 'webhook', name: 'w', url: 'file:///etc/passwd' },
            }),
          ),
        ).toBe('BAD_REQUEST:invalid_input');
      } finally {
        await guarded.stopAll();
      }
    },
  );
});
