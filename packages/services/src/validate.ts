import { AppError } from '@bucketgrid/shared';
import type { z } from 'zod';

/**
 * Validates a service input. Problems become an invalid_input error that names the field in
 * its message and carries every problem as data (`errors`, JSON pointers from the field).
 */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  field: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const { issues } = result.error;
    throw new AppError('invalid_input', `${field}: ${issues[0]?.message ?? 'invalid'}`, {
      errors: issues.map((issue) => ({
        pointer: ['', field, ...issue.path].join('/'),
        detail: issue.message,
      })),
    });
  }
  return result.data;
}
