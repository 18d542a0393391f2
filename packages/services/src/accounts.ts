import {
  AppError,
  displayNameSchema,
  emailSchema,
  RESERVED_WORKSPACES,
  slugify,
} from '@bucketgrid/shared';
import { type Store, UniqueViolation, type User } from '@bucketgrid/store';
import { assertStrongPassword, hashPassword } from './passwords.ts';
import { uniqueSlug } from './slugs.ts';
import { validate } from './validate.ts';

/** Registers a user with an argon2id password hash and a fresh workspace slug. */
export async function createUser(
  store: Store,
  input: { email: string; password: string; name: string },
): Promise<User> {
  const email = validate(emailSchema, input.email, 'email');
  const name = validate(displayNameSchema, input.name, 'name');
  const password = await assertStrongPassword(
    input.password,
    'password',
    personalWords(email, name),
  );
  if (await store.getUserByEmail(email)) {
    throw new AppError('email_taken', 'An account with this email exists; sign in instead.');
  }
  const passwordHash = await hashPassword(password);
  const base = slugify(name === '' ? email.split('@')[0]! : name);
  try {
    // A workspace named as one of the server's own paths (`/s/…` is a share link's page)
    // would make its dashboards unreachable by their address.
    return await uniqueSlug(
      base,
      (workspace) => store.createUser({ email, name, workspace, passwordHash }),
      RESERVED_WORKSPACES,
    );
  } catch (error) {
    if (error instanceof UniqueViolation && error.field === 'email') {
      throw new AppError('email_taken', 'An account with this email exists; sign in instead.');
    }
    throw error;
  }
}

/** What a password must not be built from: the person's own email and name. */
export function personalWords(email: string, name: string): string[] {
  return [email, email.split('@')[0]!, name, ...name.split(/\s+/)].filter((word) => word !== '');
}

/** The account with this email; not_found when there is none. */
export async function getUserByEmailOrThrow(store: Store, email: string): Promise<User> {
  const user = await store.getUserByEmail(validate(emailSchema, email, 'email'));
  if (!user) throw new AppError('not_found', 'No account uses that email; create it first.');
  return user;
}

/**
 * Sets a user's password (the admin CLI, for installations without email) and ends every
 * session of the account: whoever had the old password is signed out.
 */
export async function setUserPassword(
  store: Store,
  input: { email: string; password: string },
): Promise<User> {
  const user = await getUserByEmailOrThrow(store, input.email);
  const password = await assertStrongPassword(
    input.password,
    'password',
    personalWords(user.email, user.name),
  );
  // The account's history notes it, as the CLI's: no address, no browser.
  await store.setUserPassword(user.id, await hashPassword(password), {
    at: Date.now(),
    kind: 'password_changed',
    address: null,
    userAgent: null,
  });
  await store.deleteUserSessions(user.id);
  return user;
}
