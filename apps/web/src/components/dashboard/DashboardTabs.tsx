import { Link, useLocation } from 'react-router';
import { useAlertRules } from '../../hooks/useAlertRules.tsx';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { isFiring } from '../../lib/alert-marks.ts';
import { capabilities } from '../../lib/roles.ts';

/**
 * The dashboard's sections, as links: each tab has its own URL, so reload and sharing work.
 * On a narrow screen the bar scrolls sideways instead of cutting a tab off.
 */
export function DashboardTabs() {
  const dashboard = useDashboard();
  const { pathname } = useLocation();
  const can = capabilities(dashboard.role);
  const firing = useAlertRules().filter(isFiring).length;
  const base = `/${dashboard.workspace}/${dashboard.slug}`;
  const tabs = [
    { to: base, label: 'Dashboard', section: 'dashboard', shown: true },
    { to: `${base}/buckets`, label: 'Buckets', section: 'buckets', shown: true },
    { to: `${base}/keys`, label: 'API Keys', section: 'keys', shown: can.manageKeys },
    { to: `${base}/members`, label: 'Members', section: 'members', shown: true },
    { to: `${base}/alerts`, label: 'Alerts', section: 'alerts', shown: true },
    { to: `${base}/activity`, label: 'Activity', section: 'activity', shown: can.readActivity },
    { to: `${base}/settings`, label: 'Settings', section: 'settings', shown: can.editSettings },
  ];
  const rest = pathname.slice(base.length).split('/')[1] ?? '';
  const current = rest === '' ? 'dashboard' : rest;
  return (
    <nav className="dashboard-tabs" aria-label="Dashboard sections">
      {tabs
        .filter((tab) => tab.shown)
        .map((tab) => (
          <Link
            key={tab.section}
            to={tab.to}
            className="dashboard-tab"
            aria-current={tab.section === current ? 'page' : undefined}
          >
            {tab.label}
            {tab.section === 'alerts' && firing > 0 && (
              <>
                {' '}
                <span className="tab-count">
                  {firing}
                  <span className="visually-hidden"> firing</span>
                </span>
              </>
            )}
          </Link>
        ))}
    </nav>
  );
}
