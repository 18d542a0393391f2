/**
 * Differential test of the ingestion fast path: random bodies (valid and broken, both record
 * forms, odd numbers, whitespace, escapes) go through parseRecordBatchText and through
 * JSON.parse + parseRecordBatch. Whenever the fast path accepts a body, the generic path must
 * accept it too, with the same keys and values (compared with Object.is, so 0 and -0 differ).
 * The seed is fixed, so a failure reproduces. `pnpm fuzz` runs many more bodies (FUZZ_CASES,
 * default 200,000) from a fresh seed (or FUZZ_SEED), and names the seed in a failure.
 */
import { expect, it } from 'vitest';
import type { BucketType } from '../src/bucket-key.ts';
import { type DataRecord, parseRecordBatch } from '../src/records.ts';
import { parseRecordBatchText } from '../src/records-text.ts';

const FUZZ = process.env.FUZZ === '1';
// Bounded work, not a clock: 2,000 bodies × 3 bucket types, about 0.3 s on an idle machine.
const BODIES = FUZZ ? Number(process.env.FUZZ_CASES ?? 200_000) : 2_000;
const SEED = FUZZ ? Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) : 1;
let seed = SEED;

/** mulberry32: small, seedable, good enough to pick shapes. */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;

// biome-ignore format: a table
const numbers = [
  '0', '-0', '1', '-1', '25.5', '-0.0', '0.000', '1e3', '1E-2', '1e400', '-1e400', '1e-400',
  '-1e-400', '0e5', '-0e5', '123456789012345678901234567890', '1.', '.5', '01', '1.5e', '-',
  '00', '1.0', '2.50', '9007199254740993', '1e21', '1000', '1001', '7', '-2.5e-3',
  `1${'0'.repeat(310)}`, `0.${'0'.repeat(320)}1`,
];
// biome-ignore format: a table
const keys = [
  '0', '-0', '-5', '1704067200000', '8640000000000000', '8640000000000001', '9007199254740991',
  '9007199254740993', '12345678901234567', '1.5', '1e3', '1.7e12', '"2025-10-20T10:00:00Z"',
  '"2025-10-20T10:00:00+02:00"', '"2025-10-20T10:00:00"', '"2025-02-31T00:00:00Z"', '"x"', '""',
  '"a\\"b"', '"\\u0041"', `"${'x'.repeat(256)}"`, `"${'x'.repeat(257)}"`, '"é☃"', 'null',
  'true', '[1]', '{}', '"0099-12-31T00:00:00Z"', '"0000-01-01T00:00:00Z"', '"0001-02-29T00:00:00Z"',
  '"\\ud800"', '"a\\udfff"', '"\\ud83d\\ude00"', '"\ud800"', '"a\udc00b"', '"😀"',
];
const space = () => (chance(0.1) ? pick([' ', '\n', '\t', '\r\n  ']) : '');

function item(): string {
  const members: string[] = [];
  if (chance(0.99)) {
    const name = chance(0.99) ? pick(['sk', 'series_key']) : pick(['SK', 's\\u006b']);
    const value = chance(0.98) ? String(1 + Math.floor(random() * 6)) : pick(numbers);
    members.push(`"${name}"${space()}:${space()}${value}`);
  }
  if (chance(0.99)) {
    const value = chance(0.1)
      ? 'null'
      : chance(0.08)
        ? pick(numbers)
        : String((random() - 0.5) * 10 ** Math.floor(random() * 8));
    members.push(`"${pick(['v', 'v', 'value', 'val'])}":${space()}${value}`);
  }
  if (chance(0.01)) members.push(`"${pick(['sk', 'v', 'x', '__proto__'])}":1`);
  if (chance(0.5)) members.reverse();
  return `{${space()}${members.join(`${space()},${space()}`)}${space()}}`;
}

function record(): string {
  const members: string[] = [];
  if (chance(0.99)) {
    const key = chance(0.9) ? String(Math.floor(random() * 2e12) - 5e11) : pick(keys);
    members.push(`"${pick(['k', 'key', 'k', 'K'])}":${space()}${key}`);
  }
  const items = chance(0.01) ? pick([0, 100, 101]) : 1 + Math.floor(random() * 5);
  if (chance(0.99)) {
    const data = Array.from({ length: items }, item).join(`,${space()}`);
    members.push(`"${pick(['d', 'data', 'd', 'dat'])}":${space()}[${data}]`);
  }
  if (chance(0.01)) members.push(`"${pick(['k', 'd', 'extra', 'key'])}":1`);
  if (chance(0.5)) members.reverse();
  return `{${members.join(',')}}`;
}

function body(): string {
  const records = Array.from({ length: chance(0.01) ? 0 : 1 + Math.floor(random() * 4) }, record);
  const text = `${space()}[${space()}${records.join(`${space()},${space()}`)}${space()}]${space()}`;
  if (!chance(0.03)) return text;
  return pick([text.slice(0, -1), `${text},`, `${text}x`, `\uFEFF${text}`, text.replace('[', '{')]);
}

/** The body as JSON.parse reads it (once per body, for all three bucket types). */
function parsed(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function generic(json: { value: unknown } | undefined, type: BucketType): DataRecord[] | undefined {
  if (!json) return undefined;
  try {
    return parseRecordBatch(json.value, type);
  } catch {
    return undefined;
  }
}

function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return a === b;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return (
    ka.length === kb.length &&
    ka.every(
      (k, i) =>
        k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

const plain = (records: DataRecord[], values: (r: DataRecord) => unknown) =>
  records.map((r) => ({ key: r.key, values: values(r) }));

// The work is bounded (BODIES); the timeout only stops a run that hangs, on any machine.
it('accepts only what the generic path accepts, with identical records', {
  timeout: 120_000,
}, () => {
  let valid = 0;
  let fast = 0;
  const mismatches: string[] = [];
  for (let n = 0; n < BODIES; n++) {
    const text = body();
    const json = parsed(text);
    for (const type of ['TSV', 'IV', 'KV'] as const) {
      const expected = generic(json, type);
      const scanned = parseRecordBatchText(text, type);
      if (expected) valid++;
      if (!scanned) continue;
      fast++;
      const ok =
        expected !== undefined &&
        same(
          plain(scanned, (r) => r.values),
          plain(expected, (r) => r.values),
        );
      if (!ok) mismatches.push(`${type}: ${text}`);
    }
  }
  expect(mismatches, `seed ${SEED}`).toEqual([]);
  // The generator must exercise both paths, or the comparison above proves nothing.
  expect(fast).toBeGreaterThan(valid / 2);
  expect(valid).toBeLessThan(BODIES * 3);
});

// Decimal literals the fast path converts itself (mantissa / 10^places): every digit count
// and place count around its limits (15 significant digits, 22 places), each compared with
// JSON.parse's value by Object.is. Bounded: 20,000 literals.
it('reads decimal numbers exactly as JSON.parse does', () => {
  const wrong: string[] = [];
  for (let n = 0; n < 20_000; n++) {
    const digits = 1 + Math.floor(random() * 18);
    let mantissa = String(1 + Math.floor(random() * 9));
    for (let d = 1; d < digits; d++) mantissa += String(Math.floor(random() * 10));
    const places = Math.floor(random() * 25);
    const padded = mantissa.padStart(places + 1, '0');
    const cut = padded.length - places;
    const literal = `${chance(0.5) ? '-' : ''}${padded.slice(0, cut)}${places > 0 ? `.${padded.slice(cut)}` : ''}`;
    const [record] = parseRecordBatchText(`[{"k":1,"d":[{"sk":1,"v":${literal}}]}]`, 'IV') ?? [];
    if (!Object.is(record?.values[1], JSON.parse(literal))) wrong.push(literal);
  }
  expect(wrong).toEqual([]);
});
