import { RoleRequired } from '../../components/dashboard/RoleRequired.tsx';
import { ApiKeysManager } from '../../components/keys/ApiKeysManager.tsx';
import { useDashboard } from '../../hooks/useDashboard.ts';
import { useDocumentTitle } from '../../hooks/useDocumentTitle.ts';
import { capabilities } from '../../lib/roles.ts';

export function ApiKeysTab() {
  const dashboard = useDashboard();
  useDocumentTitle('API keys', dashboard.name);
  if (!capabilities(dashboard.role).manageKeys) return <RoleRequired what="API keys" />;
  return <ApiKeysManager />;
}
