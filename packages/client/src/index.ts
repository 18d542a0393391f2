export {
  type BatchOptions,
  MAX_RECORDS_PER_WRITE,
  MAX_WRITE_BYTES,
  RecordBatcher,
} from './batcher.js';
export { Bucket, BucketgridClient, type ClientOptions } from './client.js';
export {
  BucketgridError,
  type ErrorCode,
  type Problem,
  type ProblemItem,
  RefusedRecordsError,
} from './errors.js';
export type { RetryEvent, RetryOptions } from './transport.js';
export type * from './types.js';
