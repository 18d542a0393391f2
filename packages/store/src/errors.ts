/**
 * What the store raises for outcomes its callers handle (services turn them into API errors);
 * anything else it throws is a fault.
 */
export class StoreError extends Error {}

/** A unique field (email, workspace, slug, membership) is taken. */
export class UniqueViolation extends StoreError {
  constructor(readonly field: 'email' | 'workspace' | 'slug' | 'membership' | 'invitation') {
    super(`unique violation on ${field}`);
    this.name = 'UniqueViolation';
  }
}

/**
 * The entity a change was made to (or under, or that it names) does not exist: it never did,
 * or it was deleted meanwhile.
 */
export class MissingEntity extends StoreError {
  constructor(readonly entity: 'bucket' | 'dashboard' | 'user') {
    super(`the ${entity} does not exist`);
    this.name = 'MissingEntity';
  }
}

/** The change would leave a dashboard without an owner; nothing was changed. */
export class LastOwner extends StoreError {
  constructor() {
    super('the dashboard would have no owner left');
    this.name = 'LastOwner';
  }
}

/**
 * The database did not answer in time or cannot be reached (no primary, no majority to
 * acknowledge, a lock held elsewhere). Callers answer "try again shortly". Like any answer
 * that never came, it leaves open whether a change was applied; record upserts and deletes
 * have the same effect when retried.
 */
export class StoreUnavailable extends StoreError {
  constructor(readonly reason: string) {
    super(`the store is unavailable: ${reason}`);
    this.name = 'StoreUnavailable';
  }
}

/**
 * A downsampled read that no coarsening brings within its raw-records budget
 * (READ_RAW_RECORDS_BUDGET): the intervals awaiting upkeep, or cut by the range's ends, hold
 * more records than the budget whatever their width. Nothing was read past the count; the
 * same read answers once upkeep has stored their figures.
 */
export class ReadOverBudget extends StoreError {
  /** Carried across the reader threads with the message (reader-pool.ts). */
  static readonly code = 'BUCKETGRID_READ_OVER_BUDGET';
  readonly code = ReadOverBudget.code;
  readonly budget = 'raw_records';
  constructor(message: string) {
    super(message);
    this.name = 'ReadOverBudget';
  }
}
