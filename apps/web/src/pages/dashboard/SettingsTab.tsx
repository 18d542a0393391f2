import { RoleRequired } from '../../components/dashboard/RoleRequired.tsx';
import { DashboardSettingsForm } from '../../components/settings/DashboardSettingsForm.tsx';
import { DeleteDashboardPanel } from '../../components/settings/DeleteDashboardPanel.tsx';
import { ShareLinksPanel } from '../../components/sharing/ShareLinksPanel.tsx';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { capabilities } from '../../lib/roles.ts';

export function SettingsTab() {
  const dashboard = useDashboard();
  useDocumentTitle('Settings', dashboard.name);
  const can = capabilities(dashboard.role);
  if (!can.editSettings) return <RoleRequired what="settings" />;
  return (
    <section className="stack-lg" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      <DashboardSettingsForm />
      <ShareLinksPanel />
      {can.deleteDashboard && <DeleteDashboardPanel />}
    </section>
  );
}
