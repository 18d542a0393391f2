import { createApiKey } from '@bucketgrid/services';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../src/log.ts';
import { call, provision, startTestServer, type TestServer } from './helpers.ts';

/**
 * The MCP server (POST /mcp) through the SDK's own client, against the real server: what an AI
 * agent sees, from listing the tools to a write refused for its key's scope.
 */

const BUSY_MACHINE = { timeout: 60_000 };
const METRICS_TOKEN = 'mcp-test-metrics-token-0123456789';

let server: TestServer;
let mine: Awaited<ReturnType<typeof provision>>;
let theirs: Awaited<ReturnType<typeof provision>>;
const clients: Client[] = [];
const lines: Record<string, unknown>[] = [];
const logger: Logger = (level, message, fields) => lines.push({ level, message, ...fields });

beforeAll(async () => {
  server = await startTestServer({ logger });
  mine = await provision(server.store, 'IV');
  theirs = await provision(server.store, 'IV');
}, BUSY_MACHINE.timeout);
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await server.stopAll();
});

async function connect(apiKey: string): Promise<Client> {
  const client = new Client({ name: 'bucketgrid-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
    requestInit: { headers: { 'X-API-Key': apiKey } },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function tool(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on tool answers field by field
): Promise<any> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { isError: result.isError ?? false, ...result.structuredContent };
}

describe('the MCP server', () => {
  it(
    'lists its tools, describes the dashboard, takes 1,000 records and reads them back downsampled',
    async () => {
      const client = await connect(mine.key);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual([
        'delete_records',
        'describe_dashboard',
        'downsample',
        'read_records',
        'write_records',
      ]);
      const write = tools.find((t) => t.name === 'write_records')!;
      expect(write.inputSchema.required).toEqual(expect.arrayContaining(['bucket_id', 'records']));

      const records = Array.from({ length: 1000 }, (_, i) => ({
        key: i + 1,
        data: [{ series_key: 1, value: i % 10 }],
      }));
      expect(
        await tool(client, 'write_records', { bucket_id: mine.bucket.id, records }),
      ).toMatchObject({ isError: false, written: 1000, inserted: 1000, updated: 0 });

      const described = await tool(client, 'describe_dashboard');
      expect(described.dashboard).toMatchObject({
        id: mine.dashboard.id,
        name: mine.dashboard.name,
      });
      expect(described.buckets).toEqual([
        expect.objectContaining({ id: mine.bucket.id, name: 'b', type: 'IV', record_count: 1000 }),
      ]);
      expect(described.buckets[0].last_write_at).toMatch(/^\d{4}-\d\d-\d\dT/);

      const downsampled = await tool(client, 'downsample', {
        bucket_id: mine.bucket.id,
        points: 50,
      });
      expect(downsampled.isError).toBe(false);
      const counts: number[] = downsampled.count;
      expect(counts.length).toBeGreaterThan(1);
      expect(counts.length).toBeLessThanOrEqual(100);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);

      const page = await tool(client, 'read_records', {
        bucket_id: mine.bucket.id,
        order: 'desc',
        limit: 600,
      });
      expect(page.records).toHaveLength(600);
      expect(page.records[0]).toEqual({ key: 1000, data: [{ series_key: 1, value: 9 }] });
      const rest = await tool(client, 'read_records', {
        bucket_id: mine.bucket.id,
        order: 'desc',
        limit: 600,
        cursor: page.next_cursor,
      });
      expect(rest.records).toHaveLength(400);
      expect(rest.next_cursor).toBeNull();

      expect(
        await tool(client, 'delete_records', { bucket_id: mine.bucket.id, from: 901, to: 1000 }),
      ).toMatchObject({ isError: false, deleted: 100 });
      expect(
        await tool(client, 'delete_records', { bucket_id: mine.bucket.id, keys: [1, 2, 3] }),
      ).toMatchObject({ isError: false, deleted: 3 });
      const left = await tool(client, 'read_records', { bucket_id: mine.bucket.id, limit: 10_000 });
      expect(left.records).toHaveLength(897);
    },
    BUSY_MACHINE.timeout,
  );

  it('answers with the REST problem codes', async () => {
    const client = await connect(mine.key);
    const bad = await tool(client, 'write_records', {
      bucket_id: mine.bucket.id,
      records: [{ key: 'not an integer', data: [{ series_key: 1, value: 1 }] }],
    });
    expect(bad).toMatchObject({ isError: true, code: 'invalid_records' });
    expect(bad.errors[0].pointer).toBe('/0/key');
    expect(
      await tool(client, 'read_records', { bucket_id: mine.bucket.id, from: 10, to: 5 }),
    ).toMatchObject({ isError: true, code: 'invalid_query' });
    expect(
      await tool(client, 'read_records', { bucket_id: mine.bucket.id, cursor: 'junk' }),
    ).toMatchObject({ isError: true, code: 'invalid_cursor' });
    expect(
      await tool(client, 'delete_records', { bucket_id: mine.bucket.id, keys: [1], from: 1 }),
    ).toMatchObject({ isError: true, code: 'conflicting_selection' });
  });

  it('refuses input of the wrong shape with the REST problem code, not the SDK’s message', async () => {
    const client = await connect(mine.key);
    const raw = (await client.callTool({
      name: 'read_records',
      arguments: { bucket_id: mine.bucket.id, limit: 0 },
    })) as CallToolResult;
    expect(raw.isError).toBe(true);
    const limit = JSON.parse((raw.content[0] as { text: string }).text);
    expect(limit).toMatchObject({ code: 'invalid_query', status: 400 });
    expect(limit.errors).toEqual([expect.objectContaining({ parameter: 'limit' })]);
    expect(limit.detail).toMatch(/^The tool read_records cannot take this input: limit: /);
    expect(JSON.stringify(raw.content)).not.toContain('Input validation error');

    expect(
      await tool(client, 'downsample', { bucket_id: mine.bucket.id, points: 'many' }),
    ).toMatchObject({ isError: true, code: 'invalid_query', errors: [{ parameter: 'points' }] });
    expect(
      await tool(client, 'read_records', { bucket_id: mine.bucket.id, colour: 'red' }),
    ).toMatchObject({ isError: true, code: 'invalid_query', errors: [{ parameter: 'colour' }] });
    expect(await tool(client, 'read_records', { bucket_id: 'no such/id' })).toMatchObject({
      isError: true,
      code: 'invalid_query',
      errors: [{ parameter: 'bucket_id' }],
    });
    const records = await tool(client, 'write_records', {
      bucket_id: mine.bucket.id,
      records: [{ key: 1, data: [{ series_key: 1, value: 1 }] }, 'not a record'],
    });
    expect(records).toMatchObject({ isError: true, code: 'invalid_records', status: 422 });
    expect(records.errors[0].pointer).toBe('/1');
    expect(
      await tool(client, 'write_records', { bucket_id: mine.bucket.id, records: 'none' }),
    ).toMatchObject({ isError: true, code: 'invalid_records', errors: [{ pointer: '' }] });
    expect(
      await tool(client, 'write_records', {
        bucket_id: mine.bucket.id,
        records: [{ key: 1, data: [{ series_key: 1, value: 1 }] }],
        mode: 'upsert',
      }),
    ).toMatchObject({ isError: true, code: 'invalid_input', errors: [{ pointer: '/mode' }] });
    expect(
      await tool(client, 'delete_records', { bucket_id: mine.bucket.id, keys: [] }),
    ).toMatchObject({ isError: true, code: 'invalid_records', errors: [{ pointer: '/keys' }] });
    expect(await tool(client, 'describe_dashboard', { verbose: true })).toMatchObject({
      isError: true,
      code: 'invalid_input',
      errors: [{ pointer: '/verbose' }],
    });
    expect(await tool(client, 'drop_tables')).toMatchObject({ isError: true, code: 'not_found' });
  });

  it("refuses a read-only key's write with insufficient_scope", async () => {
    const { key } = await createApiKey(
      server.store,
      {
        dashboardId: mine.dashboard.id,
        name: 'reader',
        type: 'production',
        createdBy: mine.user.id,
        scopes: ['read'],
      },
      Date.now(),
    );
    const client = await connect(key);
    const refused = await tool(client, 'write_records', {
      bucket_id: mine.bucket.id,
      records: [{ key: 5000, data: [{ series_key: 1, value: 1 }] }],
    });
    expect(refused).toMatchObject({ isError: true, code: 'insufficient_scope' });
    expect(refused.detail).toContain('write permission');
    expect(
      await tool(client, 'delete_records', { bucket_id: mine.bucket.id, keys: [5] }),
    ).toMatchObject({ isError: true, code: 'insufficient_scope' });
    expect(await tool(client, 'read_records', { bucket_id: mine.bucket.id, from: 5000 })).toEqual({
      isError: false,
      records: [],
      next_cursor: null,
    });
  });

  it("gives a key of another dashboard nothing of this dashboard's bucket, through any tool", async () => {
    const client = await connect(theirs.key);
    const bucket_id = mine.bucket.id;
    const attempts: [string, Record<string, unknown>][] = [
      ['read_records', { bucket_id }],
      ['downsample', { bucket_id }],
      ['write_records', { bucket_id, records: [{ key: 1, data: [{ series_key: 1, value: 1 }] }] }],
      ['delete_records', { bucket_id, keys: [10] }],
      ['delete_records', { bucket_id, from: 1 }],
    ];
    for (const [name, args] of attempts) {
      const refused = await tool(client, name, args);
      expect(refused, name).toMatchObject({ isError: true, code: 'bucket_not_found' });
    }
    const described = await tool(client, 'describe_dashboard');
    expect(described.buckets.map((b: { id: string }) => b.id)).toEqual([theirs.bucket.id]);
    expect(JSON.stringify(described)).not.toContain(mine.dashboard.id);
    // Nothing was written or deleted there.
    const mineStill = await tool(await connect(mine.key), 'read_records', { bucket_id });
    expect(mineStill.records).toHaveLength(897);
  });

  it('refuses a request without a valid key before any MCP, as REST does', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'curl', version: '1' },
      },
    };
    const headers = { accept: 'application/json, text/event-stream' };
    const missing = await call(`${server.url}/mcp`, { method: 'POST', body: initialize, headers });
    expect(missing.status).toBe(401);
    expect(missing.json.code).toBe('missing_api_key');
    const invalid = await call(`${server.url}/mcp`, {
      method: 'POST',
      body: initialize,
      headers,
      key: 'bg_live_nope',
    });
    expect(invalid.json.code).toBe('invalid_api_key');
    const get = await call(`${server.url}/mcp`, { key: mine.key });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

it('logs each MCP request under the route /mcp with its key id, never the key', async () => {
  lines.length = 0;
  const client = await connect(mine.key);
  await tool(client, 'describe_dashboard');
  const requests = lines.filter((line) => line.message === 'request' && line.route === '/mcp');
  expect(requests.length).toBeGreaterThanOrEqual(2);
  expect(requests).toContainEqual(
    expect.objectContaining({ method: 'POST', status: 200, keyId: mine.apiKey.id }),
  );
  expect(JSON.stringify(lines)).not.toContain(mine.key);
});

describe('the key’s per-minute budget', () => {
  let budgeted: TestServer;
  beforeAll(async () => {
    budgeted = await startTestServer({ keyRateLimitPerMinute: 1500, metricsToken: METRICS_TOKEN });
  }, BUSY_MACHINE.timeout);
  afterAll(() => budgeted.stopAll());

  it('is spent by MCP writes record by record, as REST writes spend it', async () => {
    const setup = await provision(budgeted.store, 'IV');
    const client = new Client({ name: 'budget', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${budgeted.url}/mcp`), {
        requestInit: { headers: { 'X-API-Key': setup.key } },
      }),
    );
    const batch = (from: number, length: number) =>
      Array.from({ length }, (_, i) => ({ k: from + i, d: [{ sk: 1, v: 1 }] }));
    const write = (records: unknown[]) =>
      tool(client, 'write_records', { bucket_id: setup.bucket.id, records });
    expect(await write(batch(1, 2000))).toMatchObject({
      isError: true,
      code: 'batch_exceeds_rate_limit',
    });
    expect(await write(batch(1, 1000))).toMatchObject({ isError: false, written: 1000 });
    // 1,000 of 1,500 spent by MCP: a REST write of 600 more is over the same budget.
    const rest = await call(`${budgeted.url}/api/buckets/${setup.bucket.id}`, {
      method: 'POST',
      key: setup.key,
      body: batch(2000, 600),
    });
    expect(rest.status).toBe(429);
    expect(await write(batch(3000, 600))).toMatchObject({ isError: true, code: 'rate_limited' });
    await client.close();
    // The MCP refusal is counted as REST's is, under its own route.
    const metrics = await call(`${budgeted.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(metrics.text).toContain('bucketgrid_rate_limit_refusals_total{route="/mcp"} 1\n');
    expect(metrics.text).toContain(
      'bucketgrid_rate_limit_refusals_total{route="/api/buckets/{bucketId}"} 1\n',
    );
  });
});
