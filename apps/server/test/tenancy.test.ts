import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createApiKey,
  createBucket,
  createDashboard,
  createUser,
  getLayout,
  listApiKeys,
  listBuckets,
  listMembers,
  newLinkToken,
  userAuthor,
} from '@bucketgrid/services';
import { openStore, type Store, type User } from '@bucketgrid/store';
import { appRouter } from '@bucketgrid/trpc';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../src/app.ts';
import { silentLogger } from '../src/log.ts';
import { type RunningServer, startServer } from '../src/server.ts';
import { expressRoutes } from './helpers.ts';
import { signUp } from './trpc-client.ts';

/**
 * Multi-tenancy from the outside, generated from the routers so that a new procedure or route
 * is covered without anyone adding it here. Alice owns dashboard A; Bob owns dashboard B. For
 * every tRPC procedure, every REST route and every MCP tool, and for every id in its input (dashboard, bucket,
 * key, member, dashboard path), Alice calls it with B's object in that place and, on a twin
 * fixture, with a random id (fixed seed). The two answers must be the same (status, code,
 * message), the server must do the same store calls for both (so timing cannot tell them apart
 * either), nothing of B may change, and no answer may mention anything of B.
 */

const SEED = 20_251_130;
/** Every test's work is bounded; the time it takes on a busy machine is not. */
const BUSY_MACHINE = { timeout: 60_000 };

/** mulberry32: a small seeded generator, so every run tries the same "random" ids. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = seeded(SEED);
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomText = (length: number, alphabet = BASE62) =>
  Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
/** Shaped like the store's ids: 22 base62 characters. */
const randomId = () => randomText(22);

// The background upkeep's calls, and the alert loop's (each second, whatever requests run).
const BACKGROUND: ReadonlySet<string | symbol> = new Set([
  'touchApiKeys',
  'maintain',
  'takeAlertLease',
  'listRulesToEvaluate',
  'recordAlertEvaluations',
  'trimAlertLog',
  'dueNotifications',
  'releaseAlertLease',
]);

/** The store, counting calls: what the server does for a request, measured from the outside. */
function counted(store: Store, calls: string[]): Store {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        // Last-used times are flushed, and upkeep polls, on timers, whatever request happens
        // to be running.
        if (!BACKGROUND.has(property)) calls.push(String(property));
        return value.apply(target, args);
      };
    },
  });
}

type Kind =
  | 'dashboard'
  | 'bucket'
  | 'key'
  | 'member'
  | 'invitation'
  | 'shareLink'
  | 'shareToken'
  | 'path';
const ID_FIELDS: Record<string, Kind> = {
  dashboardId: 'dashboard',
  bucketId: 'bucket',
  keyId: 'key',
  userId: 'member',
  invitationId: 'invitation',
  shareLinkId: 'shareLink',
  // A share link's token: always the caller's own (A's), so that B's bucket is asked through
  // A's link. Whoever holds B's token reads B by design: a token is its own authorisation.
  token: 'shareToken',
};

interface Tenant {
  dashboardId: string;
  bucketId: string;
  keyId: string;
  /** The full API key. */
  key: string;
  memberId: string;
  invitationId: string;
  shareLinkId: string;
  shareToken: string;
  path: { workspace: string; slug: string };
  /** Every string of it that must never appear in an answer to someone else. */
  secrets: string[];
}

let dir: string;
let store: Store;
let running: RunningServer;
const calls: string[] = [];
let alice: Awaited<ReturnType<typeof signUp>>;
let people: { alice: User; bob: User; carol: User; dave: User };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bucketgrid-tenancy-'));
  store = await openStore(`file:${join(dir, 'test.db')}`);
  running = await startServer({
    store: counted(store, calls),
    logger: silentLogger,
    port: 0,
    host: '127.0.0.1',
  });
  alice = await signUp(running.url, 'Alice');
  const person = (name: string) =>
    createUser(store, {
      email: `${name}-${randomText(8).toLowerCase()}@example.com`,
      password: 'correct horse battery',
      name,
    });
  people = {
    alice: (await store.getUserById(alice.user.id))!,
    bob: await person('bob'),
    carol: await person('carol'),
    dave: await person('dave'),
  };
}, 60_000);

afterAll(async () => {
  await running.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A dashboard with a member, a bucket holding a record, and an API key. */
async function tenant(owner: User, member: User, label: string): Promise<Tenant> {
  const name = `${label} ${randomText(6)}`;
  const dashboard = await createDashboard(store, { ownerId: owner.id, name });
  await store.addMember(dashboard.id, member.id, 'user');
  const bucket = await createBucket(store, {
    dashboardId: dashboard.id,
    name: `${label} bucket ${randomText(6)}`,
    type: 'IV',
  });
  await store.upsertRecords(bucket, [{ key: 1, values: { 1: 42 } }], 'merge');
  const { apiKey, key } = await createApiKey(
    store,
    { dashboardId: dashboard.id, name: `${label} key`, type: 'production', createdBy: owner.id },
    Date.now(),
    // An entry in its activity log, which no outsider may read or add to.
    userAuthor(owner, '10.9.8.7'),
  );
  const invitation = await store.createInvitation({
    dashboardId: dashboard.id,
    email: `invited-${randomText(8).toLowerCase()}@example.com`,
    role: 'user',
    tokenHash: randomText(64),
    invitedBy: owner.id,
    expiresAt: Date.now() + 86_400_000,
  });
  // The link's grid shows the bucket, so that A's link reads A's bucket and nothing else.
  await store.saveLayout(dashboard.id, {
    expectedVersion: 0,
    content: {
      widgets: [
        {
          id: 'rows',
          type: 'table',
          title: '',
          bucketId: bucket.id,
          series: [],
          limit: 20,
          pos: { x: 0, y: 0, w: 12, h: 4 },
        },
      ],
      defaultRange: '24h',
      maxWidth: null,
    },
    updatedBy: owner.id,
    at: Date.now(),
  });
  const shareToken = newLinkToken();
  const shareLink = await store.createShareLink({
    dashboardId: dashboard.id,
    name: `${label} link ${randomText(6)}`,
    tokenHash: shareToken.hash,
    expiresAt: null,
    allowRangeChange: false,
    frameOrigins: [],
    createdBy: owner.id,
    createdAt: Date.now(),
  });
  return {
    dashboardId: dashboard.id,
    bucketId: bucket.id,
    keyId: apiKey.id,
    key,
    memberId: member.id,
    invitationId: invitation.id,
    shareLinkId: shareLink.id,
    shareToken: shareToken.token,
    path: { workspace: dashboard.workspace, slug: dashboard.slug },
    secrets: [
      dashboard.id,
      name,
      dashboard.slug,
      bucket.id,
      bucket.name,
      apiKey.hint,
      key,
      invitation.id,
      invitation.email,
      shareLink.id,
      shareLink.name,
      shareToken.token,
    ],
  };
}

/** Fresh A (Alice's) and B (Bob's), so each call meets the same state. */
async function tenants() {
  return {
    a: await tenant(people.alice, people.carol, 'Alpha'),
    b: await tenant(people.bob, people.dave, 'Secret'),
  };
}

/** Everything of a tenant an outsider's call could change. */
async function snapshot(t: Tenant) {
  const bucket = await store.getBucket(t.bucketId);
  return {
    dashboard: await store.getDashboard(t.dashboardId),
    members: await listMembers(store, t.dashboardId),
    invitations: await store.listInvitations(t.dashboardId, Date.now()),
    shareLinks: await store.listShareLinks(t.dashboardId),
    buckets: await listBuckets(store, t.dashboardId),
    keys: await listApiKeys(store, t.dashboardId),
    layout: await getLayout(store, t.dashboardId),
    activity: (await store.listActivity(t.dashboardId, {}, { limit: 200 })).entries,
    records: bucket ? await store.readRecords(bucket, { order: 'asc', limit: 100 }) : null,
  };
}

type JsonSchema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minItems?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
};

/** Strings to try, in order, for a string field with a pattern. */
const PATTERNED = ['w1', '#336699', 'abc', 'someone@example.com'];

/**
 * The simplest input the schema accepts, with each id field filled by `idFor` (and the kinds
 * of ids met noted in `kinds`). Optional fields are left out unless they hold ids.
 */
function sample(
  schema: JsonSchema,
  idFor: (kind: Kind) => unknown,
  kinds: Set<Kind>,
  field?: string,
): unknown {
  const kind = field === undefined ? undefined : ID_FIELDS[field];
  if (kind) {
    kinds.add(kind);
    return idFor(kind);
  }
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const options = schema.oneOf ?? schema.anyOf;
  if (options) return sample(options.find((o) => o.type !== 'null') ?? options[0]!, idFor, kinds);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = schema.properties ?? {};
      if ('workspace' in properties && 'slug' in properties) {
        kinds.add('path');
        return idFor('path');
      }
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(properties)) {
        if (schema.required?.includes(name) || containsId(name, property)) {
          value[name] = sample(property, idFor, kinds, name);
        }
      }
      return value;
    }
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () =>
        sample(schema.items ?? {}, idFor, kinds),
      );
    case 'string':
      if (schema.format === 'email') return 'someone@example.com';
      if (schema.pattern) {
        const pattern = new RegExp(schema.pattern);
        const fit = PATTERNED.find((candidate) => pattern.test(candidate));
        if (fit) return fit;
      }
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum ?? 0) + 1;
    case 'boolean':
      return false;
    case 'null':
      return null;
    default:
      return {};
  }
}

function containsId(name: string, schema: JsonSchema): boolean {
  return (
    name in ID_FIELDS ||
    JSON.stringify(schema).match(
      /"(dashboardId|bucketId|keyId|userId|invitationId|shareLinkId)"/,
    ) !== null
  );
}

interface Procedure {
  path: string;
  type: 'query' | 'mutation' | 'subscription';
  inputs: z.ZodType[];
}

const procedures: Procedure[] = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, { _def: Procedure }> } })._def
    .procedures,
).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
  inputs: procedure._def.inputs,
}));

/** The procedure's input with every id from `idFor`, and the kinds of ids it holds. */
function inputFor(procedure: Procedure, idFor: (kind: Kind) => unknown) {
  const kinds = new Set<Kind>();
  const input: Record<string, unknown> = {};
  for (const schema of procedure.inputs) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    Object.assign(input, sample(json, idFor, kinds));
  }
  return { input, kinds };
}

function idsOf(t: Tenant): (kind: Kind) => unknown {
  return (kind) =>
    ({
      dashboard: t.dashboardId,
      bucket: t.bucketId,
      key: t.keyId,
      member: t.memberId,
      invitation: t.invitationId,
      shareLink: t.shareLinkId,
      shareToken: t.shareToken,
      path: t.path,
    })[kind];
}

interface Answer {
  status: number;
  /** tRPC's error code (REST: none), then ours. */
  trpcCode?: string;
  code?: string;
  message?: string;
  /** The whole answer, to search for anything of B. */
  text: string;
}

type ErrorData = { code?: string; appCode?: string };

/** One call as Alice, through real HTTP, as her browser would make it. */
async function callAsAlice(procedure: Procedure, input: unknown): Promise<Answer> {
  const url = `${running.url}/trpc/${procedure.path}`;
  const headers = {
    origin: running.url,
    cookie: [...alice.jar].map(([name, value]) => `${name}=${value}`).join('; '),
  };
  const query = `?input=${encodeURIComponent(JSON.stringify(input))}`;
  if (procedure.type === 'subscription') return subscribe(url + query, headers);
  const response =
    procedure.type === 'query'
      ? await fetch(url + query, { headers })
      : await fetch(url, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
  const text = await response.text();
  const { error } = JSON.parse(text) as { error?: { message: string; data: ErrorData } };
  return {
    status: response.status,
    trpcCode: error?.data.code,
    code: error?.data.appCode,
    message: error?.message,
    text,
  };
}

/** A subscription's answer: its first event (an error, or data), then the stream is closed. */
async function subscribe(url: string, headers: Record<string, string>): Promise<Answer> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { ...headers, accept: 'text/event-stream' },
    signal: abort.signal,
  });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      const events = text
        .split('\n\n')
        .filter((e) => /^event: (serialized-error|message)|^data:/m.test(e));
      const meaningful = events.find((e) => !/^event: connected/m.test(e));
      if (meaningful) {
        const data = /^data: (.*)$/m.exec(meaningful)?.[1] ?? '{}';
        const error = JSON.parse(data) as { message?: string; data?: ErrorData };
        return {
          status: response.status,
          trpcCode: error.data?.code,
          code: /^event: serialized-error/m.test(meaningful) ? error.data?.appCode : 'data',
          message: error.message,
          text,
        };
      }
    }
  } finally {
    abort.abort();
  }
  return { status: response.status, code: 'closed', text };
}

/** Runs `call` and returns its answer with the store calls it caused. */
async function measured<T>(call: () => Promise<T>): Promise<{ answer: T; storeCalls: string[] }> {
  calls.length = 0;
  const answer = await call();
  return { answer, storeCalls: [...calls] };
}

/** The answer names nothing of B's but what the caller sent (an answer may echo its input). */
function expectNothingOf(b: Tenant, answer: { text: string }, sent: unknown, where: string) {
  const echo = JSON.stringify(sent);
  for (const secret of b.secrets.filter((secret) => !echo.includes(secret))) {
    expect(answer.text, `${where} mentions B`).not.toContain(secret);
  }
}

const pathsTried = new Set<string>();

describe('tRPC: another dashboard’s ids are answered exactly as random ones', BUSY_MACHINE, () => {
  it('covers every procedure that takes an id', () => {
    const withIds = procedures.filter((p) => inputFor(p, () => 'x').kinds.size > 0);
    // The floor, so that a broken walk of the router cannot pass by testing nothing.
    for (const path of ['dashboards.get', 'dashboards.bySlug', 'members.setRole', 'apiKeys.roll']) {
      expect(withIds.map((p) => p.path)).toContain(path);
    }
    // Procedures without ids act on the caller's own account only, or on what a link's token
    // opens (an invitation joins only its own dashboard: invitations.test.ts; a share link
    // reads only its own dashboard's shown buckets: share-links.test.ts).
    const without = procedures.filter((p) => !withIds.includes(p)).map((p) => p.path);
    expect(
      without.every((path) =>
        /^(auth\.|dashboards\.(list|create)$|activity\.account$|invitations\.(preview|accept)$|share\.(open|live)$)/.test(
          path,
        ),
      ),
    ).toBe(true);
  });

  for (const procedure of procedures) {
    const { kinds } = inputFor(procedure, () => 'x');
    for (const kind of [...kinds].filter((k) => k !== 'shareToken')) {
      it(`${procedure.path} with B's ${kind}`, async () => {
        pathsTried.add(procedure.path);
        const answers: { answer: Answer; storeCalls: string[] }[] = [];
        for (const variant of ['foreign', 'random'] as const) {
          const { a, b } = await tenants();
          const own = idsOf(a);
          const outsider =
            variant === 'foreign'
              ? idsOf(b)
              : () =>
                  kind === 'path'
                    ? { workspace: a.path.workspace, slug: randomText(12, 'abcdefghijk') }
                    : randomId();
          const { input } = inputFor(procedure, (k) => (k === kind ? outsider(k) : own(k)));
          for (const schema of procedure.inputs) {
            expect(schema.safeParse(input).success, `a valid input for ${procedure.path}`).toBe(
              true,
            );
          }
          const before = await snapshot(b);
          const result = await measured(() => callAsAlice(procedure, input));
          expect(await snapshot(b), `${procedure.path} changed B`).toEqual(before);
          expectNothingOf(b, result.answer, input, procedure.path);
          answers.push(result);
        }
        const [foreign, unknown] = answers as [(typeof answers)[0], (typeof answers)[0]];
        const shape = ({ answer }: typeof foreign) => [
          answer.status,
          answer.trpcCode,
          answer.code,
          answer.message,
        ];
        expect(shape(foreign), 'the same answer').toEqual(shape(unknown));
        expect(foreign.storeCalls, 'the same store calls').toEqual(unknown.storeCalls);
      });
    }
  }
});

describe(
  'REST: another dashboard’s buckets are answered exactly as random ones',
  BUSY_MACHINE,
  () => {
    /** Method and path of every route of the Express app, found by walking its routers. */
    function routes(): { method: string; path: string }[] {
      const app = createApp({ store, logger: silentLogger });
      const found = expressRoutes(app);
      void app.stop();
      return found.filter(
        (route) => route.path.startsWith('/api/') && route.path.includes(':bucketId'),
      );
    }

    const BODIES: Record<string, unknown> = {
      POST: [{ k: 1, d: [{ sk: 1, v: 7 }] }],
      PUT: [{ k: 1, d: [{ sk: 1, v: 7 }] }],
      DELETE: { keys: [1] },
    };

    it('covers every bucket route of SPEC §3, found in the app', () => {
      const found = routes().map((route) => `${route.method} ${route.path}`);
      for (const route of [
        'GET /api/buckets/:bucketId',
        'POST /api/buckets/:bucketId',
        'PUT /api/buckets/:bucketId',
        'DELETE /api/buckets/:bucketId',
        'POST /api/buckets/:bucketId/purge',
      ]) {
        expect(found).toContain(route);
      }
    });

    it('answers every route with A’s key and B’s bucket as with a random bucket id', async () => {
      for (const route of routes()) {
        const where = `${route.method} ${route.path}`;
        const answers: { answer: Answer; storeCalls: string[] }[] = [];
        for (const variant of ['foreign', 'random'] as const) {
          const { a, b } = await tenants();
          const bucketId = variant === 'foreign' ? b.bucketId : randomId();
          const body = BODIES[route.method];
          const before = await snapshot(b);
          const result = await measured(async () => {
            const response = await fetch(running.url + route.path.replace(':bucketId', bucketId), {
              method: route.method,
              headers: {
                'x-api-key': a.key,
                ...(body === undefined ? {} : { 'content-type': 'application/json' }),
              },
              body: body === undefined ? undefined : JSON.stringify(body),
            });
            const text = await response.text();
            const problem = JSON.parse(text) as { code?: string; detail?: string };
            return { status: response.status, code: problem.code, message: problem.detail, text };
          });
          expect(await snapshot(b), `${where} changed B`).toEqual(before);
          expectNothingOf(b, result.answer, bucketId, where);
          answers.push(result);
        }
        const [foreign, unknown] = answers as [(typeof answers)[0], (typeof answers)[0]];
        const shape = ({ answer }: typeof foreign) => [answer.status, answer.code, answer.message];
        expect(shape(foreign), where).toEqual(shape(unknown));
        expect(foreign.answer.status, where).toBe(404);
        expect(foreign.storeCalls, `${where}: the same store calls`).toEqual(unknown.storeCalls);
      }
    });
  },
);

describe(
  'MCP: another dashboard’s buckets are answered exactly as random ones',
  BUSY_MACHINE,
  () => {
    /** Each tool's arguments besides bucket_id: a call that would succeed on A's own bucket. */
    const ARGUMENTS: Record<string, Record<string, unknown>> = {
      read_records: {},
      downsample: {},
      write_records: { records: [{ key: 1, data: [{ series_key: 1, value: 7 }] }] },
      delete_records: { keys: [1] },
    };

    async function connectAs(apiKey: string): Promise<Client> {
      const client = new Client({ name: 'tenancy', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${running.url}/mcp`), {
          requestInit: { headers: { 'X-API-Key': apiKey } },
        }),
      );
      return client;
    }

    it('covers every tool that takes a bucket, found in the server', async () => {
      const { a } = await tenants();
      const client = await connectAs(a.key);
      const { tools } = await client.listTools();
      await client.close();
      const withBucket = tools.filter((tool) => 'bucket_id' in (tool.inputSchema.properties ?? {}));
      expect(withBucket.map((tool) => tool.name).sort()).toEqual(Object.keys(ARGUMENTS).sort());
    });

    it('answers every tool with A’s key and B’s bucket as with a random bucket id', async () => {
      for (const [name, rest] of Object.entries(ARGUMENTS)) {
        const answers: { answer: Answer; storeCalls: string[] }[] = [];
        for (const variant of ['foreign', 'random'] as const) {
          const { a, b } = await tenants();
          const args = { bucket_id: variant === 'foreign' ? b.bucketId : randomId(), ...rest };
          const client = await connectAs(a.key);
          const before = await snapshot(b);
          const result = await measured(async () => {
            const called = (await client.callTool({ name, arguments: args })) as CallToolResult;
            const problem = called.structuredContent as { code?: string; detail?: string };
            const status = called.isError ? 1 : 0;
            return {
              status,
              code: problem.code,
              message: problem.detail,
              text: JSON.stringify(called),
            };
          });
          await client.close();
          expect(await snapshot(b), `${name} changed B`).toEqual(before);
          expectNothingOf(b, result.answer, args, name);
          answers.push(result);
        }
        const [foreign, unknown] = answers as [(typeof answers)[0], (typeof answers)[0]];
        const shape = ({ answer }: typeof foreign) => [answer.status, answer.code, answer.message];
        expect(shape(foreign), name).toEqual(shape(unknown));
        expect(foreign.answer.code, name).toBe('bucket_not_found');
        expect(foreign.storeCalls, `${name}: the same store calls`).toEqual(unknown.storeCalls);
      }
    });

    it('describes only the key’s own dashboard', async () => {
      const { a, b } = await tenants();
      const client = await connectAs(a.key);
      const called = (await client.callTool({ name: 'describe_dashboard' })) as CallToolResult;
      await client.close();
      expect(called.isError).toBeFalsy();
      expect(JSON.stringify(called)).toContain(a.bucketId);
      expectNothingOf(b, { text: JSON.stringify(called) }, {}, 'describe_dashboard');
    });
  },
);
