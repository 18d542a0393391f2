import { createContext, type ReactNode, useContext } from 'react';
import { type AlertRule, trpc } from '../lib/trpc.ts';

/**
 * How often the open dashboard asks for its rules' states unprompted. A change of state, and
 * a rule created, changed or deleted, arrives as an `alerts` live event, which refetches them
 * at once (hooks/useDashboardLive.tsx); this slow refetch only covers a live stream that is
 * down (while it reconnects, and it refetches anyway once it is back).
 */
export const ALERT_STATES_REFRESH_MS = 60_000;

const NONE: readonly AlertRule[] = [];
const AlertRulesContext = createContext<readonly AlertRule[]>(NONE);

/**
 * One query of the dashboard's rules and their states (`alerts.list`, members only), shared by
 * the tabs, every widget of the grid and the wall screen. Pages without it (a public share
 * link) show no alert marks and never ask for them.
 */
export function AlertRulesProvider({
  dashboardId,
  children,
}: {
  dashboardId: string;
  children: ReactNode;
}) {
  const rules = trpc.alerts.list.useQuery(
    { dashboardId },
    { refetchInterval: ALERT_STATES_REFRESH_MS },
  );
  return (
    <AlertRulesContext.Provider value={rules.data ?? NONE}>{children}</AlertRulesContext.Provider>
  );
}

/** The open dashboard's rules with their states; empty while they load, or on a share page. */
export function useAlertRules(): readonly AlertRule[] {
  return useContext(AlertRulesContext);
}
