/**
 * A fuzzer over the REST data API: random bodies and query strings (valid, broken, and in
 * between), with a fixed seed so a failure reproduces. For every answer it checks the status
 * (never 5xx; a write is accepted exactly when the shared validator accepts its body), the
 * problem's shape (RFC 9457 with a catalogued code whose status matches), and that a refused
 * request changed nothing: the bucket's records are compared before and after.
 *
 * `pnpm fuzz` runs many more cases (FUZZ_CASES, default 50,000) from a fresh seed (or
 * FUZZ_SEED), and names the seed in a failure.
 */
import { gzipSync } from 'node:zlib';
import {
  type BucketType,
  type ProblemCode,
  parseRecordBatch,
  problemCatalog,
} from '@bucketgrid/shared';
import type { Bucket } from '@bucketgrid/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { provision, startTestServer, type TestServer } from './helpers.ts';

const FUZZ = process.env.FUZZ === '1';
// Bounded work, not a clock: 2,000 requests, a few seconds on a busy 2-core machine.
const CASES = FUZZ ? Number(process.env.FUZZ_CASES ?? 50_000) : 2_000;
const SEED = FUZZ ? Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) : 7;

let seed = SEED;
/** mulberry32: small, seedable, good enough to pick shapes. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;
const int = (n: number) => Math.floor(random() * n);

interface Target {
  type: BucketType;
  bucket: Bucket;
  key: string;
  url: string;
}

let server: TestServer;
const targets: Target[] = [];
beforeAll(async () => {
  // Bad keys are among the cases: the failed-attempt limit must not end the run early.
  server = await startTestServer({ failedKeyAttemptsPerMinute: 1e9 });
  for (const type of ['TSV', 'KV', 'IV'] as const) {
    const { bucket, key } = await provision(server.store, type);
    targets.push({ type, bucket, key, url: `${server.url}/api/buckets/${bucket.id}` });
  }
});
afterAll(() => server.stopAll());

// Keys from small pools, so the buckets stay small and every snapshot is cheap.
// biome-ignore format: tables
const keyTexts: Record<BucketType, string[]> = {
  TSV: ['1704067200000', '1704067201000', '"2024-01-01T00:00:02Z"', '"2024-01-01T01:00:03+01:00"',
    '"0099-12-31T00:00:00Z"', '0', '-1'],
  IV: ['0', '1', '2', '-3', '9007199254740991', '42'],
  KV: ['"a"', '"b"', '"berlin"', '"😀"', '"\\u00e9"', '"k 1"'],
};
// biome-ignore format: tables
const badKeys = ['1.5', '1e3', 'null', 'true', '[]', '{}', '""', '"\\ud800"', '"2024-02-30T00:00:00Z"',
  '"2024-01-01T00:00:00"', '9007199254740993', `"${'x'.repeat(257)}"`, '"0000-00-00T00:00:00Z"', '-0',
  '"a\\udfffb"'];
// biome-ignore format: tables
const values = ['1', '-2.5', '0', '-0', 'null', '1e308', '1e400', '"1"', 'true', '[]', '{}', '3.14159',
  '-1e-400', 'NaN', '01', '.5'];

function item(): string {
  const parts: string[] = [];
  const sk = chance(0.95) ? String(1 + int(5)) : pick(['0', '1001', '1.0', '"1"', 'null', '-1']);
  if (chance(0.97)) parts.push(`"${pick(['sk', 'series_key'])}":${sk}`);
  if (chance(0.97))
    parts.push(
      `"${pick(['v', 'value'])}":${chance(0.9) ? pick(values.slice(0, 5)) : pick(values)}`,
    );
  if (chance(0.02)) parts.push(`"${pick(['x', 'sk', '__proto__', 'V'])}":1`);
  return `{${(chance(0.5) ? parts : parts.reverse()).join(',')}}`;
}

function record(type: BucketType): string {
  const parts: string[] = [];
  const key = chance(0.93) ? pick(keyTexts[type]) : pick(badKeys);
  if (chance(0.97)) parts.push(`"${pick(['k', 'key'])}":${key}`);
  const items = chance(0.02) ? pick([0, 101]) : 1 + int(4);
  const data = Array.from({ length: items }, item).join(',');
  if (chance(0.97))
    parts.push(
      `"${pick(['d', 'data'])}":${chance(0.98) ? `[${data}]` : pick(['{}', '1', 'null'])}`,
    );
  if (chance(0.02)) parts.push(`"${pick(['extra', 'k', 'd'])}":1`);
  return `{${(chance(0.5) ? parts : parts.reverse()).join(',')}}`;
}

/** A body as bytes: mostly JSON record arrays, some broken, some not UTF-8. */
function writeBody(type: BucketType): Buffer {
  const count = chance(0.01) ? 0 : 1 + int(chance(0.1) ? 50 : 4);
  let text = `[${Array.from({ length: count }, () => record(type)).join(',')}]`;
  if (chance(0.05))
    text = pick(['', '{}', 'null', '"x"', '[', '[1,]', ' [ ] ', `${text}x`, text.slice(0, -1)]);
  const bytes = Buffer.from(text);
  if (chance(0.03) && bytes.length > 2) {
    // A byte that is not UTF-8 (or the start of a sequence cut short) somewhere in the body.
    bytes[1 + int(bytes.length - 2)] = pick([0xff, 0xfe, 0xc3, 0xed, 0x80]);
  }
  return bytes;
}

/** What the shared validator says of a write body (the server must agree). */
function validWrite(bytes: Buffer, type: BucketType): boolean {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    parseRecordBatch(JSON.parse(text), type);
    return true;
  } catch {
    return false;
  }
}

// biome-ignore format: tables
const queryNames = ['from', 'to', 'order', 'limit', 'cursor', 'format', 'points', 'series', 'limt', 'x', ''];
// biome-ignore format: tables
const queryValues = ['1', '0', 'asc', 'desc', 'up', '10001', 'min', '1,2', 'a', '%ff', '%', '%e2%82',
  '2024-01-01T00:00:00Z', '-5', '1e3', '', '%F0%9F%98%80', 'WyJhc2MiLDFd', '+'];

function queryString(): string {
  if (chance(0.4)) return '';
  const pairs = Array.from(
    { length: 1 + int(3) },
    () => `${pick(queryNames)}=${pick(queryValues)}`,
  );
  return `?${pairs.join('&')}`;
}

interface Case {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** For writes: whether the validator takes the body (undefined: not a plain JSON write). */
  valid?: boolean;
}

function nextCase(target: Target): Case {
  const headers: Record<string, string> = {
    'x-api-key': chance(0.97) ? target.key : pick(['', 'bg_prod_x', `${target.key.slice(0, -1)}0`]),
  };
  const roll = random();
  if (roll < 0.6) {
    const body = writeBody(target.type);
    headers['content-type'] = chance(0.97)
      ? 'application/json'
      : pick(['text/plain', 'application/xml']);
    let sent = body;
    let plain = headers['content-type'] === 'application/json';
    if (chance(0.05)) {
      headers['content-encoding'] = 'gzip';
      sent = chance(0.8) ? gzipSync(body) : body;
      plain = plain && sent !== body;
    }
    const valid =
      plain && headers['x-api-key'] === target.key ? validWrite(body, target.type) : undefined;
    return { method: pick(['POST', 'PUT']), path: '', headers, body: sent, valid };
  }
  if (roll < 0.8) {
    const keys = Array.from({ length: int(4) }, () =>
      chance(0.9) ? pick(keyTexts[target.type]) : pick(badKeys),
    );
    const body = pick([
      `{"keys":[${keys.join(',')}]}`,
      `{"keys":[${keys.join(',')}],"x":1}`,
      '{"kyes":[1]}',
      '[]',
      '{',
    ]);
    const query = queryString();
    if (chance(0.5)) {
      headers['content-type'] = 'application/json';
      return { method: 'DELETE', path: query, headers, body: Buffer.from(body) };
    }
    return { method: 'DELETE', path: query, headers };
  }
  return { method: 'GET', path: `${chance(0.2) ? '/downsample' : ''}${queryString()}`, headers };
}

async function snapshot(target: Target): Promise<string> {
  const { records } = await server.store.readRecords(target.bucket, {
    order: 'asc',
    limit: 100_000,
  });
  return JSON.stringify(records.map((r) => [r.key, r.values]));
}

it(`keeps its contract over ${CASES} random requests (seed ${SEED})`, {
  timeout: 600_000,
}, async () => {
  const failures: string[] = [];
  const before = new Map<Target, string>();
  for (const target of targets) before.set(target, await snapshot(target));
  const counts = { ok: 0, refused: 0 };
  for (let n = 0; n < CASES && failures.length < 10; n++) {
    const target = pick(targets);
    const c = nextCase(target);
    const response = await fetch(`${target.url}${c.path}`, {
      method: c.method,
      headers: c.headers,
      body: c.body,
    });
    const text = await response.text();
    const where = `case ${n} (seed ${SEED}): ${c.method} ${c.path} ${JSON.stringify(c.headers)} ${c.body?.toString('latin1').slice(0, 300)} → ${response.status} ${text.slice(0, 300)}`;
    const fail = (why: string) => failures.push(`${why}: ${where}`);
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      fail('the answer is not JSON');
      continue;
    }
    if (response.status >= 500) fail('a 5xx');
    if (c.valid !== undefined && c.valid !== (response.status === 200)) {
      fail(c.valid ? 'a valid write was refused' : 'an invalid write was accepted');
    }
    const after = await snapshot(target);
    if (response.status >= 400) {
      counts.refused++;
      const problem = problemShapeError(response, json!);
      if (problem) fail(problem);
      if (after !== before.get(target)) fail('a refused request changed the bucket');
    } else {
      counts.ok++;
    }
    before.set(target, after);
  }
  expect(failures).toEqual([]);
  // The generator must reach both sides, or the checks above prove little.
  expect(counts.ok).toBeGreaterThan(CASES / 10);
  expect(counts.refused).toBeGreaterThan(CASES / 3);
});

function problemShapeError(response: Response, json: Record<string, unknown>): string | undefined {
  if (!response.headers.get('content-type')?.startsWith('application/problem+json')) {
    return 'an error that is not problem+json';
  }
  const { type, title, status, detail, code, errors } = json;
  if (typeof type !== 'string' || typeof title !== 'string' || typeof detail !== 'string') {
    return 'a problem without type, title or detail';
  }
  if (status !== response.status) return 'a problem whose status is not the answer’s';
  if (!(typeof code === 'string' && code in problemCatalog)) return 'an uncatalogued code';
  if (problemCatalog[code as ProblemCode].status !== status) return 'a code with another status';
  if (errors !== undefined) {
    if (!Array.isArray(errors) || errors.length === 0 || errors.length > 100) {
      return 'errors is not a list of 1 to 100';
    }
    for (const item of errors as Record<string, unknown>[]) {
      const located = (typeof item.pointer === 'string') !== (typeof item.parameter === 'string');
      if (!located || typeof item.detail !== 'string') return 'an error item without its place';
    }
  }
  return undefined;
}
