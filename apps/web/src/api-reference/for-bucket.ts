/** An OpenAPI document, walked as plain JSON. */
// biome-ignore lint/suspicious/noExplicitAny: the document is JSON from the server
type Document = Record<string, any>;

export interface BucketChoice {
  id: string;
  type?: string;
}

const ID = /^[0-9A-Za-z_-]{1,64}$/;
const TYPES = ['TSV', 'KV', 'IV'];

/** The bucket named in the page's query string (`?bucket=ID&type=KV`), if it is a valid one. */
export function bucketFromQuery(search: string): BucketChoice | undefined {
  const params = new URLSearchParams(search);
  const id = params.get('bucket');
  if (!id || !ID.test(id)) return undefined;
  const type = params.get('type') ?? undefined;
  return { id, type: type && TYPES.includes(type) ? type : undefined };
}

/**
 * The document as this user's examples should show it: their bucket id in every path, and the
 * write examples for their bucket's type first (examples say their type in `x-bucket-type`;
 * TSV when they do not).
 */
export function forBucket(document: Document, bucket: BucketChoice | undefined): Document {
  const copy = structuredClone(document);
  if (!bucket) return copy;
  for (const item of Object.values<Document>(copy.paths ?? {})) {
    for (const operation of Object.values<Document>(item)) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && parameter.name === 'bucketId') {
          parameter.example = bucket.id;
          parameter.schema = { ...parameter.schema, example: bucket.id };
        }
      }
      const media = operation.requestBody?.content?.['application/json'];
      if (media?.examples && bucket.type) {
        const entries = Object.entries<Document>(media.examples);
        const mine = (example: Document) => (example['x-bucket-type'] ?? 'TSV') === bucket.type;
        media.examples = Object.fromEntries([
          ...entries.filter(([, example]) => mine(example)),
          ...entries.filter(([, example]) => !mine(example)),
        ]);
      }
    }
  }
  return copy;
}
