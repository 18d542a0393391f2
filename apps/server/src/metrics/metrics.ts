import { type DataRecord, ParsedRecord } from '@bucketgrid/shared';
import {
  type CommitObserver,
  type Store,
  StoreError,
  StoreUnavailable,
  wrapMethods,
} from '@bucketgrid/store';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BackupObserver } from '../backups/scheduled-backups.ts';
import { ROUTE_LABELS } from './requests.ts';

/**
 * What an operator sees of the server, in Prometheus' text format (GET /metrics): requests by
 * route and status with their latency, records and values ingested, group commits, live
 * streams, rate-limit refusals, store errors, scheduled backups, and the process (CPU, memory, event loop, GC).
 * Each server has its own registry, so servers in one test process do not mix their figures.
 */
export class ServerMetrics {
  readonly registry = new Registry();

  private readonly requestSeconds = new Histogram({
    name: 'bucketgrid_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, and how long they took',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  private readonly recordsIngested = new Counter({
    name: 'bucketgrid_ingested_records_total',
    help: 'Records written through the REST API (acknowledged, on disk)',
    registers: [this.registry],
  });
  private readonly valuesIngested = new Counter({
    name: 'bucketgrid_ingested_values_total',
    help: 'Series values in the records written through the REST API',
    registers: [this.registry],
  });
  private readonly commitJobs = new Histogram({
    name: 'bucketgrid_group_commit_jobs',
    help: 'Write jobs (requests) that shared one SQLite commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  private readonly commitSeconds = new Histogram({
    name: 'bucketgrid_group_commit_duration_seconds',
    help: 'Time from the end of a group commit’s jobs until they are durable (COMMIT, then the WAL fdatasync)',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  private readonly commitRunSeconds = new Histogram({
    name: 'bucketgrid_group_commit_run_duration_seconds',
    help: 'Time the jobs of one commit took to run, before the COMMIT',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers: [this.registry],
  });
  private readonly liveStreams = new Gauge({
    name: 'bucketgrid_live_streams',
    help: 'Open live streams (server-sent events)',
    registers: [this.registry],
  });
  private readonly rateLimitRefusals = new Counter({
    name: 'bucketgrid_rate_limit_refusals_total',
    help: 'Refusals with 429 (rate limits, throttling, live-view caps) by route pattern (MCP tool calls refused so as route "/mcp"); connections over the per-address cap as route "(connection)"',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });
  private readonly storeErrors = new Counter({
    name: 'bucketgrid_store_errors_total',
    help: 'Store operations that failed (a fault or no answer in time, not an expected outcome), by operation',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });
  private readonly backups = new Counter({
    name: 'bucketgrid_backups_total',
    help: 'Scheduled backups (BACKUP_DIR) by outcome: success or failure',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly lastBackup = new Gauge({
    name: 'bucketgrid_last_backup_success_timestamp_seconds',
    help: 'When the newest successful scheduled backup was taken (unix seconds; 0 for none yet)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // A counter without samples is no data to an alert (`increase(...) > 0` never fires and
    // `absent` cannot tell "never" from "not scraped"): every known label starts at 0.
    for (const route of [...ROUTE_LABELS, '(connection)']) this.rateLimitRefusals.inc({ route }, 0);
    this.storeErrors.inc({ operation: 'commit' }, 0);
    for (const outcome of ['success', 'failure']) this.backups.inc({ outcome }, 0);
  }

  request(method: string, route: string, status: number, seconds: number): void {
    this.requestSeconds.observe({ method, route, status: String(status) }, seconds);
    this.refused(route, status);
  }

  /**
   * A refusal by its status: 429s are rate-limit refusals. Requests count theirs; MCP tool calls
   * are refused inside a 200 answer, so the MCP server counts each by its problem's status.
   */
  refused(route: string, status: number): void {
    if (status === 429) this.rateLimitRefusals.inc({ route });
  }

  /** Records a write put on disk: how many, and how many series values they held. */
  ingested(records: number, values: number): void {
    this.recordsIngested.inc(records);
    this.valuesIngested.inc(values);
  }

  /** A connection refused by the per-address cap, before any request was read. */
  connectionRefused(): void {
    this.rateLimitRefusals.inc({ route: '(connection)' });
  }

  liveStreamOpened(): void {
    this.liveStreams.inc();
  }

  liveStreamClosed(): void {
    this.liveStreams.dec();
  }

  /** For the scheduled backups (backups/scheduled-backups.ts). */
  readonly backupObserver: BackupObserver = {
    written: (atMs) => {
      this.backups.inc({ outcome: 'success' });
      this.lastBackup.set(atMs / 1000);
    },
    failed: () => this.backups.inc({ outcome: 'failure' }),
  };

  /** For openStore: what each SQLite group commit carried and took. */
  readonly commitObserver: CommitObserver = {
    committed: (jobs, runSeconds, commitSeconds) => {
      this.commitJobs.observe(jobs);
      this.commitRunSeconds.observe(runSeconds);
      this.commitSeconds.observe(commitSeconds);
    },
    failed: () => this.storeErrors.inc({ operation: 'commit' }),
  };

  /**
   * The store, counting the failures of each operation: faults, and a database that did not
   * answer in time. Store errors that are outcomes callers handle (a taken slug, a deleted
   * bucket) are not failures.
   */
  instrumentStore(store: Store): Store {
    const errors = this.storeErrors;
    return wrapMethods(store, (name, method) => {
      errors.inc({ operation: name }, 0);
      return (...args) => {
        const result = method(...args);
        if (result instanceof Promise) {
          result.catch((error: unknown) => {
            if (error instanceof StoreUnavailable || !(error instanceof StoreError)) {
              errors.inc({ operation: name });
            }
          });
        }
        return result;
      };
    });
  }
}

/** Series values in a written record, without building a parsed record's values object. */
export function countValues(record: DataRecord): number {
  return record instanceof ParsedRecord ? record.valueCount : Object.keys(record.values).length;
}
