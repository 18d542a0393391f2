import { Link } from 'react-router';
import type { Dashboard } from '../../lib/trpc.ts';
import { DateTime } from '../DateTime.tsx';
import { RoleBadge } from '../RoleBadge.tsx';

interface Props {
  dashboards: Dashboard[];
  workspace: string;
}

export function DashboardList({ dashboards, workspace }: Props) {
  if (dashboards.length === 0) {
    return (
      <div className="empty-state">
        <h2>No dashboards yet</h2>
        <p>Create your first dashboard above, or ask a teammate to add you to theirs.</p>
      </div>
    );
  }
  return (
    <ul className="dashboard-grid" aria-label="Your dashboards">
      {dashboards.map((dashboard) => {
        const path = `/${dashboard.workspace}/${dashboard.slug}`;
        return (
          <li key={dashboard.id}>
            <Link to={path} className="card dashboard-card">
              <span className="dashboard-card-title">{dashboard.name}</span>
              <span className="muted mono">{path}</span>
              <span className="dashboard-card-meta">
                <RoleBadge role={dashboard.role} />
                {dashboard.workspace !== workspace && (
                  <span className="muted">shared with you</span>
                )}
                <span className="muted">
                  created <DateTime ms={dashboard.createdAt} dateOnly />
                </span>
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
