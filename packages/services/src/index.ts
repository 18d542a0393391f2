export * from './accounts.ts';
export * from './api-keys.ts';
export * from './buckets.ts';
export * from './dashboards.ts';
export * from './members.ts';
export * from './passwords.ts';
export * from './rate-limit.ts';
export * from './records.ts';
