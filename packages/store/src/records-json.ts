import { toLongRecord, toMinRecord } from '@bucketgrid/shared';
import type { ReadResult, RecordForm, RecordsJson } from './store.ts';

/** RecordsJson with its text in a Uint8Array of its own, which a thread can transfer. */
export type RecordsJsonBytes = Omit<RecordsJson, 'records'> & { records: Uint8Array };

/** A page of records as the REST API's JSON (see SeriesStore.readRecordsJson). */
export function recordsAsJson(
  { records, hasMore }: ReadResult,
  form: RecordForm,
): RecordsJsonBytes {
  const inForm = form === 'min' ? records.map(toMinRecord) : records.map(toLongRecord);
  return {
    records: utf8.encode(JSON.stringify(inForm)),
    hasMore,
    lastKey: records.at(-1)?.key,
  };
}

/** The same page, its bytes seen as a Buffer (not copied). */
export function withBuffer(page: RecordsJsonBytes): RecordsJson {
  return { ...page, records: bytesAsBuffer(page.records) };
}

export function bytesAsBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const utf8 = new TextEncoder();
