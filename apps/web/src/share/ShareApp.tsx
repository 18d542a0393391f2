import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { trpc } from '../lib/trpc.ts';
import { SharePage } from './SharePage.tsx';
import { createShareQueryClient, createShareTrpcClient, tokenFromPath } from './share-client.ts';

export function ShareApp() {
  const [queryClient] = useState(createShareQueryClient);
  const [trpcClient] = useState(createShareTrpcClient);
  const [token] = useState(() => tokenFromPath(window.location.pathname));
  const [wall] = useState(
    () => new URLSearchParams(window.location.search).get('layout') === 'wall',
  );
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <SharePage token={token} wall={wall} />
      </QueryClientProvider>
    </trpc.Provider>
  );
}
