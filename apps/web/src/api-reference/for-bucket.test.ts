import { expect, it } from 'vitest';
import { bucketFromQuery, forBucket } from './for-bucket.ts';

const document = {
  paths: {
    '/api/buckets/{bucketId}': {
      post: {
        parameters: [{ in: 'path', name: 'bucketId', schema: { type: 'string', example: 'X' } }],
        requestBody: {
          content: {
            'application/json': {
              examples: {
                long: { value: [1] },
                kv: { value: [2], 'x-bucket-type': 'KV' },
                iv: { value: [3], 'x-bucket-type': 'IV' },
              },
            },
          },
        },
      },
    },
    '/api/openapi.json': { get: { responses: {} } },
  },
};

it('reads the bucket from the query string, refusing what is not an id', () => {
  expect(bucketFromQuery('?bucket=b_1-x&type=KV')).toEqual({ id: 'b_1-x', type: 'KV' });
  expect(bucketFromQuery('?bucket=b1&type=XX')).toEqual({ id: 'b1', type: undefined });
  expect(bucketFromQuery('?bucket=../trpc')).toBeUndefined();
  expect(bucketFromQuery('')).toBeUndefined();
});

it('fills the bucket id into the paths and puts its type’s examples first', () => {
  const filled = forBucket(document, { id: 'b1', type: 'KV' });
  const post = filled.paths['/api/buckets/{bucketId}'].post;
  expect(post.parameters[0]).toMatchObject({ example: 'b1', schema: { example: 'b1' } });
  expect(Object.keys(post.requestBody.content['application/json'].examples)).toEqual([
    'kv',
    'long',
    'iv',
  ]);
  expect(document.paths['/api/buckets/{bucketId}'].post.parameters[0]).not.toHaveProperty(
    'example',
  );
  expect(forBucket(document, undefined)).toEqual(document);
});
