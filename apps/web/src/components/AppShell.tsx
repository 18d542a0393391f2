import { Outlet } from 'react-router';
import { AppHeader } from './AppHeader.tsx';

export function AppShell() {
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppHeader />
      <main id="main" className="page">
        <Outlet />
      </main>
    </>
  );
}
