export * from './bucket-key.ts';
export * from './domain.ts';
export * from './problems.ts';
export * from './read-query.ts';
export * from './records.ts';
export * from './records-text.ts';
