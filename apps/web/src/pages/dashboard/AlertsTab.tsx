import { AlertRuleForm } from '../../components/alerts/AlertRuleForm.tsx';
import { AlertRuleList } from '../../components/alerts/AlertRuleList.tsx';
import { ContactPoints } from '../../components/alerts/ContactPoints.tsx';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { capabilities } from '../../lib/roles.ts';

/** The dashboard's alert rules with their states, and where they notify (docs/alerts.md). */
export function AlertsTab() {
  const dashboard = useDashboard();
  useDocumentTitle('Alerts', dashboard.name);
  return (
    <section className="stack-lg" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      {capabilities(dashboard.role).manageData && <AlertRuleForm />}
      <AlertRuleList />
      <ContactPoints />
    </section>
  );
}
