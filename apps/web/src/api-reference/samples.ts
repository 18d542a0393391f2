/** An OpenAPI document, walked as plain JSON. */
// biome-ignore lint/suspicious/noExplicitAny: the document is JSON from the server
type Document = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * The document as the reference page's code samples should see it, so every sample works as
 * shown (the Scalar renderer builds them from the document):
 * - an optional query parameter without an example stays out of the samples. The renderer fills
 *   every parameter that has a schema, with an empty value when it has no example (`to=&cursor=`
 *   is a 400), or the first of an enum (`key_format=iso` without `format=csv` is a 400). Such a
 *   parameter's schema moves under `content`, which the parameter list shows the same and from
 *   which the renderer takes no value.
 * - Python (requests) is our own sample, a whole program with its `import requests` (the
 *   renderer's starts at the call); its generated one is hidden (main.ts).
 */
export function forSamples(document: Document, origin: string): Document {
  const copy = structuredClone(document);
  const secured = (operation: Document) => (operation.security ?? copy.security ?? []).length > 0;
  for (const [path, item] of Object.entries<Document>(copy.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters: Document[] = [...(item.parameters ?? []), ...(operation.parameters ?? [])];
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'query' && !parameter.required && !hasExample(parameter)) {
          parameter.content = { 'text/plain': { schema: parameter.schema } };
          delete parameter.schema;
        }
      }
      operation['x-codeSamples'] = [
        ...(operation['x-codeSamples'] ?? []),
        {
          lang: 'python',
          label: 'Requests',
          source: pythonSample(origin, path, method, operation, parameters, secured(operation)),
        },
      ];
    }
  }
  return copy;
}

function hasExample(parameter: Document): boolean {
  const schema = parameter.schema ?? {};
  return (
    parameter.example !== undefined ||
    Object.keys(parameter.examples ?? {}).length > 0 ||
    schema.example !== undefined ||
    (Array.isArray(schema.examples) && schema.examples.length > 0)
  );
}

function exampleOf(parameter: Document): unknown {
  const schema = parameter.schema ?? {};
  if (parameter.example !== undefined) return parameter.example;
  const named = Object.values<Document>(parameter.examples ?? {})[0];
  if (named?.value !== undefined) return named.value;
  if (schema.example !== undefined) return schema.example;
  return Array.isArray(schema.examples) ? schema.examples[0] : undefined;
}

/** A Python literal of a JSON value, indented as the call's argument. */
function python(value: unknown, indent: string): string {
  const json = JSON.stringify(value, null, 4)
    .replace(/\btrue\b/g, 'True')
    .replace(/\bfalse\b/g, 'False')
    .replace(/\bnull\b/g, 'None');
  return json.split('\n').join(`\n${indent}`);
}

/** The request as a program: the call with the API key, then what the server answered. */
function pythonSample(
  origin: string,
  path: string,
  method: string,
  operation: Document,
  parameters: Document[],
  secured: boolean,
): string {
  let url = `${origin}${path}`;
  const query: Record<string, unknown> = {};
  for (const parameter of parameters) {
    const value = exampleOf(parameter);
    if (parameter.in === 'path')
      url = url.replace(`{${parameter.name}}`, String(value ?? `{${parameter.name}}`));
    else if (parameter.in === 'query' && value !== undefined) query[parameter.name] = value;
  }
  const body = Object.values<Document>(
    operation.requestBody?.content?.['application/json']?.examples ?? {},
  )[0]?.value;
  const args = [`"${url}"`];
  if (Object.keys(query).length > 0) args.push(`params=${python(query, '    ')}`);
  if (secured) args.push('headers={"X-API-Key": "YOUR_API_KEY"}');
  if (body !== undefined) args.push(`json=${python(body, '    ')}`);
  return [
    'import requests',
    '',
    `response = requests.${method}(`,
    ...args.map((arg) => `    ${arg},`),
    ')',
    'print(response.status_code, response.text)',
    '',
  ].join('\n');
}
