import { AppError } from '@bucketgrid/shared';
import type { z } from 'zod';

/** Validates a service input; the first problem becomes an invalid_input error. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  field: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(
      'invalid_input',
      `${field}: ${result.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}
