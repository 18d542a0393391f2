import type { ReactNode } from 'react';
import { Logo } from '../Logo.tsx';

export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <Logo />
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
