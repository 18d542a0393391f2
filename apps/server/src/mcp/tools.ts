import {
  apiKeyAuthor,
  deleteRecords,
  downsampleRecords,
  getBucketOrThrow,
  listBuckets,
  type Reader,
  readRecords,
  writeRecords,
} from '@bucketgrid/services';
import {
  AppError,
  downsampleQueryInput,
  encodeCursor,
  type KeyPermission,
  keysLookLikeSeconds,
  type ProblemDetailItem,
  parseRecordBatch,
  queryProblem,
  readQueryInput,
  readQueryOf,
  toLongRecord,
} from '@bucketgrid/shared';
import {
  bucketIdSchema,
  deleteBodySchema,
  recordKeyInputSchema,
  writeBodySchema,
} from '@bucketgrid/shared/rest-api';
import type { Bucket, RecordSelection } from '@bucketgrid/store';
import { z } from 'zod';
import type { ApiKeyGrant } from '../ingest/access-cache.ts';
import type { IngestDeps } from '../ingest/handlers.ts';
import { SECONDS_WARNING, spendProblem } from '../ingest/handlers.ts';
import {
  conflictingSelection,
  selectionFromBody,
  selectionFromQuery,
} from '../ingest/selection.ts';
import { countValues } from '../metrics/metrics.ts';
import {
  asBody,
  asQueryParameters,
  defineTool,
  type InputProblem,
  type McpTool,
  pointerOf,
} from './tool-server.ts';

/** Who calls the tools: the verified API key, from this client address. */
export interface McpCaller {
  key: ApiKeyGrant;
  address: string;
}

const bucketInput = { bucket_id: bucketIdSchema };

/** As REST names a body's problems: the records by pointer into them, the rest by argument. */
const asRecordsBody: InputProblem = (path) =>
  path[0] === 'records'
    ? { code: 'invalid_records', at: { pointer: pointerOf(path.slice(1)) } }
    : asBody(path);

/** As REST's DELETE: keys in a body (invalid_records), from/to as query parameters. */
const asDeleteSelection: InputProblem = (path) =>
  path[0] === 'keys'
    ? { code: 'invalid_records', at: { pointer: pointerOf(path) } }
    : asQueryParameters(path);

/**
 * The tools an AI agent gets over MCP: the REST data API's operations on the key's dashboard,
 * through the same services, key scopes, tenancy check, budgets and problem codes (a refusal
 * is thrown as the AppError REST would answer; tool-server.ts makes it the tool error).
 */
export function mcpTools(deps: IngestDeps, caller: McpCaller): McpTool[] {
  const { store, keys } = deps;
  const { key } = caller;
  const reader: Reader = { limits: deps.readLimits, principal: `key:${key.id}` };

  /** As REST's authorize: the permission, then the bucket within the key's dashboard and list. */
  async function bucketFor(bucketId: string, permission: KeyPermission): Promise<Bucket> {
    keys.checkScope(key, permission);
    const bucket = await getBucketOrThrow(store, bucketId, key.dashboardId, 'bucket_not_found');
    keys.checkScope(key, permission, bucket.id);
    return bucket;
  }

  function spend(weight: number): void {
    const spent = keys.spend(key, weight);
    if (!spent.allowed) throw spendProblem(spent, weight);
  }

  return [
    defineTool({
      name: 'describe_dashboard',
      description:
        "The API key's dashboard and the buckets it may touch: ids, names, key types (TSV: time series keyed by unix ms; KV: text keys; IV: integer keys), series keys with names and units, record counts and last write times. Call it first.",
      input: z.strictObject({}),
      inputProblem: asBody,
      annotations: { readOnlyHint: true },
      run: async () => {
        spend(1);
        const dashboard = await store.getDashboard(key.dashboardId);
        if (!dashboard) throw new AppError('not_found', 'The key’s dashboard was deleted.');
        const buckets = (await listBuckets(store, key.dashboardId)).filter(
          (bucket) => key.bucketIds === null || key.bucketIds.includes(bucket.id),
        );
        return {
          dashboard: { id: dashboard.id, name: dashboard.name, retention: dashboard.retention },
          key: { name: key.name, scopes: key.scopes },
          buckets: buckets.map((bucket) => ({
            id: bucket.id,
            name: bucket.name,
            type: bucket.type,
            series: bucket.series.map(({ sk, name, unit }) => ({ series_key: sk, name, unit })),
            record_count: bucket.recordCount,
            last_write_at:
              bucket.lastWriteAt === null ? null : new Date(bucket.lastWriteAt).toISOString(),
          })),
        };
      },
    }),

    defineTool({
      name: 'read_records',
      description:
        'A page of raw records of a bucket in key order (the REST read): from/to inclusive, in the bucket’s key type; pass next_cursor back as cursor for the next page (same order).',
      input: readQueryInput.extend(bucketInput).strict(),
      inputProblem: asQueryParameters,
      annotations: { readOnlyHint: true },
      run: async ({ bucket_id, ...params }) => {
        const bucket = await bucketFor(bucket_id, 'read');
        const problems: ProblemDetailItem[] = [];
        const query = readQueryOf(bucket, params, problems);
        if (problems.length > 0) throw queryProblem(problems);
        spend(1);
        const { records, hasMore } = await readRecords(store, bucket, query, reader);
        const last = records.at(-1);
        return {
          records: records.map(toLongRecord),
          next_cursor: hasMore && last ? encodeCursor(bucket.id, query.order, last.key) : null,
        };
      },
    }),

    defineTool({
      name: 'downsample',
      description:
        'A range of a bucket as about `points` intervals (the REST downsample): per interval its key, record count, and per series min, max, avg and last. A range with no more records than points comes back raw. The way to look at a long range.',
      input: downsampleQueryInput.extend(bucketInput).strict(),
      inputProblem: asQueryParameters,
      annotations: { readOnlyHint: true },
      run: async ({ bucket_id, ...params }) => {
        const bucket = await bucketFor(bucket_id, 'read');
        spend(1);
        return { ...(await downsampleRecords(store, bucket, params, reader)) };
      },
    }),

    defineTool({
      name: 'write_records',
      description:
        'Writes 1–10,000 records to a bucket (the REST POST, or PUT with mode "replace"): merge replaces the given series of each record and keeps its others; replace replaces the record. Each record counts against the key’s per-minute budget.',
      input: z.strictObject({
        ...bucketInput,
        records: writeBodySchema,
        mode: z.enum(['merge', 'replace']).default('merge'),
      }),
      inputProblem: asRecordsBody,
      annotations: { destructiveHint: false, idempotentHint: true },
      run: async ({ bucket_id, records: input, mode }) => {
        const bucket = await bucketFor(bucket_id, 'write');
        const tally = bucket.type === 'TSV' ? { numeric: 0, before2001: 0 } : undefined;
        const records = parseRecordBatch(input, bucket.type, tally);
        spend(records.length);
        const result = await writeRecords(store, bucket, records, mode);
        let values = 0;
        for (const record of records) values += countValues(record);
        deps.metrics.ingested(records.length, values);
        const written = { written: records.length, ...result };
        if (tally === undefined || !keysLookLikeSeconds(tally)) return written;
        return { ...written, warnings: [SECONDS_WARNING] };
      },
    }),

    defineTool({
      name: 'delete_records',
      description:
        'Deletes records of a bucket (the REST DELETE): either the given keys, or the inclusive range from/to (one bound alone is open-ended). Answers how many were deleted.',
      input: z.strictObject({
        ...bucketInput,
        keys: deleteBodySchema.shape.keys.optional(),
        from: recordKeyInputSchema.optional(),
        to: recordKeyInputSchema.optional(),
      }),
      inputProblem: asDeleteSelection,
      annotations: { destructiveHint: true },
      run: async ({ bucket_id, keys: selected, from, to }) => {
        const bucket = await bucketFor(bucket_id, 'delete');
        const range: Record<string, string> = {};
        if (from !== undefined) range.from = String(from);
        if (to !== undefined) range.to = String(to);
        let selection: RecordSelection;
        if (selected !== undefined) {
          if (Object.keys(range).length > 0) throw conflictingSelection(range);
          selection = selectionFromBody({ keys: selected }, bucket);
        } else {
          selection = selectionFromQuery(range, bucket);
        }
        spend(1);
        const by = apiKeyAuthor(key, caller.address, deps.now);
        return { deleted: await deleteRecords(store, bucket, selection, by) };
      },
    }),
  ];
}
