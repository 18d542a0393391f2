import { AppError, passwordSchema } from '@bucketgrid/shared';
import { hash, verify } from '@node-rs/argon2';

// argon2id (the library's default algorithm) with OWASP's recommended minimum cost:
// 19 MiB memory, 2 iterations, 1 lane.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password);
}

/** Refuses a password too weak to keep, as weak_password naming the field. */
export function assertStrongPassword(password: string, field: string): string {
  const result = passwordSchema.safeParse(password);
  if (!result.success) {
    const detail = result.error.issues[0]?.message ?? 'too weak';
    throw new AppError('weak_password', `${field}: ${detail}`, {
      errors: [{ pointer: `/${field}`, detail }],
    });
  }
  return result.data;
}
