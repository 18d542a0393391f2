import { createContext, useContext } from 'react';
import type { Dashboard } from '../lib/trpc.ts';

export const DashboardContext = createContext<Dashboard | null>(null);

/** The dashboard of the current page, with the viewer's role; set by the dashboard page. */
export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext);
  if (!dashboard) throw new Error('useDashboard is used outside a dashboard page');
  return dashboard;
}

/** The id of the current page's dashboard. */
export function useDashboardId(): string {
  return useDashboard().id;
}
