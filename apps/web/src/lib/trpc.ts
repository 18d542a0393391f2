import type { AppRouter } from '@bucketgrid/trpc';
import { createTRPCReact } from '@trpc/react-query';
import type { inferRouterOutputs } from '@trpc/server';

/** Typed hooks for every procedure; only the router's type is imported, never server code. */
export const trpc = createTRPCReact<AppRouter>();

type Outputs = inferRouterOutputs<AppRouter>;
export type User = NonNullable<Outputs['auth']['me']>;
export type Dashboard = Outputs['dashboards']['bySlug'];
export type Bucket = Outputs['buckets']['get'];
export type BucketRecord = Outputs['buckets']['records']['records'][number];
export type ApiKey = Outputs['apiKeys']['list'][number];
export type Member = Outputs['members']['list'][number];
export type ActivityEntry = Outputs['activity']['list']['entries'][number];
export type AccountEvent = Outputs['activity']['account'][number];
export type ShareLink = Outputs['shareLinks']['list'][number];
export type AlertRule = Outputs['alerts']['list'][number];
