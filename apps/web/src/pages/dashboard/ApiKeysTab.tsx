import { RoleRequired } from '../../components/dashboard/RoleRequired.tsx';
import { ApiKeysManager } from '../../components/keys/ApiKeysManager.tsx';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { capabilities } from '../../lib/roles.ts';

export function ApiKeysTab() {
  const dashboard = useDashboard();
  if (!capabilities(dashboard.role).manageKeys) return <RoleRequired what="API keys" />;
  return <ApiKeysManager />;
}
