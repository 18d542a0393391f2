import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const server = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    // The object form keeps the Host header as the browser sent it (the string shorthand would
    // rewrite it), so the server's same-origin check on mutations sees the dev server's origin.
    proxy: { '/api': { target: server }, '/trpc': { target: server } },
  },
  build: {
    sourcemap: true,
    rollupOptions: {
      input: { app: 'index.html', 'api-reference': 'api-reference.html' },
    },
  },
});
