import { expect, it } from 'vitest';
import { createJsonLogger } from '../src/log.ts';

it('gathers info lines for one write per turn of the event loop, and writes errors at once', async () => {
  const writes: string[] = [];
  const log = createJsonLogger({ write: (text: string) => writes.push(text) });
  log('info', 'request', { method: 'POST', status: 200, keyId: undefined });
  log('info', 'said "hi"');
  expect(writes).toEqual([]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes).toHaveLength(1);
  const lines = writes[0]!
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  expect(lines).toEqual([
    { time: expect.any(String), level: 'info', message: 'request', method: 'POST', status: 200 },
    { time: expect.any(String), level: 'info', message: 'said "hi"' },
  ]);
  expect(new Date(lines[0].time).toISOString()).toBe(lines[0].time);

  log('info', 'first');
  log('error', 'then this', { error: 'boom' });
  expect(writes).toHaveLength(2);
  expect(
    writes[1]!
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).message),
  ).toEqual(['first', 'then this']);
});
