import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { expect, it } from 'vitest';
import { buildOpenApiDocument } from '../src/openapi/document.ts';
import { type OpenApiDocument, operationsOf, schemaChecker, segment } from './openapi-schemas.ts';

const document = buildOpenApiDocument() as OpenApiDocument;

interface RequestExample {
  value: unknown;
  'x-expect-status'?: number;
}
const check = schemaChecker(document);

it('is a valid OpenAPI 3.1 document', async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');
  // The OpenAPI schema takes any JSON Schema; each one must also be a valid one (ajv refuses
  // an invalid schema when compiling it).
  for (const name of Object.keys(document.components.schemas)) {
    expect(() => check(`/components/schemas/${name}`, null)).not.toThrow();
  }
  for (const { pointer, spec } of operationsOf(document)) {
    for (const [status, response] of Object.entries<{ content?: object }>(spec.responses)) {
      for (const type of Object.keys(response.content ?? {})) {
        const schema = `${pointer}/responses/${status}/content/${segment(type)}/schema`;
        expect(() => check(schema, null)).not.toThrow();
      }
    }
  }
});

it('holds examples that match their own schemas, and error examples that do not', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const { pointer, spec } of operationsOf(document)) {
    for (const [i, parameter] of (spec.parameters ?? []).entries()) {
      if (parameter.schema.example === undefined) continue;
      checked++;
      for (const p of check(`${pointer}/parameters/${i}/schema`, parameter.schema.example)) {
        problems.push(`${pointer} ${parameter.name}: ${p}`);
      }
    }
    // biome-ignore lint/suspicious/noExplicitAny: media objects as the document has them
    for (const [type, media] of Object.entries<any>(spec.requestBody?.content ?? {})) {
      const schema = `${pointer}/requestBody/content/${segment(type)}/schema`;
      // The examples tools offer to send are all valid; the refused ones sit apart.
      const offered: Record<string, RequestExample> = media.examples ?? {};
      for (const [name, example] of Object.entries(offered)) {
        checked++;
        problems.push(...check(schema, example.value).map((p) => `${pointer} ${name}: ${p}`));
        if (example['x-expect-status'] !== undefined) {
          problems.push(`${pointer} ${name}: a refused example among those offered`);
        }
      }
      const refused: Record<string, RequestExample> = media['x-refused-examples'] ?? {};
      for (const [name, example] of Object.entries(refused)) {
        checked++;
        if (check(schema, example.value).length === 0) {
          problems.push(`${pointer} ${name}: should be invalid`);
        }
        if (!((example['x-expect-status'] ?? 0) >= 400)) {
          problems.push(`${pointer} ${name}: a refused example without its x-expect-status`);
        }
      }
    }
    // biome-ignore lint/suspicious/noExplicitAny: response objects as the document has them
    for (const [status, response] of Object.entries<any>(spec.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) {
        const schema = `${pointer}/responses/${status}/content/${segment(type)}/schema`;
        // biome-ignore lint/suspicious/noExplicitAny: example objects as the document has them
        for (const [name, example] of Object.entries<any>((media as any).examples ?? {})) {
          checked++;
          problems.push(...check(schema, example.value).map((p) => `${status} ${name}: ${p}`));
          if (example.value.status !== undefined && String(example.value.status) !== status) {
            problems.push(
              `${pointer} ${status} ${name}: example of status ${example.value.status}`,
            );
          }
        }
      }
    }
  }
  expect(problems).toEqual([]);
  expect(checked).toBeGreaterThan(40);
});

it('is what docs/rest-api.md describes: every operation and every error code', () => {
  const reference = readFileSync(new URL('../../../docs/rest-api.md', import.meta.url), 'utf8');
  for (const { method, path } of operationsOf(document)) {
    expect(reference).toContain(`## \`${method.toUpperCase()} ${path}\``);
  }
  // The error table (`| 400 | \`malformed_json\` | when |`) lists exactly the document's codes.
  const codes = document.components.schemas.Problem.properties.code.enum as string[];
  const table = [...reference.matchAll(/^\| \d{3} \| `([a-z_]+)` \|/gm)].map((row) => row[1]);
  expect(table.sort()).toEqual([...codes].sort());
});
