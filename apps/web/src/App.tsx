import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { AppShell } from './components/AppShell.tsx';
import { ActivityTab } from './components/activity/ActivityTab.tsx';
import { RequireAuth } from './components/auth/RequireAuth.tsx';
import { createQueryClient, createTrpcClient } from './lib/client.ts';
import { trpc } from './lib/trpc.ts';
import { AccountPage } from './pages/AccountPage.tsx';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { AlertsTab } from './pages/dashboard/AlertsTab.tsx';
import { ApiKeysTab } from './pages/dashboard/ApiKeysTab.tsx';
import { BucketPage } from './pages/dashboard/BucketPage.tsx';
import { BucketsTab } from './pages/dashboard/BucketsTab.tsx';
import { GridTab } from './pages/dashboard/GridTab.tsx';
import { MembersTab } from './pages/dashboard/MembersTab.tsx';
import { SettingsTab } from './pages/dashboard/SettingsTab.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { SignUpPage } from './pages/SignUpPage.tsx';
import { ForgotPasswordPage } from './pages/sharing/ForgotPasswordPage.tsx';
import { InvitePage } from './pages/sharing/InvitePage.tsx';
import { ResetPasswordPage } from './pages/sharing/ResetPasswordPage.tsx';
import { WallPage } from './pages/WallPage.tsx';
import { WorkspacePage } from './pages/WorkspacePage.tsx';

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(createTrpcClient);
  return (
    <trpc.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <Routes>
            <Route path="/signin" element={<SignInPage />} />
            <Route path="/signup" element={<SignUpPage />} />
            <Route path="/forgot-password" element={<ForgotPasswordPage />} />
            <Route path="/reset-password/:token" element={<ResetPasswordPage />} />
            <Route path="/invite/:token" element={<InvitePage />} />
            <Route
              path=":workspace/:dashboard/wall"
              element={
                <RequireAuth>
                  <WallPage />
                </RequireAuth>
              }
            />
            <Route
              element={
                <RequireAuth>
                  <AppShell />
                </RequireAuth>
              }
            >
              <Route index element={<WorkspacePage />} />
              <Route path="account" element={<AccountPage />} />
              <Route path=":workspace/:dashboard" element={<DashboardPage />}>
                <Route index element={<GridTab />} />
                <Route path="buckets" element={<BucketsTab />} />
                <Route path="buckets/:bucketId" element={<BucketPage />} />
                <Route path="keys" element={<ApiKeysTab />} />
                <Route path="keys/:keyId" element={<ApiKeysTab />} />
                <Route path="members" element={<MembersTab />} />
                <Route path="activity" element={<ActivityTab />} />
                <Route path="alerts" element={<AlertsTab />} />
                <Route path="settings" element={<SettingsTab />} />
              </Route>
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </trpc.Provider>
  );
}
