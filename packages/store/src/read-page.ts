import { type DataRecord, READ_PAGE_VALUES_BUDGET } from '@bucketgrid/shared';
import type { ReadResult } from './store.ts';

/**
 * A page of records for every backend: at most `limit` records and READ_PAGE_VALUES_BUDGET
 * series values (at least one record), from records in order, of which one more than `limit`
 * was asked to tell whether more follow. Lazy: records past the page are never taken.
 */
export function pageOf(records: Iterable<DataRecord>, limit: number): ReadResult {
  const page: DataRecord[] = [];
  let values = 0;
  for (const record of records) {
    if (page.length === limit || (page.length > 0 && values >= READ_PAGE_VALUES_BUDGET)) {
      return { records: page, hasMore: true };
    }
    for (const _ in record.values) values += 1;
    page.push(record);
  }
  return { records: page, hasMore: false };
}
