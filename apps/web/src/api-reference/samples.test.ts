import { describe, expect, it } from 'vitest';
import { forSamples } from './samples.ts';

const document = {
  security: [{ apiKey: [] }],
  paths: {
    '/api/buckets/{bucketId}': {
      get: {
        parameters: [
          {
            name: 'bucketId',
            in: 'path',
            required: true,
            schema: { type: 'string' },
            example: 'B1',
          },
          {
            name: 'from',
            in: 'query',
            schema: { type: 'string', example: '2025-10-20T10:00:00Z' },
          },
          { name: 'to', in: 'query', schema: { type: 'string' } },
          { name: 'key_format', in: 'query', schema: { type: 'string', enum: ['iso', 'ms'] } },
        ],
      },
      delete: {
        parameters: [{ name: 'bucketId', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          content: { 'application/json': { examples: { keys: { value: { keys: [1, null] } } } } },
        },
      },
    },
    '/api/openapi.json': { get: { security: [] } },
  },
};

describe('the reference page’s samples', () => {
  it('leave out optional query parameters without an example, keeping their schema shown', () => {
    const shown = forSamples(document, 'http://localhost:3000');
    const [, from, to, keyFormat] = shown.paths['/api/buckets/{bucketId}'].get.parameters;
    expect(from.schema).toEqual({ type: 'string', example: '2025-10-20T10:00:00Z' });
    expect(to.schema).toBeUndefined();
    expect(to.content).toEqual({ 'text/plain': { schema: { type: 'string' } } });
    expect(keyFormat.content['text/plain'].schema.enum).toEqual(['iso', 'ms']);
    // The served document is left as it is.
    expect(document.paths['/api/buckets/{bucketId}'].get.parameters[2]).toHaveProperty('schema');
  });

  it('give each operation a whole Python program, with the key only where one is taken', () => {
    const shown = forSamples(document, 'http://localhost:3000');
    const [read] = shown.paths['/api/buckets/{bucketId}'].get['x-codeSamples'];
    expect(read.source).toBe(
      [
        'import requests',
        '',
        'response = requests.get(',
        '    "http://localhost:3000/api/buckets/B1",',
        '    params={',
        '        "from": "2025-10-20T10:00:00Z"',
        '    },',
        '    headers={"X-API-Key": "YOUR_API_KEY"},',
        ')',
        'print(response.status_code, response.text)',
        '',
      ].join('\n'),
    );
    const [remove] = shown.paths['/api/buckets/{bucketId}'].delete['x-codeSamples'];
    expect(remove.source).toContain('requests.delete(');
    expect(remove.source).toContain(
      'json={\n        "keys": [\n            1,\n            None\n        ]\n    },',
    );
    const [contract] = shown.paths['/api/openapi.json'].get['x-codeSamples'];
    expect(contract.source).not.toContain('X-API-Key');
  });
});
