import type { AppRouter } from '@bucketgrid/trpc';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createContext, type ReactNode, useContext, useMemo } from 'react';
import { trpc } from './trpc.ts';

type Inputs = inferRouterInputs<AppRouter>['buckets'];
type Outputs = inferRouterOutputs<AppRouter>['buckets'];

/**
 * Where the grid's widgets get their data: a member's page reads through the members' tRPC
 * procedures (`buckets.downsample`, `buckets.records`), a public share page through the link's
 * (`share.downsample`, `share.records`). The widgets ask the same questions either way.
 */
export interface GridReads {
  downsample(input: Inputs['downsample']): Promise<Outputs['downsample']>;
  records(input: Inputs['records']): Promise<Outputs['records']>;
}

const GridReadsContext = createContext<GridReads | null>(null);

/** Gives the widgets inside it another source of data than the member's procedures. */
export function GridReadsProvider({ reads, children }: { reads: GridReads; children: ReactNode }) {
  return <GridReadsContext.Provider value={reads}>{children}</GridReadsContext.Provider>;
}

/** The grid's reads: those provided above, else the signed-in member's. */
export function useGridReads(): GridReads {
  const provided = useContext(GridReadsContext);
  const utils = trpc.useUtils();
  return useMemo(
    () =>
      provided ?? {
        downsample: (input) => utils.client.buckets.downsample.query(input),
        records: (input) => utils.client.buckets.records.query(input),
      },
    [provided, utils],
  );
}
