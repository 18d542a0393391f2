import { Ajv2020 } from 'ajv/dist/2020.js';

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document is walked field by field
export type OpenApiDocument = Record<string, any>;

/**
 * JSON Schema validation against the schemas inside an OpenAPI 3.1 document (its dialect is
 * JSON Schema 2020-12): `check(pointer, value)` validates `value` against the schema at that
 * JSON pointer of the document and returns the problems, or [] when it is valid.
 */
export function schemaChecker(document: OpenApiDocument) {
  // strict: false, because a document carries OpenAPI keywords (example, …) beside the schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ ...document, $id: 'openapi' });
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  return (pointer: string, value: unknown): string[] => {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `openapi#${pointer}` });
      compiled.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  };
}

/** A JSON pointer segment (RFC 6901). */
export function segment(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

export interface Operation {
  method: string;
  path: string;
  /** JSON pointer of the operation in the document. */
  pointer: string;
  // biome-ignore lint/suspicious/noExplicitAny: the operation object as the document has it
  spec: Record<string, any>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, unknown>)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, spec]) => ({
        method,
        path,
        pointer: `/paths/${segment(path)}/${method}`,
        spec: spec as Record<string, unknown>,
      })),
  );
}
