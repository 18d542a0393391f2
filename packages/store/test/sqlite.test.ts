import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openStore } from '../src/open-store.ts';
import { runStoreContract } from './contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'bucketgrid-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// TSV and IV records in chunks (docs/storage.md, the default), then as rows (the option
// off), then with every write sealing every record at once: the same contract through the
// paths that change sealed records.
runStoreContract('sqlite', () => openStore(`file:${join(dir, 'contract.db')}`));
runStoreContract('sqlite, records as rows', () =>
  openStore(`file:${join(dir, 'contract-rows.db')}`, { seriesChunks: false }),
);
runStoreContract('sqlite, records sealed at once', () =>
  openStore(`file:${join(dir, 'contract-sealed.db')}`, { seriesChunks: true, headRecords: 0 }),
);
