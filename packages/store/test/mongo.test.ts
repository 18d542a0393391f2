import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, describe, it } from 'vitest';
import { openMongoStore } from '../src/mongo/mongo-store.ts';
import type { Store } from '../src/store.ts';
import { runStoreContract } from './contract.ts';

/*
 * The shared store contract against MongoDB. It needs a server that can run transactions
 * (a replica set, single-node is fine), which cannot run on the build machines, so the suite
 * runs only when MONGODB_URI names one, e.g.
 *   MONGODB_URI='mongodb://localhost:27017/?replicaSet=rs0' pnpm --filter @bucketgrid/store test
 * Each store gets a database of its own, dropped when the file is done.
 */

const baseUri = process.env.MONGODB_URI?.trim();

if (baseUri) {
  const databases: string[] = [];
  const stores: Store[] = [];

  runStoreContract('mongodb', async () => {
    const name = `bucketgrid_test_${randomBytes(6).toString('hex')}`;
    databases.push(name);
    const store = await openMongoStore(withDatabase(baseUri, name));
    stores.push(store);
    return store;
  });

  afterAll(async () => {
    await Promise.allSettled(stores.map((store) => store.close()));
    if (databases.length === 0) return;
    const conn = await mongoose.createConnection(baseUri).asPromise();
    try {
      for (const name of databases) await conn.useDb(name, { useCache: false }).dropDatabase();
    } finally {
      await conn.close();
    }
  });
} else {
  console.warn('MongoDB store contract suite SKIPPED: set MONGODB_URI to run it');
  describe.skip('mongodb store contract (MONGODB_URI not set)', () => {
    it('runs the shared store contract against MongoDB', () => {});
  });
}

/**
 * The URI with its database replaced by `name`. Credentials in a URI are checked against
 * its database unless `authSource` says otherwise, so that one (or `admin`) stays the
 * authentication database.
 */
function withDatabase(uri: string, name: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/)([^/?]*)(?:\/([^?]*))?(\?.*)?$/.exec(uri);
  if (!match) throw new Error('MONGODB_URI must start with mongodb:// or mongodb+srv://');
  const [, scheme, hosts = '', database = '', query = ''] = match;
  let options = query;
  if (hosts.includes('@') && !/[?&](authSource|authMechanism)=/i.test(query)) {
    const authSource = encodeURIComponent(decodeURIComponent(database) || 'admin');
    options = `${query || '?'}${query.length > 1 ? '&' : ''}authSource=${authSource}`;
  }
  return `${scheme}${hosts}/${name}${options}`;
}
