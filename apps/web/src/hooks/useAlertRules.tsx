import { createContext, type ReactNode, useContext } from 'react';
import { type AlertRule, trpc } from '../lib/trpc.ts';

/**
 * How often the open dashboard asks for its rules' states. The server evaluates every 15 s by
 * default and announces no state change on the live stream, so a change shows within 5 s of
 * the round that made it.
 */
export const ALERT_STATES_REFRESH_MS = 5_000;

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
