import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { llmsFiles } from './llms-files.ts';

const reference = readFileSync(new URL('../../../../docs/rest-api.md', import.meta.url), 'utf8');

it('makes llms-full.txt the reference itself, without links into the repository', () => {
  const full = llmsFiles(reference)['llms-full.txt'];
  expect(full.startsWith('# REST data API reference\n')).toBe(true);
  expect(full).toContain('## `GET /api/buckets/{bucketId}/downsample`');
  expect(full).toContain('## AI agents (MCP)');
  expect(full).not.toMatch(/\]\((?!#)/);
  expect(full).toContain('(docs/sharing.md)');
  expect(full).toContain('[delete](#delete-apibucketsbucketid)');
});

it('makes llms.txt an index in the llms.txt form: title, summary, links, every section', () => {
  const short = llmsFiles(reference)['llms.txt'];
  const lines = short.split('\n');
  expect(lines[0]).toBe('# REST data API reference');
  expect(lines[2]).toMatch(/^> Programs push records into buckets/);
  expect(short).toContain('- [The whole reference](/llms-full.txt)');
  expect(short).toContain('`/mcp`');
  for (const heading of [
    'Conventions',
    '`POST /api/buckets/{bucketId}/purge`',
    'Errors',
    'Limits',
  ]) {
    expect(lines).toContain(`- ${heading}`);
  }
});
