import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A database of a test's own: its DATABASE_URL, and a way to remove it afterwards. */
export interface TestDatabase {
  url: string;
  backend: 'sqlite' | 'mongodb';
  /** Deletes the database (after every store on it is closed). */
  destroy(): Promise<void>;
}

/** The MongoDB deployment tests run on, if any (see test/mongo.test.ts). */
export const mongoUri: string | undefined = process.env.MONGODB_URI?.trim() || undefined;

/**
 * A fresh, empty database: a new MongoDB database on MONGODB_URI when it is set (so every
 * suite that uses this runs on MongoDB there, as CI does), else a SQLite file in a new
 * temporary directory.
 */
export function createTestDatabase(label: string): TestDatabase {
  if (mongoUri) {
    const name = `bucketgrid_test_${label}_${randomBytes(6).toString('hex')}`;
    return {
      url: withDatabase(mongoUri, name),
      backend: 'mongodb',
      destroy: () => dropMongoDatabase(name),
    };
  }
  const dir = mkdtempSync(join(tmpdir(), `bucketgrid-${label}-`));
  return {
    url: `file:${join(dir, `${label}.db`)}`,
    backend: 'sqlite',
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function dropMongoDatabase(name: string): Promise<void> {
  // Loaded only here, so that SQLite runs never load mongoose.
  const { default: mongoose } = await import('mongoose');
  const conn = await mongoose.createConnection(mongoUri!).asPromise();
  try {
    await conn.useDb(name, { useCache: false }).dropDatabase();
  } finally {
    await conn.close();
  }
}

/**
 * The URI with its database replaced by `name`. Credentials in a URI are checked against
 * its database unless `authSource` says otherwise, so that one (or `admin`) stays the
 * authentication database.
 */
export function withDatabase(uri: string, name: string): string {
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
