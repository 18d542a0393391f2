import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStore } from '../src/open-store.ts';
import { runStoreContract } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

runStoreContract('sqlite', () => openStore(`file:${join(dir, 'contract.db')}`));

// TSV and IV records in chunks (docs/storage.md), then with every write sealing every record
// at once: the same contract through the paths that change sealed records.
runStoreContract('sqlite, series chunks', () =>
  openStore(`file:${join(dir, 'contract-chunks.db')}`, { seriesChunks: true }),
);
runStoreContract('sqlite, records sealed at once', () =>
  openStore(`file:${join(dir, 'contract-sealed.db')}`, { seriesChunks: true, headRecords: 0 }),
);
