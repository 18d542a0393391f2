import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('says in one line that the port is busy, instead of a stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-main-'));
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const { port } = busy.address() as { port: number };
  try {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const failed = await run(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, DATABASE_URL: `file:${join(dir, 'test.db')}`, PORT: String(port) },
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stderr: '' });
    const lines = (failed as { stdout: string }).stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'error',
      // HOST unset: loopback, not every interface.
      message: `Cannot listen on 127.0.0.1:${port}: the port is in use (another Bucketgrid?). Stop that process or set PORT.`,
    });
  } finally {
    busy.close();
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
