export type { LiveEvent } from '@bucketgrid/live';
export type { Context, Sharing } from './context.ts';
export { type AppRouter, appRouter } from './root.ts';
export type { ApiKeyView } from './routers/api-keys.ts';
export type { DashboardView } from './routers/dashboards.ts';
