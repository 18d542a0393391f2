import {
  apiKeyAuthor,
  asServiceUnavailable,
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
  isAppError,
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
import type { ApiKeyRecord, Bucket, RecordSelection } from '@bucketgrid/store';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { IngestDeps } from '../ingest/handlers.ts';
import { SECONDS_WARNING, spendProblem } from '../ingest/handlers.ts';
import {
  conflictingSelection,
  selectionFromBody,
  selectionFromQuery,
} from '../ingest/selection.ts';
import type { Logger } from '../log.ts';
import { countValues } from '../metrics/metrics.ts';

/** Who calls the tools: the verified API key, from this client address. */
export interface McpCaller {
  key: ApiKeyRecord;
  address: string;
}

const bucketInput = { bucket_id: bucketIdSchema };

/**
 * The tools an AI agent gets over MCP: the REST data API's operations on the key's dashboard,
 * through the same services, key scopes, tenancy check, budgets and problem codes. A refusal
 * is a tool error whose structured content is the REST problem's `code`, `message` and items.
 */
export function registerTools(
  server: McpServer,
  deps: IngestDeps,
  caller: McpCaller,
  logger: Logger,
): void {
  const answer = answerWith(logger);
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

  server.registerTool(
    'describe_dashboard',
    {
      description:
        "The API key's dashboard and the buckets it may touch: ids, names, key types (TSV: time series keyed by unix ms; KV: text keys; IV: integer keys), series keys with names and units, record counts and last write times. Call it first.",
      annotations: { readOnlyHint: true },
    },
    () =>
      answer(async () => {
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
      }),
  );

  server.registerTool(
    'read_records',
    {
      description:
        'A page of raw records of a bucket in key order (the REST read): from/to inclusive, in the bucket’s key type; pass next_cursor back as cursor for the next page (same order).',
      inputSchema: { ...bucketInput, ...readQueryInput.shape },
      annotations: { readOnlyHint: true },
    },
    ({ bucket_id, ...params }) =>
      answer(async () => {
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
      }),
  );

  server.registerTool(
    'downsample',
    {
      description:
        'A range of a bucket as about `points` intervals (the REST downsample): per interval its key, record count, and per series min, max, avg and last. A range with no more records than points comes back raw. The way to look at a long range.',
      inputSchema: { ...bucketInput, ...downsampleQueryInput.shape },
      annotations: { readOnlyHint: true },
    },
    ({ bucket_id, ...params }) =>
      answer(async () => {
        const bucket = await bucketFor(bucket_id, 'read');
        spend(1);
        return { ...(await downsampleRecords(store, bucket, params, reader)) };
      }),
  );

  server.registerTool(
    'write_records',
    {
      description:
        'Writes 1–10,000 records to a bucket (the REST POST, or PUT with mode "replace"): merge replaces the given series of each record and keeps its others; replace replaces the record. Each record counts against the key’s per-minute budget.',
      inputSchema: {
        ...bucketInput,
        records: writeBodySchema,
        mode: z.enum(['merge', 'replace']).default('merge'),
      },
      annotations: { destructiveHint: false, idempotentHint: true },
    },
    ({ bucket_id, records: input, mode }) =>
      answer(async () => {
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
      }),
  );

  server.registerTool(
    'delete_records',
    {
      description:
        'Deletes records of a bucket (the REST DELETE): either the given keys, or the inclusive range from/to (one bound alone is open-ended). Answers how many were deleted.',
      inputSchema: {
        ...bucketInput,
        keys: deleteBodySchema.shape.keys.optional(),
        from: recordKeyInputSchema.optional(),
        to: recordKeyInputSchema.optional(),
      },
      annotations: { destructiveHint: true },
    },
    ({ bucket_id, keys: selected, from, to }) =>
      answer(async () => {
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
      }),
  );
}

/**
 * A tool's answer as JSON (text for every client, structured for those that read it), or its
 * AppError as a tool error carrying the REST problem document (code, detail, items). A store
 * that did not answer in time is service_unavailable, as on REST; anything else is logged and
 * answered as internal_error, its message kept to ourselves.
 */
function answerWith(logger: Logger) {
  return async (run: () => Promise<Record<string, unknown>>): Promise<CallToolResult> => {
    try {
      const result = await run();
      return {
        content: [{ type: 'text', text: JSON.stringify(result) }],
        structuredContent: result,
      };
    } catch (thrown) {
      let error = asServiceUnavailable(thrown);
      if (!isAppError(error)) {
        logger('error', 'MCP tool failed', {
          error: error instanceof Error ? error.stack : String(error),
        });
        error = new AppError('internal_error', 'Something went wrong on our side.');
      }
      const problem = (error as AppError).toProblem();
      return {
        isError: true,
        content: [{ type: 'text', text: JSON.stringify(problem) }],
        structuredContent: { ...problem },
      };
    }
  };
}
