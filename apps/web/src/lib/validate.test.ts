import { bucketNameSchema, emailSchema, slugSchema } from '@bucketgrid/shared';
import { describe, expect, it } from 'vitest';
import { checkFields } from './validate.ts';

describe('form checks with the shared schemas', () => {
  it('says what the server would refuse, per field', () => {
    expect(
      checkFields({
        name: [bucketNameSchema, 'x'.repeat(101)],
        empty: [bucketNameSchema, '   '],
        slug: [slugSchema, 'Not A Slug'],
        email: [emailSchema, 'nobody'],
      }),
    ).toEqual({
      name: 'At most 100 characters.',
      empty: 'Required.',
      slug: 'Lowercase letters, digits and inner hyphens, 1 to 48 characters.',
      email: 'Invalid email address.',
    });
  });

  it('passes what the server accepts', () => {
    expect(
      checkFields({ name: [bucketNameSchema, 'Temperature'], slug: [slugSchema, 'plant-1'] }),
    ).toEqual({});
  });
});
