export * from './accounts.ts';
export * from './api-keys.ts';
export * from './buckets.ts';
export * from './dashboards.ts';
export * from './passwords.ts';
