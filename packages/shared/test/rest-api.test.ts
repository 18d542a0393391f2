/**
 * The write body's zod schema (what the OpenAPI document publishes) against the hand-written
 * validator the server runs (parseRecordBatch): on random bodies, valid and broken, in both
 * record forms, they must agree on what is a valid write for every bucket type. The key rule of
 * each type is the server's own (normalizeKey); everything else is the schema's.
 * The seed is fixed, so a failure reproduces.
 */
import { expect, it } from 'vitest';
import { z } from 'zod';
import { type BucketType, KeyError, normalizeKey } from '../src/bucket-key.ts';
import { parseRecordBatch } from '../src/records.ts';
import { writeBodySchema, writeBodySchemaFor } from '../src/rest-api.ts';

const BODIES = 1_000;
let seed = 7;

/** mulberry32: small, seedable, good enough to pick shapes. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;

// biome-ignore format: a table
const odd = [
  0, -0, -5, 1.5, 8.64e15, 8.64e15 + 1, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, '2025-10-20T10:00:00Z',
  '2025-10-20T12:00:00+02:00', '2025-10-20T10:00:00', '2025-02-31T00:00:00Z', 'berlin', '', 'x'.repeat(256),
  'x'.repeat(257), '12', null, true, [1], {},
];
// biome-ignore format: a table
const oddSeriesKeys = [0, 1001, 1000, 1.5, -1, '1', null];
// biome-ignore format: a table
const oddValues = [0, -0, 1e308, -2.5e-3, '1', true, [], {}, undefined];

function series(long: boolean): Record<string, unknown> {
  const [skName, vName] = long ? ['series_key', 'value'] : ['sk', 'v'];
  const item: Record<string, unknown> = {};
  if (chance(0.99))
    item[skName] = chance(0.97) ? 1 + Math.floor(random() * 8) : pick(oddSeriesKeys);
  if (chance(0.99)) {
    item[vName] = chance(0.1) ? null : chance(0.05) ? pick(oddValues) : (random() - 0.5) * 1e4;
  }
  if (chance(0.01)) item[pick(['extra', long ? 'sk' : 'series_key'])] = 1;
  return item;
}

function record(): unknown {
  if (chance(0.005)) return pick([null, 1, 'record', []]);
  const long = chance(0.5);
  const out: Record<string, unknown> = {};
  if (chance(0.99)) {
    out[long ? 'key' : 'k'] = chance(0.85)
      ? Math.floor(random() * 2e12) - 5e11
      : chance(0.5)
        ? pick(odd)
        : `city-${Math.floor(random() * 1000)}`;
  }
  if (chance(0.99)) {
    const count = chance(0.01) ? pick([0, 100, 101]) : 1 + Math.floor(random() * 4);
    out[long ? 'data' : 'd'] = chance(0.005)
      ? 'data'
      : Array.from({ length: count }, () => series(long));
  }
  if (chance(0.01)) out[pick(['extra', long ? 'k' : 'key'])] = 1;
  return out;
}

function body(): unknown {
  if (chance(0.005)) return pick([{}, null, 'records', 1]);
  const count = chance(0.005) ? 0 : 1 + Math.floor(random() * 4);
  return Array.from({ length: count }, record);
}

function serverAccepts(value: unknown, type: BucketType): boolean {
  try {
    parseRecordBatch(value, type);
    return true;
  } catch {
    return false;
  }
}

const keyRule = (type: BucketType) =>
  z.unknown().refine((raw) => !(normalizeKey(type, raw) instanceof KeyError));

it('the published write body schema and the server’s validator agree on every body', () => {
  const schemas = {
    TSV: writeBodySchemaFor(keyRule('TSV')),
    KV: writeBodySchemaFor(keyRule('KV')),
    IV: writeBodySchemaFor(keyRule('IV')),
  };
  const mismatches: string[] = [];
  let valid = 0;
  for (let n = 0; n < BODIES; n++) {
    const value = body();
    for (const type of ['TSV', 'KV', 'IV'] as const) {
      const server = serverAccepts(value, type);
      const schema = schemas[type].safeParse(value).success;
      if (server) valid++;
      if (server !== schema && mismatches.length < 5) {
        mismatches.push(`${type} server=${server} schema=${schema}: ${JSON.stringify(value)}`);
      }
      // The document's schema takes any bucket's keys: whatever a bucket accepts, it accepts.
      if (schema && !writeBodySchema.safeParse(value).success && mismatches.length < 5) {
        mismatches.push(
          `${type}: accepted, but not by the document's schema: ${JSON.stringify(value)}`,
        );
      }
    }
  }
  expect(mismatches).toEqual([]);
  // Both sides of the comparison are exercised.
  expect(valid).toBeGreaterThan(BODIES * 0.3);
  expect(valid).toBeLessThan(BODIES * 2.7);
}, 60_000);
