import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStore } from '../src/open-store.ts';
import { runStoreContract } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('sqlite', () => openStore(`file:${join(dir, 'contract.db')}`));

// Every write seals all but its bucket's newest chunk: the same contract through the paths
// that change sealed records (docs/storage.md).
runStoreContract('sqlite, records sealed at once', () =>
  openStore(`file:${join(dir, 'contract-sealed.db')}`, { headRecords: 0 }),
);
