import type { AppRouter } from '@bucketgrid/trpc';
import { createTRPCClient, httpBatchLink } from '@trpc/client';

const server = 'http://localhost:3000';
let cookie = '';

const bucketgrid = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: `${server}/trpc`,
      // Mutations must name the server as their Origin (cross-site request protection).
      headers: () => ({ origin: server, cookie }),
      fetch: async (url, init) => {
        const response = await fetch(url, init as RequestInit);
        cookie = response.headers.getSetCookie()[0]?.split(';')[0] ?? cookie;
        return response;
      },
    }),
  ],
});

await bucketgrid.auth.signIn.mutate({ email: 'ada@example.com', password: 'a long password' });
const [dashboard] = await bucketgrid.dashboards.list.query();
if (dashboard) {
  const buckets = await bucketgrid.buckets.list.query({ dashboardId: dashboard.id });
  for (const bucket of buckets) console.log(bucket.name, bucket.type, bucket.recordCount);
}
