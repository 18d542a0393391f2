// First: before any schema of @bucketgrid/shared is built.
import '../lib/zod-config.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../styles/tokens.css';
import '../styles/app.css';
import { ShareApp } from './ShareApp.tsx';

/**
 * `/s/<token>`: a public share link's page, its own entry. It loads the grid and its widgets,
 * never the app's pages, dialogs or management calls.
 */
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ShareApp />
  </StrictMode>,
);
