import type { z } from 'zod';

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A schema problem in words a form can show: "At most 100 characters", "Required". */
export function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_big' && issue.origin === 'string') {
    return `At most ${issue.maximum} characters.`;
  }
  if (issue.code === 'too_small' && issue.origin === 'string') {
    return Number(issue.minimum) <= 1 ? 'Required.' : `At least ${issue.minimum} characters.`;
  }
  const text = capitalize(issue.message);
  return text.endsWith('.') ? text : `${text}.`;
}

/**
 * Checks form fields with the server's own schemas (from `@bucketgrid/shared`) before
 * sending: the message for each field that would be refused.
 */
export function checkFields(checks: Record<string, [z.ZodType, unknown]>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [field, [schema, value]] of Object.entries(checks)) {
    const result = schema.safeParse(value);
    if (!result.success && result.error.issues[0]) {
      errors[field] = issueMessage(result.error.issues[0]);
    }
  }
  return errors;
}
