import {
  createApiKey,
  createBucket,
  createDashboard,
  createUser,
  getApiKeyOrThrow,
  getUserByEmailOrThrow,
  revokeApiKey,
} from '@bucketgrid/services';
import { type ApiKeyType, AppError, type BucketType } from '@bucketgrid/shared';
import type { Store } from '@bucketgrid/store';

type Flags = Record<string, string>;
type Command = (store: Store, flags: Flags) => Promise<Record<string, unknown>>;

function required(flags: Flags, name: string): string {
  const value = flags[name];
  if (value === undefined) throw new AppError('invalid_input', `missing --${name}`);
  return value;
}

/** Every command: "noun verb" → what it prints (one JSON object). */
export const commands: Record<string, Command> = {
  'user create': async (store, flags) => {
    const user = await createUser(store, {
      email: required(flags, 'email'),
      password: required(flags, 'password'),
      name: required(flags, 'name'),
    });
    return { id: user.id, email: user.email, workspace: user.workspace };
  },
  'dashboard create': async (store, flags) => {
    const owner = await getUserByEmailOrThrow(store, required(flags, 'owner'));
    const dashboard = await createDashboard(store, {
      ownerId: owner.id,
      name: required(flags, 'name'),
      slug: flags.slug,
      retention: flags.retention === undefined ? undefined : Number(flags.retention),
    });
    return { id: dashboard.id, slug: dashboard.slug };
  },
  'bucket create': async (store, flags) => {
    const bucket = await createBucket(store, {
      dashboardId: required(flags, 'dashboard'),
      name: required(flags, 'name'),
      type: required(flags, 'type') as BucketType,
    });
    return { id: bucket.id, type: bucket.type };
  },
  'key create': async (store, flags) => {
    const { apiKey, key } = await createApiKey(
      store,
      {
        dashboardId: required(flags, 'dashboard'),
        name: required(flags, 'name'),
        type: required(flags, 'type') as ApiKeyType,
        createdBy: null,
      },
      Date.now(),
    );
    return { id: apiKey.id, key };
  },
  'key revoke': async (store, flags) => {
    const key = await getApiKeyOrThrow(store, required(flags, 'id'));
    const revoked = await revokeApiKey(store, key, Date.now());
    return { id: revoked.id, revokedAt: revoked.revokedAt };
  },
};

/** Splits `noun verb --flag value …` into a command name and its flags. */
export function parseArgs(argv: string[]): { name: string; flags: Flags } {
  const words: string[] = [];
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new AppError('invalid_input', `${arg} needs a value`);
      }
      flags[arg.slice(2)] = value;
      i++;
    } else {
      words.push(arg);
    }
  }
  return { name: words.join(' '), flags };
}
